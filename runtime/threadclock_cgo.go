//go:build linux && cgo

package runtime

/*
#include <pthread.h>
#include <time.h>

static clockid_t thread_cpu_clock(void) {
	clockid_t id = 0;
	pthread_getcpuclockid(pthread_self(), &id);
	return id;
}
*/
import "C"

// threadCPUClock is the CPU-time clock of the calling thread, which must be locked to it. Every run
// of JavaScript asks, and gettid is a system call (over a microsecond on a VM); glibc keeps each
// thread's id in its thread block, so pthread_getcpuclockid answers with a C call and no system call.
func threadCPUClock() int32 { return int32(C.thread_cpu_clock()) }
