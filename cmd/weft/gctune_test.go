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
// up to a headroom of 128 MiB once they are freed (GOGC over 200 for a live heap under 64 MiB).
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
	small := func(p uint64) bool { return p > 200 }
	waitGOGC("over 200", small)
	live := make([]byte, 200<<20)
	waitGOGC("100", func(p uint64) bool { return p == 100 })
	goruntime.KeepAlive(live)
	live = nil
	waitGOGC("over 200", small)
}

// A collection that comes a quiet spell after the one before releases the free memory to the OS;
// collections close together (a busy server) do not.
func TestGCTunerReleasesMemoryAfterAQuietSpell(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	released := make(chan struct{}, 8)
	tuner := &gcTuner{idleGap: time.Second, release: func() { released <- struct{}{} }}
	tuner.start()
	defer tuner.stopped.Store(true)

	for range 3 {
		goruntime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case <-released:
		t.Fatal("released while collections came close together")
	default:
	}
	time.Sleep(1200 * time.Millisecond)
	goruntime.GC()
	select {
	case <-released:
	case <-time.After(10 * time.Second):
		t.Fatal("no release after a quiet spell")
	}
}
