//go:build race

package runtime

// raceSlowdown is how much slower JavaScript runs under the race detector, for tests that depend
// on the CPU limit.
const raceSlowdown = 10
