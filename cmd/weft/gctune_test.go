package main

import (
	goruntime "runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

func TestGCPercentBoundsTheHeadroom(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 800}, {1 << 20, 12800}, {10 << 20, 1280}, {64 << 20, 200}, {96 << 20, 133}, {128 << 20, 100}, {1 << 30, 100},
	} {
		if got := gcPercentFor(c.live); got != c.want {
			t.Errorf("live %d MiB: GOGC %d, want %d", c.live>>20, got, c.want)
		}
	}
}

// The tuner follows the live heap after each collection: down to 100 while 200 MiB are live, back
// up to a headroom of 128 MiB (GOGC over 1000 for a test binary's few MiB) once they are freed.
func TestGCTunerFollowsTheLiveHeap(t *testing.T) {
	t.Setenv("GOGC", "")
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	stop := tuneGC()
	defer stop()

	waitGOGC := func(want string, ok func(uint64) bool) {
		t.Helper()
		sample := []metrics.Sample{{Name: "/gc/gogc:percent"}}
		for deadline := time.Now().Add(10 * time.Second); ; {
			goruntime.GC()
			metrics.Read(sample)
			if got := sample[0].Value.Uint64(); ok(got) {
				return
			} else if time.Now().After(deadline) {
				t.Fatalf("GOGC is %d, want %s", got, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	small := func(p uint64) bool { return p > 1000 }
	waitGOGC("over 1000", small)
	live := make([]byte, 200<<20)
	waitGOGC("100", func(p uint64) bool { return p == 100 })
	goruntime.KeepAlive(live)
	live = nil
	waitGOGC("over 1000", small)
}

// A collection after a quiet spell hands the free headroom back to the OS: 96 MiB of garbage
// stays free in the heap (under the 128 MiB headroom the scavenger keeps) until then.
func TestGCTunerReleasesMemoryWhenIdle(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	tuner := &gcTuner{idleGap: 200 * time.Millisecond}
	tuner.start()
	defer tuner.stopped.Store(true)
	// Collections in quick succession settle the tuner's GOGC and the scavenger's target with it.
	percent := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	for range 3 {
		goruntime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	if metrics.Read(percent); percent[0].Value.Uint64() <= 1000 {
		t.Fatalf("GOGC %d for a test binary's heap", percent[0].Value.Uint64())
	}
	garbage := make([][]byte, 96)
	for i := range garbage {
		garbage[i] = make([]byte, 1<<20)
		garbage[i][0] = 1
	}
	garbage = nil
	goruntime.GC()
	free := []metrics.Sample{{Name: "/memory/classes/heap/free:bytes"}}
	metrics.Read(free)
	if got := free[0].Value.Uint64(); got < 64<<20 {
		t.Fatalf("only %d MiB free right after collecting 96 MiB: the test proves nothing", got>>20)
	}
	time.Sleep(300 * time.Millisecond)
	goruntime.GC()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		metrics.Read(free)
		if got := free[0].Value.Uint64(); got < 16<<20 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("%d MiB still free and unreleased after an idle collection", got>>20)
		}
	}
}
