package web

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/runtime"
)

// cronRetryDelay is when a failed scheduled() run that did not call noRetry() runs once more.
const cronRetryDelay = 30 * time.Second

// CronRunner fires each live environment's cron triggers and records every run.
type CronRunner struct {
	store *models.Store
	gw    *Gateway
	log   *slog.Logger
	stop  chan struct{}
	done  sync.WaitGroup
	next  map[string]time.Time // "svc/env\x00cron" → next fire time
}

// NewCronRunner makes a runner; Start begins firing triggers.
func NewCronRunner(store *models.Store, gw *Gateway, log *slog.Logger) *CronRunner {
	return &CronRunner{store: store, gw: gw, log: log, stop: make(chan struct{}), next: map[string]time.Time{}}
}

// Start checks the schedules every second until Stop.
func (c *CronRunner) Start() {
	c.done.Add(1)
	go func() {
		defer c.done.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case now := <-t.C:
				c.tick(now)
			}
		}
	}()
}

// Stop ends scheduling; runs in progress finish.
func (c *CronRunner) Stop() {
	close(c.stop)
	c.done.Wait()
}

func (c *CronRunner) tick(now time.Time) {
	seen := map[string]bool{}
	for _, e := range c.gw.table.Load().envs {
		if len(e.splits) == 0 {
			continue
		}
		for _, expr := range e.splits[0].Version.Settings.Crons {
			key := envKey(e.service, e.env) + "\x00" + expr
			seen[key] = true
			sched, err := cron.ParseStandard(expr)
			if err != nil {
				continue // settings are validated on deploy; an old row is not worth a crash
			}
			next, ok := c.next[key]
			if !ok {
				c.next[key] = sched.Next(now)
				continue
			}
			if now.Before(next) {
				continue
			}
			c.next[key] = sched.Next(now)
			c.done.Add(1)
			go func(e *liveEnv, expr string, at time.Time) {
				defer c.done.Done()
				run, err := c.gw.RunCron(context.Background(), c.store, e.service, e.env, expr, at, "schedule")
				if err != nil {
					c.log.Error("cron", "service", e.service, "env", e.env, "cron", expr, "err", err)
					return
				}
				if run.Outcome != "ok" && run.Trigger == "schedule" && c.retryWanted(run) {
					time.AfterFunc(cronRetryDelay, func() {
						c.gw.RunCron(context.Background(), c.store, e.service, e.env, expr, at, "retry")
					})
				}
			}(e, expr, next)
		}
	}
	for key := range c.next {
		if !seen[key] {
			delete(c.next, key)
		}
	}
}

func (c *CronRunner) retryWanted(run *models.CronRun) bool {
	return !strings.Contains(run.Error, "(no retry)")
}

// cronTap collects one run's console output.
type cronTap struct {
	mu    sync.Mutex
	lines []string
}

func (t *cronTap) Log(e runtime.LogEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) < 200 {
		t.lines = append(t.lines, e.Level+" "+e.Message)
	}
}

// RunCron runs an environment's scheduled() handler now and records the run. trigger says why:
// "schedule", "retry" or "manual" (run now from the CLI, API or dashboard).
func (g *Gateway) RunCron(ctx context.Context, store *models.Store, service, env, expr string, at time.Time, trigger string) (*models.CronRun, error) {
	e := g.table.Load().envs[envKey(service, env)]
	if e == nil || len(e.splits) == 0 {
		return nil, models.Errorf(models.ENOTFOUND, "%s/%s has no deployed version to run", service, env)
	}
	w, err := g.DurableHost(envKey(service, env))
	if err != nil {
		return nil, err
	}
	tap := &cronTap{}
	start := time.Now()
	retry, runErr := w.Scheduled(ctx, expr, at, tap)
	run := &models.CronRun{Cron: expr, Trigger: trigger, Version: e.splits[0].Version.Number, ScheduledAt: at.UTC(), StartedAt: start.UTC(),
		DurationMs: float64(time.Since(start).Microseconds()) / 1000, Outcome: "ok", Logs: strings.Join(tap.lines, "\n")}
	if runErr != nil {
		run.Outcome, run.Error = "exception", runErr.Error()
		if !retry {
			run.Error += " (no retry)"
		}
	}
	if g.cfg.Logs != nil {
		g.cfg.Logs.Log(runtime.LogEntry{Label: envKey(service, env), Time: start, Level: "cron",
			Message: "scheduled " + expr + " (" + trigger + "): " + run.Outcome + " in " + time.Since(start).Round(time.Millisecond).String()})
	}
	return run, store.RecordCronRun(ctx, service, env, run)
}
