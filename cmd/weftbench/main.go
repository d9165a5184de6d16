// Command weftbench measures Weft against workerd on the same machine: the same Worker scripts,
// bindings included, under the same closed-loop load, alternating between the two; then cold starts,
// deploy-to-live and memory with many environments on Weft alone. It prints a Markdown table and
// writes it with a JSON file into --out.
//
//	go run ./cmd/weftbench [--duration 10s] [--connections 32] [--rounds 3] [--workerd=false] [--environments 1000]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

type options struct {
	connections  int
	duration     time.Duration
	warmup       time.Duration
	workerd      bool
	floor        bool
	workerdDir   string
	out          string
	only         string
	environments int
	hot          int
	coldRounds   int
	redeploys    int
	rounds       int
}

func main() {
	o, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(2)
	}
	r, err := run(context.Background(), o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "weftbench:", err)
		os.Exit(1)
	}
	fmt.Print(r.markdown())
	fmt.Fprintf(os.Stderr, "\nwritten to %s/results.md and results.json\n", o.out)
}

func parseFlags(args []string, errOut io.Writer) (options, error) {
	home, _ := os.UserHomeDir()
	_, npmErr := exec.LookPath("npm")
	var o options
	fs := flag.NewFlagSet("weftbench", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.IntVar(&o.connections, "connections", 32, "concurrent connections, each sending its next request when answered")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured time per scenario and server")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "load before measuring, not counted")
	fs.BoolVar(&o.workerd, "workerd", npmErr == nil, "also run workerd (npm package workerd, installed into --workerd-dir if missing)")
	fs.BoolVar(&o.floor, "floor", true, "with hello and the chain, also measure the floor: net/http and goja serving the same answers with no Weft code")
	fs.StringVar(&o.workerdDir, "workerd-dir", filepath.Join(home, ".cache", "weft-workerd"), "where workerd is installed")
	fs.StringVar(&o.out, "out", "bench-results", "directory for results.md and results.json")
	fs.IntVar(&o.rounds, "rounds", 3, "measurements of each scenario on each server; the median round is reported")
	fs.StringVar(&o.only, "scenarios", "", "comma-separated scenarios to run (default all)")
	fs.IntVar(&o.environments, "environments", 1000, "environments deployed for the memory measurement (0 skips it)")
	fs.IntVar(&o.hot, "hot", 50, "of those, how many receive traffic")
	fs.IntVar(&o.coldRounds, "cold-rounds", 5, "deploys per cold-start measurement (0 skips it)")
	fs.IntVar(&o.redeploys, "redeploy-rounds", 3, "rounds of load with and without a deploy of a busy 1 MiB service (0 skips it)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.rounds < 1 {
		err := fmt.Errorf("--rounds must be at least 1, not %d", o.rounds)
		fmt.Fprintln(errOut, err)
		return o, err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("unexpected arguments: %v", fs.Args())
		fmt.Fprintln(errOut, err)
		return o, err
	}
	return o, nil
}
