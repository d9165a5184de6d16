package main

import (
	"os"
	goruntime "runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// Every request allocates its Request, Response and headers afresh, and at Go's default GOGC of 100
// the collector takes a quarter of a small server's CPU (go test -bench shows requests 30% faster at
// 200). But GOGC=200 lets the heap grow to three times what is live, which on a server with many
// environments is hundreds of MiB. So `weft serve` (unless GOGC is set) runs at 200 while the heap
// is small and lowers the percentage after each collection so that the collector adds at most
// gcHeadroom above the live heap, and never goes below Go's 100.
const (
	serveGCPercent = 200
	minGCPercent   = 100
	gcHeadroom     = 128 << 20
)

// gcPercentFor is the GOGC for a live heap of live bytes.
func gcPercentFor(live uint64) int {
	if live == 0 {
		return serveGCPercent
	}
	return int(max(minGCPercent, min(serveGCPercent, gcHeadroom*100/live)))
}

// tuneGC starts the tuning and returns what stops it; it does nothing when GOGC is set.
func tuneGC() (stop func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	var stopped atomic.Bool
	current := serveGCPercent
	debug.SetGCPercent(current)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var afterGC func()
	afterGC = func() {
		if stopped.Load() {
			return
		}
		metrics.Read(sample)
		if p := gcPercentFor(sample[0].Value.Uint64()); p != current {
			debug.SetGCPercent(p)
			current = p
		}
		afterNextGC(afterGC)
	}
	afterNextGC(afterGC)
	return func() { stopped.Store(true) }
}

// gcSentinel holds a pointer so it is never placed in the tiny allocator, whose objects' finalizers
// may not run.
type gcSentinel struct{ _ *byte }

// afterNextGC runs f on the finalizer goroutine once the next collection has run: the sentinel is
// unreachable at once, and its finalizer runs after the cycle that finds it so.
func afterNextGC(f func()) {
	goruntime.SetFinalizer(&gcSentinel{}, func(*gcSentinel) { f() })
}
