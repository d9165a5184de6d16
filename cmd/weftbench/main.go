// Command weftbench measures Weft against workerd on the same machine: the same Worker scripts,
// bindings included, under the same closed-loop load, alternating between the two; then cold starts,
// deploy-to-live and memory with many environments on Weft alone. It prints a Markdown table and
// writes it with a JSON file into --out.
//
//	go run ./cmd/weftbench [--duration 10s] [--connections 32] [--workerd=false] [--environments 1000]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

type options struct {
	connections  int
	duration     time.Duration
	warmup       time.Duration
	workerd      bool
	workerdDir   string
	out          string
	only         string
	environments int
	hot          int
	coldRounds   int
}

func main() {
	home, _ := os.UserHomeDir()
	_, npmErr := exec.LookPath("npm")
	var o options
	flag.IntVar(&o.connections, "connections", 32, "concurrent connections, each sending its next request when answered")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measured time per scenario and server")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "load before measuring, not counted")
	flag.BoolVar(&o.workerd, "workerd", npmErr == nil, "also run workerd (npm package workerd, installed into --workerd-dir if missing)")
	flag.StringVar(&o.workerdDir, "workerd-dir", filepath.Join(home, ".cache", "weft-workerd"), "where workerd is installed")
	flag.StringVar(&o.out, "out", "bench-results", "directory for results.md and results.json")
	flag.StringVar(&o.only, "scenarios", "", "comma-separated scenarios to run (default all)")
	flag.IntVar(&o.environments, "environments", 1000, "environments deployed for the memory measurement (0 skips it)")
	flag.IntVar(&o.hot, "hot", 50, "of those, how many receive traffic")
	flag.IntVar(&o.coldRounds, "cold-rounds", 5, "deploys per cold-start measurement (0 skips it)")
	flag.Parse()
	r, err := run(context.Background(), o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "weftbench:", err)
		os.Exit(1)
	}
	fmt.Print(r.markdown())
	fmt.Fprintf(os.Stderr, "\nwritten to %s/results.md and results.json\n", o.out)
}

func run(ctx context.Context, o options) (*report, error) {
	work, err := os.MkdirTemp("", "weftbench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	scs := selected(o.only)
	r := &report{Machine: machine(), Connections: o.connections, DurationS: o.duration.Seconds(), WarmupS: o.warmup.Seconds()}

	bin, err := buildWeft(work)
	if err != nil {
		return nil, err
	}
	weft, err := startWeft(ctx, bin, work)
	if err != nil {
		return nil, err
	}
	defer func() { weft.stop() }() // the one running at the end
	if err := weft.deployScenarios(ctx, scs); err != nil {
		return nil, err
	}

	var wd *server
	ports := map[string]int{}
	if o.workerd {
		if wd, err = startWorkerd(ctx, o.workerdDir, work, scs, ports); err != nil {
			return nil, err
		}
		defer func() { wd.stop() }() // nil once stopped below
		r.Workerd = workerdVersion
	}
	for _, s := range scs {
		fmt.Fprintf(os.Stderr, "scenario %s: Weft", s.name)
		url, header := weft.target(s.entry(), "production", s.path)
		res := scenarioResult{Name: s.name, Weft: measure(weft.server, url, header, o)}
		if wd != nil {
			fmt.Fprint(os.Stderr, ", workerd")
			k := measure(wd, fmt.Sprintf("http://127.0.0.1:%d%s", ports[s.name], s.path), nil, o)
			res.Workerd = &k
			if k.RPS > 0 {
				res.Ratio = res.Weft.RPS / k.RPS
			}
		}
		fmt.Fprintln(os.Stderr)
		r.Scenarios = append(r.Scenarios, res)
	}
	wd.stop()
	wd = nil

	if o.coldRounds > 0 {
		for _, size := range []int{1 << 10, 1 << 20} {
			fmt.Fprintf(os.Stderr, "cold start, %d KiB bundle\n", size>>10)
			c, err := measureCold(ctx, weft, fmt.Sprintf("cold-%dk", size>>10), bigBundle(size), o.coldRounds)
			if err != nil {
				return nil, err
			}
			r.Cold = append(r.Cold, c)
		}
	}
	if o.environments > 0 {
		// A fresh server, so the heap the scenarios above grew does not count against it.
		weft.stop()
		if weft, err = startWeft(ctx, bin, filepath.Join(work, "fleet")); err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "memory: %d environments, %d hot\n", o.environments, o.hot)
		f, err := measureFleet(ctx, weft, o.environments, o.hot, o.connections, o.duration)
		if err != nil {
			return nil, err
		}
		r.Fleet = &f
	}
	r.check()
	return r, r.write(o.out)
}

// measure drives one server while sampling its memory.
func measure(s *server, url string, header map[string][]string, o options) loadResult {
	stop := s.peakRSS()
	res := drive(url, header, o.connections, o.warmup, o.duration)
	res.PeakRSSMiB = mib(stop())
	return res
}

func startWorkerd(ctx context.Context, installDir, work string, scs []scenario, ports map[string]int) (*server, error) {
	bin, err := installWorkerd(installDir)
	if err != nil {
		return nil, err
	}
	for _, s := range scs {
		if ports[s.name], err = freePort(); err != nil {
			return nil, err
		}
	}
	dir := filepath.Join(work, "workerd")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	cfg, err := workerdConfig(dir, scs, ports)
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(dir, "config.capnp")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	wd, err := start("workerd", work, nil, bin, "serve", cfgPath, "--experimental")
	if err != nil {
		return nil, err
	}
	for _, s := range scs {
		if err := waitHTTP(ctx, fmt.Sprintf("http://127.0.0.1:%d/", ports[s.name]), nil); err != nil {
			wd.stop()
			log, _ := os.ReadFile(filepath.Join(work, "workerd.log"))
			return nil, fmt.Errorf("workerd: %w\n%s", err, log)
		}
	}
	return wd, nil
}

func selected(only string) []scenario {
	all := scenarios()
	if only == "" {
		return all
	}
	var out []scenario
	for _, s := range all {
		for _, name := range strings.Split(only, ",") {
			if strings.TrimSpace(name) == s.name {
				out = append(out, s)
			}
		}
	}
	return out
}

// machine describes where the numbers came from.
func machine() string {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%s/%s, %d cores, %s, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), model, runtime.Version())
}
