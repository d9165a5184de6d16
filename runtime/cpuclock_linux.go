package runtime

import (
	goruntime "runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// cpuClock measures what one run of JavaScript costs, so a request is charged for what it runs and
// not for time the machine spent on other requests. Reading a thread's CPU clock is a system call
// (over a microsecond on a VM) and most runs last a few microseconds, so the clock is read only
// once a run outlasts its first sample (the watchdog takes it): until then a run is charged its
// wall time, which bounds its CPU time from above; after it, the thread's CPU time.
type cpuClock struct {
	clock int32 // the thread's CPU-time clock, readable from other goroutines
	start time.Time

	mu           sync.Mutex
	sampled      bool
	wallAtSample time.Duration
	cpuAtSample  time.Duration
}

// startCPUClock pins the calling goroutine to its thread until stop.
func startCPUClock() *cpuClock {
	goruntime.LockOSThread()
	tid := unix.Gettid()
	return &cpuClock{clock: (^int32(tid) << 3) | 6, start: time.Now()} // MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED)
}

func (c *cpuClock) read() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(c.clock, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// elapsed is the time charged so far; any goroutine may ask, and the first to ask takes the sample.
func (c *cpuClock) elapsed() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.sampled {
		c.sampled = true
		c.wallAtSample, c.cpuAtSample = time.Since(c.start), c.read()
		return c.wallAtSample
	}
	return c.wallAtSample + c.read() - c.cpuAtSample
}

// stop unpins the goroutine and returns the time charged for the run.
func (c *cpuClock) stop() time.Duration {
	c.mu.Lock()
	d := time.Since(c.start)
	if c.sampled {
		d = c.wallAtSample + c.read() - c.cpuAtSample
	}
	c.mu.Unlock()
	goruntime.UnlockOSThread()
	return d
}
