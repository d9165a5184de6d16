package runtime

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// A worker's pool of runtimes: a request takes an idle one or starts one, and gives it back. Idle
// runtimes are a cache of started scripts, so they are the first memory to go: the engine caps how
// many all pools hold together, and the memory guard empties them before it stops any script.

// idleBudget bounds the idle runtimes of all of an engine's workers together. Each worker's own cap
// keeps one from hoarding its burst; this one keeps many workers' bursts from adding up.
type idleBudget struct {
	n   atomic.Int64
	max int64
}

// take reserves room for one more idle runtime, or reports that there is none.
func (b *idleBudget) take() bool {
	if b == nil {
		return true
	}
	if b.n.Add(1) > b.max {
		b.n.Add(-1)
		return false
	}
	return true
}

// give returns the room of an idle runtime that was taken out of its pool.
func (b *idleBudget) give() {
	if b != nil {
		b.n.Add(-1)
	}
}

// idleRuntimes is a worker's idle runtimes, last in first out: under load the few runtimes that
// came back last, whose objects are still in the CPU's caches, serve request after request, and a
// runtime left at the bottom since a burst is the one trim drops. (A channel, first in first out,
// made every request touch the runtime that had waited longest.)
type idleRuntimes struct {
	mu    sync.Mutex
	stack []*instance
	max   int
}

func newIdleRuntimes(max int) *idleRuntimes {
	return &idleRuntimes{stack: make([]*instance, 0, max), max: max}
}

// pop takes the runtime that came back last, or nil.
func (p *idleRuntimes) pop() *instance {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.stack)
	if n == 0 {
		return nil
	}
	in := p.stack[n-1]
	p.stack[n-1] = nil
	p.stack = p.stack[:n-1]
	return in
}

// push keeps in unless the pool is full, and reports whether it did.
func (p *idleRuntimes) push(in *instance) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.stack) == p.max {
		return false
	}
	p.stack = append(p.stack, in)
	return true
}

// keepNewest drops all but the keep runtimes that came back last, and reports how many it dropped.
func (p *idleRuntimes) keepNewest(keep int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	drop := len(p.stack) - keep
	if drop <= 0 {
		return 0
	}
	n := copy(p.stack, p.stack[drop:])
	clear(p.stack[n:])
	p.stack = p.stack[:n]
	return drop
}

func (p *idleRuntimes) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.stack)
}

// get takes an idle runtime or starts a new one; a runtime never serves two requests at once.
func (w *Worker) get() (*instance, error) {
	n := w.busy.Add(1)
	for p := w.peak.Load(); n > p && !w.peak.CompareAndSwap(p, n); p = w.peak.Load() {
	}
	if in := w.idle.pop(); in != nil {
		w.budget.give()
		return in, nil
	}
	in, err := w.newInstance()
	if err != nil {
		w.busy.Add(-1)
	}
	return in, err
}

// put returns a runtime that served a request to the pool if it is healthy (module state lives on
// in it, as in Workers).
func (w *Worker) put(in *instance) {
	w.busy.Add(-1)
	w.keep(in)
}

// keep pools a healthy runtime while the worker's pool and the engine's budget have room, and
// reports whether it did.
func (w *Worker) keep(in *instance) bool {
	if in.broken || !w.budget.take() {
		return false
	}
	if w.idle.push(in) {
		return true
	}
	w.budget.give()
	return false
}

// Runtimes counts the runtimes a worker holds: serving a request now, or idle in its pool. It is
// the load a new version of the same environment should be ready for.
func (w *Worker) Runtimes() int { return int(w.busy.Load()) + w.idle.len() }

// Warm starts runtimes until n are idle, the worker's pool or the engine's budget is full, or ctx
// is done, on as many goroutines as there are CPUs. A deploy warms the new version of a busy
// environment this way before it goes live, so the requests in flight do not all start a runtime
// at once as they arrive. It reports how many it started, and the first error.
func (w *Worker) Warm(ctx context.Context, n int) (int, error) {
	var (
		want    atomic.Int64
		started atomic.Int64
		errOnce sync.Once
		first   error
		wg      sync.WaitGroup
	)
	want.Store(int64(min(n, w.idle.max) - w.idle.len()))
	for range min(int(want.Load()), runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for ctx.Err() == nil && want.Add(-1) >= 0 {
				in, err := w.newInstance()
				if err != nil {
					errOnce.Do(func() { first = err })
				}
				if err != nil || !w.keep(in) {
					want.Store(0) // the others stop after the runtime they are starting
					return
				}
				started.Add(1)
			}
		})
	}
	wg.Wait()
	return int(started.Load()), first
}

// shrink drops idle runtimes beyond the most that were busy at once since the last shrink; with no
// traffic in between, the worker keeps only its compiled program.
func (w *Worker) shrink() { w.trim(int(w.peak.Swap(w.busy.Load()))) }

// drain drops every idle runtime.
func (w *Worker) drain() { w.trim(0) }

// trim drops idle runtimes until at most keep are left, giving their room back to the budget.
func (w *Worker) trim(keep int) {
	for range w.idle.keepNewest(keep) {
		w.budget.give()
	}
}
