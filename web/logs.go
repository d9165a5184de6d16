package web

import (
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/weft-dev/weft/runtime"
)

// logsPerEnv is how many recent lines each environment keeps in memory.
const logsPerEnv = 1000

// LogBuffer keeps each environment's recent console output, exceptions and request lines.
type LogBuffer struct {
	mu   sync.Mutex
	envs map[string]*ring
	subs map[string]map[chan runtime.LogEntry]bool
}

type ring struct {
	lines []runtime.LogEntry
	next  int
	full  bool
}

// NewLogBuffer makes an empty buffer.
func NewLogBuffer() *LogBuffer {
	return &LogBuffer{envs: map[string]*ring{}, subs: map[string]map[chan runtime.LogEntry]bool{}}
}

// Subscribe streams an environment's new lines until cancel is called. A slow reader misses lines
// rather than slowing the workers that write them.
func (b *LogBuffer) Subscribe(service, env string) (<-chan runtime.LogEntry, func()) {
	key := envKey(service, env)
	ch := make(chan runtime.LogEntry, 256)
	b.mu.Lock()
	if b.subs[key] == nil {
		b.subs[key] = map[chan runtime.LogEntry]bool{}
	}
	b.subs[key][ch] = true
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		delete(b.subs[key], ch)
		b.mu.Unlock()
	}
}

// Log implements runtime.LogSink. The environment is the label's "service/env" part.
func (b *LogBuffer) Log(e runtime.LogEntry) {
	key, _, _ := strings.Cut(e.Label, "@")
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.envs[key]
	if r == nil {
		r = &ring{lines: make([]runtime.LogEntry, logsPerEnv)}
		b.envs[key] = r
	}
	r.lines[r.next] = e
	r.next = (r.next + 1) % logsPerEnv
	r.full = r.full || r.next == 0
	for ch := range b.subs[key] {
		select {
		case ch <- e:
		default:
		}
	}
}

// Recent returns up to n of the environment's newest lines, oldest first.
func (b *LogBuffer) Recent(service, env string, n int) []runtime.LogEntry {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.envs[envKey(service, env)]
	if r == nil {
		return []runtime.LogEntry{}
	}
	var all []runtime.LogEntry
	if r.full {
		all = append(all, r.lines[r.next:]...)
	}
	all = append(all, r.lines[:r.next]...)
	if len(all) > n {
		all = all[len(all)-n:]
	}
	return all
}

func (a *api) handleLogs(c echo.Context) error {
	n := 100
	if l := c.QueryParam("limit"); l != "" {
		var err error
		if n, err = strconv.Atoi(l); err != nil || n < 1 || n > logsPerEnv {
			return invalid("limit must be between 1 and %d", logsPerEnv)
		}
	}
	svc, env := c.Param("service"), c.Param("env")
	if _, err := a.findEnvironment(c, svc, env); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"logs": a.gateway.cfg.Logs.Recent(svc, env, n)})
}
