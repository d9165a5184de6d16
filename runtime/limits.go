package runtime

import (
	"errors"
	goruntime "runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dlclark/regexp2/v2"
)

// regexTimeout bounds one match of a backtracking regular expression. goja runs such patterns on
// regexp2, where the CPU watchdog's Interrupt cannot reach; a catastrophic pattern gives up after this
// (as no match), and the script is then stopped by its CPU limit.
const regexTimeout = 100 * time.Millisecond

func init() {
	regexp2.DefaultMatchTimeout = regexTimeout
}

// gcCount counts garbage collections, cheaply enough to read on every stretch of JavaScript: a
// sentinel object's finalizer runs once a cycle and arms the next one.
var (
	gcCount   atomic.Uint64
	gcCounter sync.Once
)

type gcSentinel struct{ _ [16]byte }

func armGCSentinel() {
	goruntime.SetFinalizer(&gcSentinel{}, func(*gcSentinel) {
		gcCount.Add(1)
		armGCSentinel()
	})
}

func gcCycles() uint64 {
	gcCounter.Do(armGCSentinel)
	return gcCount.Load()
}

// errMemoryLimit ends a request while the process's heap is over its limit.
var errMemoryLimit = errors.New("Worker exceeded its memory limit")

// memoryGuardGrace spares scripts that began running this recently when memory peaks.
const memoryGuardGrace = 25 * time.Millisecond

// DefaultMemoryLimit is the heap size at which running scripts are stopped.
const DefaultMemoryLimit = 2 << 30

// memoryGuard watches the heap while JavaScript runs. goja has no per-runtime heap limit, so when the
// process's heap passes the limit, every runtime that has been executing for memoryGuardGrace is
// interrupted (the one allocating is among them), its request fails and the runtime is discarded,
// and the memory is freed. A run is entered by its watchdog's first check, a millisecond in: most
// runs end sooner, and the guard would spare them anyway, so they never take its lock.
type memoryGuard struct {
	limit    uint64
	mu       sync.Mutex
	running  map[*instance]time.Time // when each began its current stretch of JavaScript
	watching bool                    // a watcher is ticking; it ends when no run is left, so an idle server never wakes for it
	release  func()                  // drops what is only cached (idle runtimes), tried before stopping any script
}

// memoryGuardTick is how often the watcher reads the heap while runs are guarded.
const memoryGuardTick = 5 * time.Millisecond

func (g *memoryGuard) enter(in *instance, since time.Time) {
	g.mu.Lock()
	g.running[in] = since
	if !g.watching {
		g.watching = true
		go g.watch()
	}
	g.mu.Unlock()
}

func (g *memoryGuard) leave(in *instance) {
	g.mu.Lock()
	delete(g.running, in)
	g.mu.Unlock()
}

func (g *memoryGuard) over(sample []metrics.Sample) bool {
	metrics.Read(sample)
	return sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() >= g.limit
}

func (g *memoryGuard) watch() {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	tick := time.NewTicker(memoryGuardTick)
	defer tick.Stop()
	for range tick.C {
		g.mu.Lock()
		if len(g.running) == 0 {
			g.watching = false
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		if !g.over(sample) {
			continue
		}
		goruntime.GC() // garbage from a request already stopped is not a reason to stop another
		if !g.over(sample) {
			continue
		}
		if g.release != nil { // nor is memory that idle runtimes hold
			g.release()
			goruntime.GC()
			if !g.over(sample) {
				continue
			}
		}
		// Stop the scripts that have been running for a while: an allocation bomb runs long, while a
		// request that merely started as memory peaked is spared.
		g.mu.Lock()
		for in, since := range g.running {
			if time.Since(since) >= memoryGuardGrace {
				in.interrupt(errMemoryLimit)
			}
		}
		g.mu.Unlock()
	}
}
