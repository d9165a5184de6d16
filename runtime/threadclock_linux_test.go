package runtime

import (
	goruntime "runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// threadCPUClock must name the calling thread's clock as gettid does, on every thread: four
// goroutines that stay locked until all have answered are on four threads.
func TestThreadCPUClockIsTheCallingThreads(t *testing.T) {
	clocks, release := make(chan [2]int32), make(chan struct{})
	defer close(release)
	for range 4 {
		go func() {
			goruntime.LockOSThread()
			defer goruntime.UnlockOSThread()
			clocks <- [2]int32{threadCPUClock(), threadCPUClockOf(unix.Gettid())}
			<-release
		}()
	}
	seen := map[int32]bool{}
	for range 4 {
		c := <-clocks
		if c[0] != c[1] {
			t.Fatalf("clock %d, gettid's %d", c[0], c[1])
		}
		seen[c[0]] = true
	}
	if len(seen) != 4 {
		t.Fatalf("four goroutines locked at once share clocks: %v", seen)
	}
}
