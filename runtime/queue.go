package runtime

import (
	"context"
	"fmt"

	"github.com/dop251/goja"

	"github.com/weft-dev/weft/models"
)

// QueueStore persists messages that producers send; models.Store implements it.
type QueueStore interface {
	QueueSend(ctx context.Context, queue string, msgs []models.QueueSendInput) error
}

// QueueDelivery is a message handed to a consumer.
type QueueDelivery struct {
	ID        string `json:"id"`
	Timestamp int64  `json:"timestamp"` // Unix ms
	Body      string `json:"body"`
	Attempts  int    `json:"attempts"`
}

// QueueOutcome is what the consumer did with one message.
type QueueOutcome struct {
	Ack, Retry   bool
	DelaySeconds int
}

func (n *natives) queueSend(binding string, msgs []map[string]any) {
	store := n.in.w.engine.cfg.Queues
	queue := ""
	for _, b := range n.in.w.spec.Bindings {
		if b.Name == binding && b.Type == "queue" {
			queue = b.Target["queue"]
		}
	}
	if queue == "" || store == nil {
		n.throw("Queue binding " + binding + " is not available")
	}
	in := make([]models.QueueSendInput, len(msgs))
	for i, m := range msgs {
		body, _ := m["body"].(string)
		ct, _ := m["contentType"].(string)
		delay := 0
		switch d := m["delay"].(type) {
		case int64:
			delay = int(d)
		case float64:
			delay = int(d)
		}
		in[i] = models.QueueSendInput{Body: body, ContentType: ct, DelaySeconds: delay}
	}
	if err := store.QueueSend(n.storeCtx(), queue, in); err != nil {
		n.throw(fmt.Sprintf("Queue send failed: %s", models.ErrorMessage(err)))
	}
}

// Queue runs the worker's queue() handler on a batch. A handler that throws is reported as handlerErr
// (its messages are retried); err is for failures to run it at all.
func (w *Worker) Queue(ctx context.Context, queue string, msgs []QueueDelivery) (outcomes []QueueOutcome, handlerErr string, err error) {
	raw := make([]any, len(msgs))
	for i, m := range msgs {
		raw[i] = map[string]any{"id": m.ID, "timestamp": m.Timestamp, "body": m.Body, "attempts": m.Attempts}
	}
	err = w.dispatch(ctx, "queue", nil, func(in *instance, res goja.Value) error {
		obj := res.ToObject(in.vm)
		if e := obj.Get("error"); e != nil && !goja.IsNull(e) {
			handlerErr = e.String()
			w.engine.log(&w.spec, "exception", "Uncaught (in queue "+queue+") "+handlerErr)
		}
		var out []struct {
			Ack, Retry bool
			Delay      int
		}
		if err := in.vm.ExportTo(obj.Get("outcome"), &out); err != nil {
			return err
		}
		for _, r := range out {
			outcomes = append(outcomes, QueueOutcome{Ack: r.Ack, Retry: r.Retry, DelaySeconds: r.Delay})
		}
		return nil
	}, queue, raw)
	if err != nil {
		w.logException(fmt.Errorf("queue %s: %w", queue, err))
	}
	return outcomes, handlerErr, err
}
