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
		{0, 200}, {10 << 20, 200}, {64 << 20, 200}, {96 << 20, 133}, {128 << 20, 100}, {1 << 30, 100},
	} {
		if got := gcPercentFor(c.live); got != c.want {
			t.Errorf("live %d MiB: GOGC %d, want %d", c.live>>20, got, c.want)
		}
	}
}

// The tuner follows the live heap after each collection: down to 100 while 200 MiB are live, back
// up to 200 once they are freed.
func TestGCTunerFollowsTheLiveHeap(t *testing.T) {
	t.Setenv("GOGC", "")
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	stop := tuneGC()
	defer stop()

	waitGOGC := func(want uint64) {
		t.Helper()
		sample := []metrics.Sample{{Name: "/gc/gogc:percent"}}
		for deadline := time.Now().Add(10 * time.Second); ; {
			goruntime.GC()
			metrics.Read(sample)
			if got := sample[0].Value.Uint64(); got == want {
				return
			} else if time.Now().After(deadline) {
				t.Fatalf("GOGC is %d, want %d", got, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitGOGC(200)
	live := make([]byte, 200<<20)
	waitGOGC(100)
	goruntime.KeepAlive(live)
	live = nil
	waitGOGC(200)
}
