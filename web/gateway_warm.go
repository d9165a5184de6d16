package web

import (
	"context"
	"fmt"
	"time"
)

// A new version of a busy environment is warmed before it goes live: it starts as many runtimes as
// the version it replaces holds, so the requests that arrive after the swap find them ready
// instead of each starting one at once (for a 1 MiB bundle, tens of milliseconds apiece). An
// environment that has had no traffic gets nothing, so cold environments still cost no runtime.

// warmFor bounds the time a deploy spends warming: a script may take up to the start-up CPU limit
// (400 ms) per runtime, and the deploy's API call waits. Runtimes not started by then start on
// demand, as they did before.
const warmFor = 2 * time.Second

// warmAhead warms, for each environment of the next table, the versions that are new to it, in
// proportion to their share of its traffic. A version that fails to start is left to the first
// request, which reports it as it always has.
func (g *Gateway) warmAhead(ctx context.Context, prev, next *routeTable) {
	ctx, cancel := context.WithTimeout(ctx, warmFor)
	defer cancel()
	for key, e := range next.envs {
		old := prev.envs[key]
		if old == nil {
			continue
		}
		held := -1 // counted once a version new to the environment turns up: most reloads change none
		for i := range e.splits {
			v := &e.splits[i].Version
			if old.serves(v.ID) || ctx.Err() != nil {
				continue
			}
			if held < 0 {
				held = g.runtimesHeld(old)
			}
			if held == 0 {
				break
			}
			n := (held*e.splits[i].Percentage + 99) / 100
			start := time.Now()
			wk, err := g.worker(ctx, e, v)
			if err != nil {
				continue
			}
			_, err = wk.Warm(ctx, n)
			msg := fmt.Sprintf("warmed before going live: %d runtimes ready in %s, for the %d the environment held", wk.Runtimes(), time.Since(start).Round(10*time.Microsecond), held)
			if err != nil {
				msg += fmt.Sprintf("; stopped by: %v", err)
			}
			g.logWorker(wk, start, "deploy", msg)
		}
	}
}

// runtimesHeld counts the runtimes the loaded workers of an environment's live versions hold.
func (g *Gateway) runtimesHeld(e *liveEnv) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for i := range e.splits {
		if ent := g.workers[e.splits[i].Version.ID]; ent != nil {
			if wk := ent.worker.Load(); wk != nil {
				n += wk.Runtimes()
			}
		}
	}
	return n
}
