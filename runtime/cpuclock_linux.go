package runtime

import (
	goruntime "runtime"
	"time"

	"golang.org/x/sys/unix"
)

// cpuClock measures the CPU time of the OS thread running JavaScript, so a request is charged for
// what it runs and not for time the machine spent on other requests.
type cpuClock struct {
	clock int32 // the thread's CPU-time clock, readable from other goroutines
	start time.Duration
}

// startCPUClock pins the calling goroutine to its thread until stop.
func startCPUClock() cpuClock {
	goruntime.LockOSThread()
	tid := unix.Gettid()
	c := cpuClock{clock: (^int32(tid) << 3) | 6} // MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED)
	c.start = c.read()
	return c
}

func (c cpuClock) read() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(c.clock, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// elapsed is the CPU time used since start; any goroutine may ask.
func (c cpuClock) elapsed() time.Duration { return c.read() - c.start }

func (c cpuClock) stop() time.Duration {
	d := c.elapsed()
	goruntime.UnlockOSThread()
	return d
}
