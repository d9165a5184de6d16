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
	in, err := w.get()
	if err != nil {
		return false, err
	}
	defer func() {
		in.end()
		w.put(in)
	}()
	gen := in.begin(ctx, w.spec.CPULimit)
	in.tap = tap
	var p *goja.Promise
	err = in.runJS(func() error {
		fn, _ := goja.AssertFunction(in.api.Get("scheduled"))
		v, err := fn(in.api, in.vm.ToValue(cron), in.vm.ToValue(at.UnixMilli()))
		if err != nil {
			return in.asJSError(err)
		}
		p = v.Export().(*goja.Promise)
		return nil
	})
	var res goja.Value
	if err == nil {
		res, err = in.await(gen, p, w.spec.WallLimit)
	}
	if err != nil {
		w.logException(fmt.Errorf("scheduled %q: %w", cron, err))
		if tap != nil {
			tap.Log(LogEntry{Time: time.Now(), Level: "exception", Message: errorText(err)})
		}
		return true, err
	}
	obj := res.ToObject(in.vm)
	retry = obj.Get("retry").ToBoolean()
	if e := obj.Get("error"); e != nil && !goja.IsNull(e) {
		w.engine.log(&w.spec, "exception", "Uncaught (in scheduled "+cron+") "+e.String())
		if tap != nil {
			tap.Log(LogEntry{Time: time.Now(), Level: "exception", Message: e.String()})
		}
		return retry, errors.New(strings.SplitN(e.String(), "\n", 2)[0])
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
