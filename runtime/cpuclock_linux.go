package runtime

import (
	goruntime "runtime"
	"time"

	"golang.org/x/sys/unix"
)

// cpuClock measures what one run of JavaScript costs, so a request is charged for what it runs and
// not for time the machine spent on other requests. Reading a thread's CPU clock is a system call
// (over a microsecond on a VM) and most runs last a few microseconds, so the clock is read only
// once a run outlasts its first sample (the watchdog takes it after cpuSampleAfter): until then a
// run is charged its wall time, at most cpuSampleAfter; after it, the thread's CPU time. On an
// overloaded machine the sample comes late and the wall time before it may be mostly waiting, so
// that window is capped: a run may go uncharged for a late timer's delay, but a healthy request is
// never failed for time it spent descheduled.
type cpuClock struct {
	clock int32 // the thread's CPU-time clock, readable from other goroutines
	start time.Time

	sampled      bool
	beforeSample time.Duration // the wall time charged for the run up to the sample
	cpuAtSample  time.Duration
}

// begin starts a run of the clock, pinning the calling goroutine to its thread until stop.
func (c *cpuClock) begin() {
	goruntime.LockOSThread()
	*c = cpuClock{clock: threadCPUClock(), start: time.Now()}
}

func (c *cpuClock) read() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(c.clock, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// charged is the time charged so far: wall time before the sample, CPU time after it.
func (c *cpuClock) charged() time.Duration {
	if !c.sampled {
		return min(time.Since(c.start), cpuSampleAfter)
	}
	return c.beforeSample + c.read() - c.cpuAtSample
}

// elapsed is the time charged so far; any goroutine may ask, and the first to ask takes the sample.
func (c *cpuClock) elapsed() time.Duration {
	if !c.sampled {
		c.sampled = true
		c.beforeSample, c.cpuAtSample = min(time.Since(c.start), cpuSampleAfter), c.read()
	}
	return c.charged()
}

// stop unpins the goroutine and returns the time charged for the run.
func (c *cpuClock) stop() time.Duration {
	d := c.charged()
	goruntime.UnlockOSThread()
	return d
}

// threadCPUClockOf is the CPU-time clock of thread tid: MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED).
func threadCPUClockOf(tid int) int32 { return (^int32(tid) << 3) | 6 }
