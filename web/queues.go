package web

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/runtime"
)

// Queue consumer defaults, as Cloudflare's.
const (
	defaultBatchSize    = 10
	defaultBatchTimeout = 5 * time.Second
	defaultMaxRetries   = 3
	queuePoll           = 200 * time.Millisecond
)

// QueueRunner delivers persisted messages to the environment that consumes each queue, in batches:
// when max_batch_size messages wait, or max_batch_timeout after the first one became visible.
type QueueRunner struct {
	store *models.Store
	gw    *Gateway
	log   *slog.Logger
	stop  chan struct{}
	done  sync.WaitGroup
	since map[string]time.Time // queue → when its oldest waiting message was first seen
}

// NewQueueRunner makes a runner; Start begins delivering.
func NewQueueRunner(store *models.Store, gw *Gateway, log *slog.Logger) *QueueRunner {
	return &QueueRunner{store: store, gw: gw, log: log, stop: make(chan struct{}), since: map[string]time.Time{}}
}

// Start delivers in the background until Stop.
func (q *QueueRunner) Start() {
	q.done.Add(1)
	go func() {
		defer q.done.Done()
		t := time.NewTicker(queuePoll)
		defer t.Stop()
		for {
			select {
			case <-q.stop:
				return
			case <-t.C:
				q.tick(context.Background())
			}
		}
	}()
}

// Stop ends delivery after the batch in progress.
func (q *QueueRunner) Stop() {
	close(q.stop)
	q.done.Wait()
}

type consumer struct {
	env      *liveEnv
	settings models.QueueConsumer
}

// consumers maps each queue to the live environment that consumes it (the first, if several claim it).
func (g *Gateway) consumers() map[string]consumer {
	out := map[string]consumer{}
	for _, e := range g.table.Load().envs {
		if len(e.splits) == 0 {
			continue
		}
		for _, c := range e.splits[0].Version.Settings.QueueConsumers {
			if _, taken := out[c.Queue]; !taken {
				out[c.Queue] = consumer{env: e, settings: c}
			}
		}
	}
	return out
}

func (q *QueueRunner) tick(ctx context.Context) {
	for queue, c := range q.gw.consumers() {
		n, err := q.store.QueueVisible(ctx, queue)
		if err != nil || n == 0 {
			delete(q.since, queue)
			continue
		}
		size, timeout := c.settings.MaxBatchSize, time.Duration(c.settings.MaxBatchTimeout)*time.Second
		if size <= 0 {
			size = defaultBatchSize
		}
		if c.settings.MaxBatchTimeout <= 0 {
			timeout = defaultBatchTimeout
		}
		first, seen := q.since[queue]
		if !seen {
			first = time.Now()
			q.since[queue] = first
		}
		if n < int64(size) && time.Since(first) < timeout {
			continue
		}
		delete(q.since, queue)
		if err := q.deliver(ctx, queue, c, size); err != nil {
			q.log.Error("queue delivery", "queue", queue, "err", err)
		}
	}
}

// deliver hands one batch to the consumer and settles each message: ack, retry, or after max_retries
// the dead-letter queue (or, without one, dropped with a log line).
func (q *QueueRunner) deliver(ctx context.Context, queue string, c consumer, size int) error {
	msgs, err := q.store.QueueReceive(ctx, queue, size)
	if err != nil || len(msgs) == 0 {
		return err
	}
	w, err := q.gw.DurableHost(envKey(c.env.service, c.env.env))
	if err != nil {
		return err
	}
	batch := make([]runtime.QueueDelivery, len(msgs))
	for i, m := range msgs {
		batch[i] = runtime.QueueDelivery{ID: strconv.FormatUint(uint64(m.ID), 10), Timestamp: m.CreatedAt.UnixMilli(), Body: m.Body, Attempts: m.Attempts}
	}
	start := time.Now()
	outcomes, handlerErr, runErr := w.Queue(ctx, queue, batch)
	maxRetries := defaultMaxRetries
	if c.settings.MaxRetries != nil {
		maxRetries = *c.settings.MaxRetries
	}
	var acked []uint
	retried, dropped := 0, 0
	for i, m := range msgs {
		o := runtime.QueueOutcome{Retry: true}
		if runErr == nil && i < len(outcomes) {
			o = outcomes[i]
		}
		switch {
		case o.Ack:
			acked = append(acked, m.ID)
		case m.Attempts > maxRetries:
			dropped++
			if c.settings.DeadLetterQueue != "" {
				err = q.store.QueueMove(ctx, m.ID, c.settings.DeadLetterQueue)
			} else {
				err = q.store.QueueAck(ctx, []uint{m.ID})
			}
		default:
			retried++
			delay := o.DelaySeconds
			if delay == 0 {
				delay = c.settings.RetryDelay
			}
			err = q.store.QueueRetry(ctx, m.ID, time.Duration(delay)*time.Second)
		}
		if err != nil {
			return err
		}
	}
	if err := q.store.QueueAck(ctx, acked); err != nil {
		return err
	}
	msg := fmt.Sprintf("queue %s: %d messages in %s: %d acked, %d retried", queue, len(msgs), time.Since(start).Round(time.Millisecond), len(acked), retried)
	if dropped > 0 {
		where := "dropped"
		if c.settings.DeadLetterQueue != "" {
			where = "moved to " + c.settings.DeadLetterQueue
		}
		msg += fmt.Sprintf(", %d %s after %d attempts", dropped, where, maxRetries+1)
	}
	if handlerErr != "" || runErr != nil {
		msg += " (the handler failed)"
	}
	if q.gw.cfg.Logs != nil {
		q.gw.cfg.Logs.Log(runtime.LogEntry{Label: envKey(c.env.service, c.env.env), Time: start, Level: "queue", Message: msg})
	}
	return nil
}
