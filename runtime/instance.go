package runtime

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"
)

// Errors that end a request and discard the runtime.
var (
	errCPULimit     = errors.New("Worker exceeded CPU time limit")
	errWallLimit    = errors.New("Worker exceeded its wall-clock time limit")
	errNeverResolve = errors.New("The script will never generate a response")
)

// instance is one goja runtime with its event loop. It serves one request at a time; goroutines that
// finish I/O post callbacks to it, and only the goroutine serving the request runs JavaScript.
type instance struct {
	w  *Worker
	vm *goja.Runtime
	// handle runs the fetch handler: its response exported, or a promise of the response, which
	// exportLater exports once settled.
	handle      goja.Callable
	exportLater goja.Callable
	settle      goja.Callable // settles ctx.waitUntil promises
	durable     goja.Callable // constructs the Durable Object this runtime hosts
	// response makes the Response for an answer Go received: (status, statusText, headers, body, bodyHandle, url).
	response goja.Callable
	api      *goja.Object // the prelude's dispatcher, for events other than fetch
	natives  *natives
	object   *durableObject // the Durable Object this runtime hosts, if any
	tap      LogSink        // also receives the current event's console output (cron run history)

	mu     sync.Mutex
	queue  []task
	wake   chan struct{}
	gen    uint64 // request generation; callbacks of earlier requests are dropped
	broken bool
	// stopped is the limit that interrupted the current stretch of JavaScript, kept because a Go
	// callback that resolves a promise can swallow goja's InterruptedError.
	stopped atomic.Pointer[error]

	// Per-request state, touched only on the serving goroutine.
	ctx      context.Context // the request's; see also subrequestCtx
	cpuUsed  time.Duration
	cpuLimit time.Duration
	pending  int // timers and I/O that may still post a callback
	timers   map[int64]*timer
	waiting  bool // ctx.waitUntil was called: the request has work to settle after its response
	watch    watchdog
	// The context of the request's subrequests, made by the first: most requests make none.
	ioCtx    context.Context
	ioCancel context.CancelFunc

	// The arguments of the last request that the next is likely to repeat (see lastString).
	method, cf lastString
	cfText     []byte
}

type task struct {
	gen  uint64
	fn   func()
	drop func() // when the task is discarded unrun (its request ended): release what it carries
}

type timer struct {
	t      *time.Timer
	due    time.Time
	repeat time.Duration
	fn     goja.Callable
}

// post queues fn to run on the loop during request generation gen.
func (in *instance) post(gen uint64, fn func()) { in.postOr(gen, fn, nil) }

// postOr is post with drop called instead of fn if the request ends first.
func (in *instance) postOr(gen uint64, fn, drop func()) {
	in.mu.Lock()
	if gen != in.gen {
		in.mu.Unlock()
		if drop != nil {
			drop()
		}
		return
	}
	in.queue = append(in.queue, task{gen, fn, drop})
	in.mu.Unlock()
	select {
	case in.wake <- struct{}{}:
	default:
	}
}

// begin starts a request: fresh limits, and callbacks of earlier requests are forgotten.
func (in *instance) begin(ctx context.Context, cpu time.Duration) uint64 {
	in.mu.Lock()
	in.gen++
	dropTasks(in.queue)
	in.queue = nil
	gen := in.gen
	in.mu.Unlock()
	in.ctx, in.cpuUsed, in.cpuLimit, in.pending = ctx, 0, cpu, 0
	if in.timers == nil {
		in.timers = map[int64]*timer{}
	}
	in.waiting = false
	in.tap = nil
	in.natives.subrequests = 0
	in.natives.conns = nil                                 // made by the request's first subrequest
	in.natives.responded, in.natives.respondErr = nil, nil // left by a run that stopped after handing one over
	return gen
}

// subrequestCtx is the context of the request's subrequests. They end when the request's work does,
// as its runtime is released (see end), and not with its client: one handed to ctx.waitUntil outlives
// the response and the client's connection.
func (in *instance) subrequestCtx() context.Context {
	if in.ioCtx == nil {
		in.ioCtx, in.ioCancel = context.WithCancel(context.WithoutCancel(in.ctx))
	}
	return in.ioCtx
}

// end cancels what the request left running (subrequests, timers), so nothing fires into the next
// request.
func (in *instance) end() {
	if in.ioCancel != nil { // the request's subrequests; see fetchTurn.finish for a body passed through
		in.ioCancel()
		in.ioCtx, in.ioCancel = nil, nil
	}
	in.natives.closeBodies()
	in.natives.closeHTML()
	for id, t := range in.timers {
		t.t.Stop()
		delete(in.timers, id)
	}
	in.mu.Lock()
	in.gen++
	dropTasks(in.queue)
	in.queue = nil
	in.mu.Unlock()
}

func dropTasks(q []task) {
	for _, t := range q {
		if t.drop != nil {
			t.drop()
		}
	}
}

// runJS runs JavaScript, charging its time to the request's CPU budget and interrupting it past the
// budget. A Go panic or an interrupt marks the runtime broken so it is never reused.
func (in *instance) runJS(f func() error) (err error) {
	if in.watch.running {
		return f() // already inside a run, which charges this too
	}
	remaining := in.cpuLimit - in.cpuUsed
	if remaining <= 0 {
		in.broken = true
		return errCPULimit
	}
	in.watch.start(remaining)
	defer func() {
		in.cpuUsed += in.watch.stop()
		in.vm.ClearInterrupt() // the watchdog may have fired just after f returned
		if r := recover(); r != nil {
			in.broken = true
			err = fmt.Errorf("runtime panic: %v", r)
		}
	}()
	in.stopped.Store(nil)
	err = f()
	if p := in.stopped.Load(); p != nil && err == nil {
		in.broken = true
		return *p
	}
	if err == nil {
		return nil // before errors.As, whose targets escape: two allocations on every run
	}
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		in.broken = true
		if e, ok := ie.Value().(error); ok {
			return e
		}
		return errCPULimit
	}
	var so *goja.StackOverflowError
	if errors.As(err, &so) {
		in.broken = true
		const msg = "RangeError: Maximum call stack size exceeded" // V8's words
		return &jsError{message: msg, stack: msg + "\n   " + strings.TrimSpace(so.Error())}
	}
	return err
}

// paused runs f, called from JavaScript on this runtime, with the runtime's CPU clock stopped: f
// runs another runtime's JavaScript, which charges its own request.
func (in *instance) paused(f func() error) error {
	in.cpuUsed += in.watch.stop()
	defer in.watch.start(in.cpuLimit - in.cpuUsed)
	return f()
}

// startIO counts work off the loop that will post a callback, so await keeps waiting for it, and
// returns the request generation the callback belongs to.
func (in *instance) startIO() uint64 {
	in.mu.Lock()
	gen := in.gen
	in.mu.Unlock()
	in.pending++
	return gen
}

// callAndAwait runs call (into the prelude, which answers with a value or a promise) and then the loop
// until that promise settles: one event handled, start to finish.
func (in *instance) callAndAwait(gen uint64, wall time.Duration, call func() (goja.Value, error)) (goja.Value, error) {
	v, p, err := in.call(call)
	if err != nil || p == nil { // an answer made at once needs no loop
		return v, err
	}
	return in.await(gen, p, wall)
}

// call runs call's first turn: its answer, which is a promise (p) when the prelude gave one.
func (in *instance) call(call func() (goja.Value, error)) (v goja.Value, p *goja.Promise, err error) {
	err = in.runJS(func() (err error) {
		if v, err = call(); err != nil {
			return in.asJSError(err)
		}
		p = promiseOf(v)
		return nil
	})
	return v, p, err
}

// promiseOf is v as a promise, or nil: other values are not exported, as that copies them.
func promiseOf(v goja.Value) *goja.Promise {
	if o, ok := v.(*goja.Object); ok && o.ExportType() == promiseType {
		p, _ := o.Export().(*goja.Promise)
		return p
	}
	return nil
}

var promiseType = reflect.TypeFor[*goja.Promise]()

// settled reports whether p, if any, has settled.
func settled(p *goja.Promise) bool { return p == nil || p.State() != goja.PromiseStatePending }

// interrupt stops the script running on this runtime with err.
func (in *instance) interrupt(err error) {
	in.stopped.Store(&err)
	in.vm.Interrupt(err)
}

// await runs the event loop until p settles, the request's context ends, or wall time runs out.
func (in *instance) await(gen uint64, p *goja.Promise, wall time.Duration) (goja.Value, error) {
	deadline := time.NewTimer(wall)
	defer deadline.Stop()
	for p.State() == goja.PromiseStatePending {
		in.mu.Lock()
		q := in.queue
		in.queue = nil
		in.mu.Unlock()
		if len(q) == 0 {
			if in.pending == 0 {
				return nil, errNeverResolve
			}
			select {
			case <-in.wake:
			case <-deadline.C:
				in.broken = true
				return nil, errWallLimit
			case <-in.ctx.Done():
				// The client went away. The runtime stays healthy: ending the request stops its
				// timers and drops its callbacks, as when a response leaves work behind, so the
				// abandoned handler never resumes, as in workerd. Starting afresh cost a whole bundle's
				// start-up for every request a closing client left in flight.
				return nil, in.ctx.Err()
			}
			continue
		}
		for _, t := range q {
			if t.gen != gen {
				if t.drop != nil {
					t.drop()
				}
				continue
			}
			if err := in.runJS(func() error { t.fn(); return nil }); err != nil {
				return nil, err
			}
		}
	}
	if p.State() == goja.PromiseStateRejected {
		return nil, in.exception(p.Result())
	}
	return p.Result(), nil
}

// jsError is an exception thrown by the script, with its source-mapped stack.
type jsError struct{ message, stack string }

func (e *jsError) Error() string { return e.message }

func (in *instance) exception(v goja.Value) error {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return &jsError{message: fmt.Sprint(v), stack: fmt.Sprint(v)}
	}
	if obj, ok := v.(*goja.Object); ok {
		if s := obj.Get("stack"); s != nil && !goja.IsUndefined(s) {
			return &jsError{message: v.String(), stack: s.String()}
		}
	}
	return &jsError{message: "Uncaught " + v.String(), stack: "Uncaught " + v.String()}
}

// asJSError turns a goja exception returned by a call into a jsError.
func (in *instance) asJSError(err error) error {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return &jsError{message: ex.Value().String(), stack: ex.String()}
	}
	return err
}

// setTimer schedules fn after d (and every d when repeat) on the loop.
func (in *instance) setTimer(gen uint64, id int64, d time.Duration, fn goja.Callable, repeat bool) {
	tm := &timer{fn: fn, due: time.Now().Add(d)}
	if repeat {
		tm.repeat = max(d, time.Millisecond)
	}
	tm.t = time.AfterFunc(d, func() { in.post(gen, in.runDueTimers) })
	in.timers[id] = tm
	in.pending++
}

// runDueTimers runs every timer whose time has come, earliest first and in the order they were set
// when due together, whichever one's Go timer woke the loop: on a busy machine those wake-ups can
// arrive out of order, and a script may count on a 5 ms timer firing before a 20 ms one.
func (in *instance) runDueTimers() {
	now := time.Now()
	var due []int64
	for id, tm := range in.timers {
		if !tm.due.After(now) {
			due = append(due, id)
		}
	}
	slices.SortFunc(due, func(a, b int64) int {
		if c := in.timers[a].due.Compare(in.timers[b].due); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for _, id := range due {
		tm, ok := in.timers[id]
		if !ok {
			continue // cleared by a callback that ran before it
		}
		if tm.repeat == 0 {
			delete(in.timers, id)
			in.pending--
		} else {
			tm.due = now.Add(tm.repeat)
			tm.t.Reset(tm.repeat)
		}
		if _, err := tm.fn(goja.Undefined()); err != nil {
			in.logException(in.asJSError(err))
		}
	}
}

func (in *instance) clearTimer(id int64) {
	if tm, ok := in.timers[id]; ok {
		tm.t.Stop()
		delete(in.timers, id)
		in.pending--
	}
}

func (in *instance) logException(err error) { in.w.logException(err) }

// logException records an uncaught exception with its source-mapped stack.
func (w *Worker) logException(err error) {
	msg := err.Error()
	var je *jsError
	if errors.As(err, &je) {
		msg = je.stack
	}
	w.engine.log(&w.spec, "exception", msg)
}
