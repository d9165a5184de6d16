package runtime

import (
	"sync/atomic"
	"time"
)

// Work handed off a runtime's loop (a subrequest, a service binding hop, a Durable Object call) often
// runs a whole worker, whose goja stack grows to tens of KiB. A new goroutine starts small and copies
// its stack at each doubling, which was several percent of a service-binding chain; goroutines that
// already grew are reused instead, and exit after runnerIdle without work.
var idleRunners = make(chan func())

const runnerIdle = 10 * time.Second

// runnersStarted counts runner goroutines ever started, for tests.
var runnersStarted atomic.Int64

// spawn runs fn on an idle runner goroutine, or on a new one when none is waiting.
func spawn(fn func()) {
	select {
	case idleRunners <- fn:
	default:
		runnersStarted.Add(1)
		go runner(fn)
	}
}

func runner(fn func()) {
	idle := time.NewTimer(runnerIdle)
	for {
		fn()
		idle.Reset(runnerIdle)
		select {
		case fn = <-idleRunners:
		case <-idle.C:
			return
		}
	}
}
