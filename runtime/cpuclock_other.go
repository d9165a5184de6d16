//go:build !linux

package runtime

import "time"

// cpuClock falls back to wall time where the thread CPU clock is not available.
type cpuClock struct{ start time.Time }

func (c *cpuClock) begin()                 { c.start = time.Now() }
func (c *cpuClock) elapsed() time.Duration { return time.Since(c.start) }
func (c *cpuClock) stop() time.Duration    { return time.Since(c.start) }
