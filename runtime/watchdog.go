package runtime

import (
	"sync"
	"time"
)

// cpuSampleAfter is how long a run is charged its wall time before its CPU clock is sampled.
const cpuSampleAfter = time.Millisecond

// watchdog charges each run of JavaScript on a runtime to the request's CPU budget and interrupts
// the run once the budget is spent. A runtime keeps one and reuses it run after run, so a run costs
// no timer, closure or lock of its own.
//
// The timer fires once to sample the CPU clock, then when the budget could be spent, and interrupts
// only if it really is: time the thread spent descheduled after the sample (other requests, other
// processes) is not charged. A garbage collection that ran meanwhile may have done its work on this
// thread (assists), which is the server's cost rather than the script's: the first overrun with a
// collection in between gets one more budget, so a trivial request on a busy server is not failed.
// The first check also enters the run in the engine's memoryGuard, until stop.
type watchdog struct {
	in    *instance
	mu    sync.Mutex
	timer *time.Timer
	clock cpuClock

	running   bool
	remaining time.Duration // the budget the run may spend
	extended  bool
	gcAtStart uint64
	guarded   bool // the run is entered in the engine's memoryGuard
}

// start begins a run that may spend remaining, on the calling goroutine's thread.
func (d *watchdog) start(remaining time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.clock.begin()
	d.running, d.remaining, d.extended, d.gcAtStart = true, remaining, false, gcCycles()
	if d.timer == nil {
		d.timer = time.AfterFunc(min(remaining, cpuSampleAfter), d.check)
	} else {
		d.timer.Reset(min(remaining, cpuSampleAfter))
	}
}

// stop ends the run and returns the time charged for it.
func (d *watchdog) stop() time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.running = false
	d.timer.Stop()
	if d.guarded {
		d.in.w.engine.memory.leave(d.in)
		d.guarded = false
	}
	return d.clock.stop()
}

// check runs on the timer's goroutine. One that fires late, after its run ended, finds no run or
// checks the current one early, which only moves its sample forward.
func (d *watchdog) check() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.running {
		return
	}
	if !d.guarded {
		d.in.w.engine.memory.enter(d.in, d.clock.start)
		d.guarded = true
	}
	left := d.remaining - d.clock.elapsed()
	if left <= 0 && !d.extended && gcCycles() != d.gcAtStart {
		d.extended = true
		d.remaining += d.in.cpuLimit
		left += d.in.cpuLimit
	}
	if left > 0 {
		d.timer.Reset(max(left, time.Millisecond))
		return
	}
	d.in.interrupt(errCPULimit)
}
