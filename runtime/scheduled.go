package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dop251/goja"
)

// Scheduled runs the worker's scheduled() handler for a cron trigger, with ctx.waitUntil work awaited.
// tap also receives the run's console output. retry is false when the handler called noRetry().
func (w *Worker) Scheduled(ctx context.Context, cron string, at time.Time, tap LogSink) (retry bool, err error) {
	var handlerErr string
	err = w.dispatch(ctx, "scheduled", tap, func(in *instance, res goja.Value) error {
		obj := res.ToObject(in.vm)
		retry = obj.Get("retry").ToBoolean()
		if e := obj.Get("error"); e != nil && !goja.IsNull(e) {
			handlerErr = e.String()
		}
		return nil
	}, cron, at.UnixMilli())
	if err != nil {
		w.logException(fmt.Errorf("scheduled %q: %w", cron, err))
		if tap != nil {
			tap.Log(LogEntry{Time: time.Now(), Level: "exception", Message: errorText(err)})
		}
		return true, err
	}
	if handlerErr != "" {
		w.engine.log(&w.spec, "exception", "Uncaught (in scheduled "+cron+") "+handlerErr)
		if tap != nil {
			tap.Log(LogEntry{Time: time.Now(), Level: "exception", Message: handlerErr})
		}
		return retry, errors.New(strings.SplitN(handlerErr, "\n", 2)[0])
	}
	return retry, nil
}

// errorText is an error with its JavaScript stack when it has one.
func errorText(err error) string {
	if je, ok := err.(*jsError); ok && je.stack != "" {
		return je.stack
	}
	return err.Error()
}
