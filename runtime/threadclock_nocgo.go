//go:build linux && !cgo

package runtime

import "golang.org/x/sys/unix"

// threadCPUClock is the CPU-time clock of the calling thread, which must be locked to it.
func threadCPUClock() int32 { return threadCPUClockOf(unix.Gettid()) }
