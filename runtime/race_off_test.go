//go:build !race

package runtime

const raceSlowdown = 1
