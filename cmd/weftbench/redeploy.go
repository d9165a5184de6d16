package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// A deploy to a busy environment: the requests that arrive after the swap must not stall while
// the new version's runtimes start. The scenario is the one where that costs most: a 1 MiB bundle
// (tens of milliseconds to start a runtime) whose requests each wait 20 ms on I/O, so every
// connection holds a runtime at once.

// redeployResult compares the load's latency without a deploy and across one: for each, the round
// with the median p99.
type redeployResult struct {
	BundleKiB int            `json:"bundle_kib"`
	Rounds    int            `json:"rounds"`
	Steady    loadResult     `json:"steady"`    // the round with the median p99, no deploy
	Deploying loadResult     `json:"deploying"` // the round with the median p99, a deploy a third of the way in
	DeployMs  float64        `json:"deploy_ms"` // the deploy API call, median
	All       []redeployPair `json:"all_rounds"`
}

type redeployPair struct {
	Steady    loadResult `json:"steady"`
	Deploying loadResult `json:"deploying"`
	DeployMs  float64    `json:"deploy_ms"`
}

// ioBundle is a worker of about size bytes of code whose requests wait 20 ms, as on a subrequest.
// Its top level defines and registers many small functions, as a bundled framework does, so a new
// runtime has real start-up work (a string constant of the same size would cost next to nothing).
func ioBundle(size int) string {
	var b strings.Builder
	b.WriteString("const registry = [];\nexport default { async fetch() { await new Promise((r) => setTimeout(r, 20)); return new Response(\"handlers: \" + registry.length) } };\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "function f%d(x) { const o = { a: x, b: \"v%d\", c: [x, %d] }; return o.a + o.c[1]; }\nregistry.push(f%d);\n", i, i, i, i)
	}
	return b.String()
}

// measureRedeploy runs the load rounds times without a deploy and with one, back to back.
func measureRedeploy(ctx context.Context, w *weftServer, size, rounds, connections int, warmup, duration time.Duration) (redeployResult, error) {
	const service = "redeploy"
	toml := fmt.Sprintf("name = %q\nmain = \"index.js\"\ncompatibility_date = \"2024-09-23\"\n", service)
	out := redeployResult{BundleKiB: size >> 10, Rounds: rounds}
	version := 0
	deploy := func() (time.Duration, error) {
		version++
		t0 := time.Now()
		_, err := w.deploy(ctx, service, "production", fmt.Sprintf("// version %d\n%s", version, ioBundle(size)), toml)
		return time.Since(t0), err
	}
	if _, err := deploy(); err != nil {
		return out, err
	}
	url, header := w.target(service, "production", "/")
	targets := []loadTarget{{url, header.Get("Host")}}
	if _, err := drive(w.server, targets, connections, 0, warmup+time.Second); err != nil { // the pool grows to the load
		return out, err
	}
	for range rounds {
		var p redeployPair
		var err error
		if p.Steady, err = drive(w.server, targets, connections, 0, duration); err != nil {
			return out, err
		}
		loaded := make(chan error, 1)
		go func() {
			var err error
			p.Deploying, err = drive(w.server, targets, connections, 0, duration)
			loaded <- err
		}()
		time.Sleep(duration / 3)
		took, err := deploy()
		if err := <-loaded; err != nil {
			return out, err
		}
		if err != nil {
			return out, fmt.Errorf("deploy %s under load: %w", service, err)
		}
		p.DeployMs = ms(took)
		out.All = append(out.All, p)
	}
	pick := func(get func(redeployPair) loadResult) loadResult {
		rs := make([]loadResult, len(out.All))
		for i, p := range out.All {
			rs[i] = get(p)
		}
		return lowerMedian(rs, func(l loadResult) float64 { return l.P99Ms })
	}
	out.Steady = pick(func(p redeployPair) loadResult { return p.Steady })
	out.Deploying = pick(func(p redeployPair) loadResult { return p.Deploying })
	var took []float64
	for _, p := range out.All {
		took = append(took, p.DeployMs)
	}
	out.DeployMs = median(took)
	return out, nil
}
