package main

import (
	"os"
	goruntime "runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// Every request allocates its Request, Response and headers afresh, and at Go's default GOGC of 100
// a small server's heap is a few MiB, so the collector runs every few thousand requests (go test
// -bench: hello world and a three-hop chain take half the time per request at 800 as at 100).
// What bounds memory is the headroom above the live heap, not the percentage, so `weft serve`
// (unless GOGC is set) lets the heap grow gcHeadroom above what is live after each collection, or
// by what is live once that is more (Go's 100): a server with many environments and a large live
// heap gets Go's default, a small one collects rarely. Headroom a busy server filled would stay
// resident once it goes quiet, so a collection that comes idleGCGap after the one before (Go forces
// one every two minutes) hands the free memory back to the OS.
const (
	startGCPercent = 800 // until the first collection measures the live heap
	minGCPercent   = 100
	gcHeadroom     = 128 << 20
	idleGCGap      = time.Minute
)

// gcPercentFor is the GOGC for a live heap of live bytes.
func gcPercentFor(live uint64) int {
	if live == 0 {
		return startGCPercent
	}
	return int(max(minGCPercent, gcHeadroom*100/live))
}

// gcTuner sets GOGC after each collection and releases memory after a quiet spell.
type gcTuner struct {
	idleGap time.Duration
	release func() // debug.FreeOSMemory
	stopped atomic.Bool
	percent int
	lastGC  time.Time
	sample  []metrics.Sample
}

// tuneGC starts the tuning and returns what stops it; it does nothing when GOGC is set.
func tuneGC() (stop func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	t := &gcTuner{idleGap: idleGCGap, release: debug.FreeOSMemory}
	t.start()
	return func() { t.stopped.Store(true) }
}

func (t *gcTuner) start() {
	t.percent, t.lastGC = startGCPercent, time.Now()
	t.sample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	debug.SetGCPercent(t.percent)
	afterNextGC(t.afterGC)
}

// afterGC runs on the finalizer goroutine, one call at a time.
func (t *gcTuner) afterGC() {
	if t.stopped.Load() {
		return
	}
	metrics.Read(t.sample)
	if p := gcPercentFor(t.sample[0].Value.Uint64()); p != t.percent {
		debug.SetGCPercent(p)
		t.percent = p
	}
	now := time.Now()
	if now.Sub(t.lastGC) >= t.idleGap {
		// FreeOSMemory collects again, and that collection's afterGC finds no gap.
		go t.release()
	}
	t.lastGC = now
	afterNextGC(t.afterGC)
}

// gcSentinel holds a pointer so it is never placed in the tiny allocator, whose objects' finalizers
// may not run.
type gcSentinel struct{ _ *byte }

// afterNextGC runs f on the finalizer goroutine once the next collection has run: the sentinel is
// unreachable at once, and its finalizer runs after the cycle that finds it so.
func afterNextGC(f func()) {
	goruntime.SetFinalizer(&gcSentinel{}, func(*gcSentinel) { f() })
}
