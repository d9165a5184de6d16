package runtime

import (
	"sync"
	"testing"
)

// Runners never bound concurrency: a hop waiting on a deeper hop must not wait for a free runner.
func TestSpawnRunsBlockedWorkConcurrently(t *testing.T) {
	const n = 200
	var started, release sync.WaitGroup
	started.Add(n)
	release.Add(1)
	for range n {
		spawn(func() { started.Done(); release.Wait() })
	}
	started.Wait() // all n run at once, or this never returns
	release.Done()
}

// Work handed off one piece after another reuses the runners that finished instead of starting new ones.
func TestSpawnReusesIdleRunners(t *testing.T) {
	done := make(chan struct{})
	spawn(func() { done <- struct{}{} })
	<-done
	before := runnersStarted.Load()
	for range 1000 {
		spawn(func() { done <- struct{}{} })
		<-done
	}
	// The runner that sent on done may not be back at the idle channel when the next spawn comes, so
	// a few more may start; without reuse, every spawn would.
	if started := runnersStarted.Load() - before; started > 100 {
		t.Fatalf("1000 sequential spawns started %d runners: finished ones were not reused", started)
	}
}
