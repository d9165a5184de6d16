package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// run is the whole benchmark: the scenarios on Weft (and workerd), then Weft alone.
func run(ctx context.Context, o options) (*report, error) {
	work, err := os.MkdirTemp("", "weftbench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	scs, err := selected(o.only)
	if err != nil {
		return nil, err
	}
	if _, err := wrkPath(); err != nil {
		return nil, err
	}
	r := &report{Machine: machine(), Connections: o.connections, Rounds: o.rounds, DurationS: o.duration.Seconds(), WarmupS: o.warmup.Seconds()}

	bin, err := buildCommand(work, "weft", "github.com/weft-dev/weft/cmd/weft")
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
	var floor *floorServer
	if o.floor {
		if floor, err = startFloor(ctx, work); err != nil {
			return nil, err
		}
		defer func() { floor.stop() }()
	}
	for _, s := range scs {
		res, err := measureScenario(ctx, s, weft, wd, floor, ports[s.name], o)
		if err != nil {
			return nil, err
		}
		r.Scenarios = append(r.Scenarios, res)
	}
	wd.stop()
	wd = nil
	floor.stop()
	floor = nil

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
	if o.redeploys > 0 {
		fmt.Fprintf(os.Stderr, "redeploy under load, 1 MiB bundle\n")
		rd, err := measureRedeploy(ctx, weft, 1<<20, o.redeploys, o.connections, o.warmup, o.duration)
		if err != nil {
			return nil, err
		}
		r.Redeploy = &rd
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

// measureScenario checks the servers' answers, then measures them back to back, o.rounds times:
// Weft, workerd and, for hello and the chain, the floor. Each round starts one later in that order
// than the last, so drift in the host's load falls on all of them alike.
func measureScenario(ctx context.Context, s scenario, weft *weftServer, wd *server, floor *floorServer, wdPort int, o options) (scenarioResult, error) {
	res := scenarioResult{Name: s.name}
	weftURL, header := weft.target(s.entry(), "production", s.path)
	if err := checkAnswer(ctx, s, "Weft", weftURL, header); err != nil {
		return res, err
	}
	wdURL := fmt.Sprintf("http://127.0.0.1:%d%s", wdPort, s.path)
	if wd != nil {
		if err := checkAnswer(ctx, s, "workerd", wdURL, nil); err != nil {
			return res, err
		}
	}
	for i := range o.rounds {
		fmt.Fprintf(os.Stderr, "scenario %s, round %d of %d:", s.name, i+1, o.rounds)
		var rd round
		runs := []func() error{func() (err error) {
			fmt.Fprint(os.Stderr, " Weft")
			rd.Weft, err = measure(weft.server, weftURL, header, o)
			return err
		}}
		if wd != nil {
			runs = append(runs, func() error {
				fmt.Fprint(os.Stderr, " workerd")
				k, err := measure(wd, wdURL, nil, o)
				rd.Workerd = &k
				return err
			})
		}
		more, err := floorRuns(ctx, floor, s, &rd, o)
		if err != nil {
			return res, err
		}
		runs = append(runs, more...)
		for j := range runs {
			if err := runs[(i+j)%len(runs)](); err != nil {
				return res, err
			}
		}
		fmt.Fprintln(os.Stderr)
		if rd.Workerd != nil && rd.Workerd.RPS > 0 {
			rd.Ratio = rd.Weft.RPS / rd.Workerd.RPS
			for k := range rd.Floor {
				rd.Floor[k].Ratio = rd.Floor[k].RPS / rd.Workerd.RPS
			}
		}
		res.Rounds = append(res.Rounds, rd)
	}
	res.settle()
	return res, nil
}

// measure drives one server while sampling its memory.
func measure(s *server, url string, header http.Header, o options) (loadResult, error) {
	stop := s.peakRSS()
	res, err := drive(s, []loadTarget{{url, header.Get("Host")}}, o.connections, o.warmup, o.duration)
	res.PeakRSSMiB = mib(stop())
	return res, err
}

// checkAnswer makes sure a server gives the scenario's answer before it is measured, so both
// servers are timed doing the same work.
func checkAnswer(ctx context.Context, s scenario, who, url string, header http.Header) error {
	_, status, body, err := get(ctx, url, header)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("status %d: %.200s", status, body)
	}
	if err == nil {
		err = s.check(body)
	}
	if err != nil {
		return fmt.Errorf("%s, scenario %s: wrong answer: %w", who, s.name, err)
	}
	return nil
}

func selected(only string) ([]scenario, error) {
	all := scenarios()
	if only == "" {
		return all, nil
	}
	var out []scenario
	for _, name := range strings.Split(only, ",") {
		found := false
		for _, s := range all {
			if strings.TrimSpace(name) == s.name {
				out, found = append(out, s), true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown scenario %q", name)
		}
	}
	return out, nil
}
