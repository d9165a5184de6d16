package runtime

// Subrequests: fetch(), service bindings and Durable Object calls, and the work a script hands off
// its loop. Each counts against the request's subrequest limit and holds one of its connections
// while it waits.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/dop251/goja"
)

// request builds a Go request in ctx from what the prelude sends (see outgoingBody): a method, a
// URL, headers (a block or [name, value, …]) and a body that is null, a string, bytes, or the handle
// of a Go body.
func (n *natives) request(ctx context.Context, method, url string, headers, body goja.Value) *http.Request {
	var rd io.Reader
	switch b := exported(body).(type) {
	case []byte: // a Uint8Array, exported without a copy
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	case int64:
		if rc := n.bodies[b]; rc != nil {
			delete(n.bodies, b) // the outgoing request owns it now
			rd = rc
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		n.typeError("fetch: %v", err)
	}
	if _, streamed := rd.(io.ReadCloser); streamed {
		req.ContentLength = -1
	}
	list, err := headerList(headers)
	if err != nil {
		n.typeError("fetch: %v", err)
	}
	for _, kv := range list {
		if strings.EqualFold(kv[0], "host") {
			req.Host = kv[1]
			continue
		}
		addHeader(req.Header, kv[0], kv[1])
	}
	return req
}

// inProcessRequest is n.request for a runtime in this process (a service binding, a Durable
// Object). The request keeps the script's URL and, when the script passed on a block Go made, its
// header block: the callee's runtime takes them as they are (sentFormOf) rather than rebuilding them
// from Go's URL and header map. They cross as Go strings: a goja string may be scanned lazily on first
// use, so one runtime's value must not be used by another, which may run at the same time.
func (n *natives) inProcessRequest(ctx context.Context, method string, url, headers, body goja.Value) *http.Request {
	sent := &sentForm{url: url.String()}
	if _, isBlock := headers.(goja.String); isBlock {
		if block := headers.String(); strings.HasPrefix(block, "host\x00") {
			sent.headers = block // as headerBlock makes it: the host first, then the rest
		}
	}
	req := n.request(context.WithValue(ctx, sentFormKey{}, sent), method, sent.url, headers, body)
	sent.req = req
	return req
}

// sentForm is the URL and header block ("" if none) an in-process request was sent with.
type sentForm struct {
	req          *http.Request
	url, headers string
}

type sentFormKey struct{}

// sentFormOf is the form r was sent with in process, if it was.
func sentFormOf(r *http.Request) *sentForm {
	if !r.URL.IsAbs() { // a client's request to the gateway
		return nil
	}
	if sent, _ := r.Context().Value(sentFormKey{}).(*sentForm); sent != nil && sent.req == r {
		return sent
	}
	return nil
}

// asyncString runs do on a goroutine and resolves the returned promise with its string on the loop.
func (n *natives) asyncString(do func() (string, error)) *goja.Promise {
	return offLoop(n.in, do, func(s string) any { return s })
}

// offLoop runs work on a goroutine (guarded against panics) and settles the returned promise on the
// loop: with settle's value made from work's result, or rejected with work's error ("TypeError: …"
// becomes a TypeError).
func offLoop[T any](in *instance, work func() (T, error), settle func(T) any) *goja.Promise {
	p, resolve, reject := in.vm.NewPromise()
	gen := in.startIO()
	spawn(func() {
		v, err := guarded(work)
		in.post(gen, func() {
			in.pending--
			if err != nil {
				reject(in.errorValue(err))
				return
			}
			resolve(settle(v))
		})
	})
	return p
}

// guarded runs work done off the loop for a script (a subrequest, a binding call) so that a Go panic
// in it fails that call instead of the process.
func guarded[T any](do func() (T, error)) (out T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	return do()
}

// errorValue is a Go error as a JavaScript Error, keeping a JavaScript exception's message.
func (in *instance) errorValue(err error) goja.Value {
	msg, ctor := err.Error(), "Error"
	var je *jsError
	if errors.As(err, &je) {
		msg = je.message
	}
	// "TypeError: x" from another runtime becomes a TypeError with message "x" here.
	if name, rest, ok := strings.Cut(msg, ": "); ok && strings.HasSuffix(name, "Error") && !strings.ContainsAny(name, " .") {
		if c := in.vm.Get(name); c != nil && !goja.IsUndefined(c) {
			msg, ctor = rest, name
		}
	}
	e, cerr := in.vm.New(in.vm.Get(ctor), in.vm.ToValue(msg))
	if cerr != nil {
		return in.vm.NewGoError(err)
	}
	return e
}

// storeCtx is the context of a binding's store call made on the loop (KV, Durable Object storage,
// R2, the cache, queues): one that cannot be cancelled, as go-sqlite3 runs a statement whose context
// can be on a goroutine of its own and waits for it, and this goroutine, locked to its thread while
// JavaScript runs, would pay a thread handoff for each (more than a point query costs).
func (n *natives) storeCtx() context.Context { return context.WithoutCancel(n.in.ctx) }

// async runs do on a goroutine and settles the returned promise with the Response for its answer,
// made on the loop; the response body stays in Go, read by the script as a stream. url gives the
// Response's url (nil: none). At most maxConnections requests of one request wait for their answers
// at once; the others queue, as in Workers.
func (n *natives) async(do func() (*http.Response, error), url func(*http.Response) goja.Value) *goja.Promise {
	in := n.in
	p, resolve, reject := in.vm.NewPromise()
	if tooMany := n.subrequest(); tooMany != nil {
		reject(tooMany)
		return p
	}
	gen := in.startIO()
	conns := n.connections()
	spawn(func() {
		conns <- struct{}{}
		res, err := guarded(do)
		<-conns
		n.answerLater(gen, res, err, url, resolve, reject)
	})
	return p
}

// subrequest counts one against the request's limit, and is the error past it.
func (n *natives) subrequest() *goja.Object {
	n.subrequests++
	if limit := n.in.w.spec.Subrequests; n.subrequests > limit {
		return n.in.vm.NewGoError(fmt.Errorf("Too many subrequests (at most %d per request)", limit))
	}
	return nil
}

// connections holds a slot for each subrequest of the request waiting for its answer.
func (n *natives) connections() chan struct{} {
	if n.conns == nil {
		n.conns = make(chan struct{}, n.in.w.spec.Connections)
	}
	return n.conns
}

// answerLater settles a subrequest's promise on the loop, unless the request has ended by then.
func (n *natives) answerLater(gen uint64, res *http.Response, err error, url func(*http.Response) goja.Value, resolve, reject func(any) error) {
	drop := func() {
		if res != nil {
			res.Body.Close()
		}
	}
	n.in.postOr(gen, func() {
		n.in.pending--
		n.answer(res, err, url, resolve, reject)
	}, drop)
}

// answer settles a subrequest's promise with the Response for res, or rejects it with err.
func (n *natives) answer(res *http.Response, err error, url func(*http.Response) goja.Value, resolve, reject func(any) error) {
	if err != nil {
		reject(n.in.vm.NewTypeError(fmt.Sprintf("fetch failed: %v", err)))
		return
	}
	r, err := n.goResponse(res, url)
	if err != nil {
		res.Body.Close()
		reject(err)
		return
	}
	resolve(r)
}

// goResponse is the script's Response for an answer Go received. Its body goes to the prelude as
// null for a status that has none (the body is closed here), as a string or bytes Go had whole, or
// as the handle of a stream; its url as "" when there is none.
func (n *natives) goResponse(res *http.Response, url func(*http.Response) goja.Value) (goja.Value, error) {
	vm := n.in.vm
	var statusText string
	var headers goja.Value
	whole, isWhole := res.Body.(*wholeBody)
	if isWhole { // an in-process callee's answer, read as it made it
		statusText, headers = whole.res.shownStatusText(), listBlock(vm, whole.res.headers)
	} else {
		_, statusText, _ = strings.Cut(res.Status, " ") // of "200 OK"
		statusText, headers = strings.TrimSpace(statusText), headerBlock(vm, res.Header, "")
	}
	body, handle := goja.Null(), goja.Undefined()
	switch {
	case nullBodyStatus(res.StatusCode):
		res.Body.Close()
	case isWhole && whole.res.text != "": // a buffered answer: no stream needed
		body = vm.ToValue(whole.res.text) // its bytes are the string's UTF-8, as the caller's Response reads them
	case isWhole:
		body = vm.ToValue(vm.NewArrayBuffer(whole.res.body))
	default:
		handle = vm.ToValue(n.openBody(res.Body))
	}
	u := vm.ToValue("")
	if url != nil {
		if v := url(res); !goja.IsUndefined(v) {
			u = v
		}
	}
	return n.in.response(goja.Undefined(), vm.ToValue(res.StatusCode), vm.ToValue(statusText), headers, body, handle, u)
}

// nullBodyStatus reports whether a response with status has no body (Fetch's null body status).
func nullBodyStatus(status int) bool {
	return status == 101 || status == 204 || status == 205 || status == 304
}

func (n *natives) fetch(method, url string, headers goja.Value, redirect string, body goja.Value) *goja.Promise {
	req := n.request(n.in.subrequestCtx(), method, url, headers, body)
	client := *n.in.w.engine.cfg.Fetch
	switch redirect {
	case "manual":
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	case "error":
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return fmt.Errorf("redirect was not allowed") }
	}
	return n.async(func() (*http.Response, error) { return client.Do(req) }, func(res *http.Response) goja.Value {
		if res.Request == nil {
			return goja.Undefined()
		}
		return n.in.vm.ToValue(res.Request.URL.String()) // after any redirects
	})
}

func (n *natives) service(binding, method string, url, headers, body goja.Value) *goja.Promise {
	var target map[string]string
	for _, b := range n.in.w.spec.Bindings {
		if b.Name == binding && b.Type == "service" {
			target = b.Target
		}
	}
	disp := n.in.w.engine.cfg.Services
	if target == nil || disp == nil {
		panic(n.in.vm.NewGoError(fmt.Errorf("service binding %s is not yet supported by Weft", binding)))
	}
	// Unlike a fetch, a hop does not take the request's subrequest context (made, and cancelled, per
	// request): the callee runs under its own CPU and wall limits, so its context need not end here.
	ctx, err := nextHop(context.WithoutCancel(n.in.ctx), "")
	if err != nil {
		n.throw(err.Error())
	}
	req := n.inProcessRequest(ctx, method, url, headers, body)
	answerURL := func(*http.Response) goja.Value { return url } // the url asked for, as in workerd
	call, err := guarded(func() (serviceCall, error) {
		wk, done, err := disp.ServiceWorker(ctx, target["service"], target["environment"], req)
		return serviceCall{wk, done}, err
	})
	if err != nil {
		return n.async(func() (*http.Response, error) { return nil, err }, answerURL)
	}
	return n.inline(func() (*http.Response, func() (*http.Response, error), error) {
		return call.w.fetchStart(ctx, req)
	}, func() (*http.Response, error) {
		res, err := call.w.Fetch(ctx, req)
		call.done(res, err)
		return res, err
	}, call.done, answerURL)
}

// serviceCall is the worker a service binding's request goes to, and the dispatcher's function that
// takes the outcome.
type serviceCall struct {
	w    *Worker
	done func(*http.Response, error)
}

// errOffLoop is inline's start declining to run the call on the loop's goroutine.
var errOffLoop = errors.New("the call must wait off the loop")

// inline makes an in-process call (a service binding, a Durable Object) on this goroutine, holding
// one of the request's connections, with this runtime's CPU clock stopped, as the callee's time is
// its own. start runs the callee's first turn: an answer made at once settles the promise here, with
// no goroutine and no wake-up of this runtime's loop; otherwise start gives wait, which finishes the
// call off the loop as async's calls are. With every connection waiting, or when start gives
// errOffLoop (it would block), offLoop makes the call through async instead. done, if any, takes the
// outcome of a call made here.
func (n *natives) inline(start func() (*http.Response, func() (*http.Response, error), error),
	offLoop func() (*http.Response, error), done func(*http.Response, error), url func(*http.Response) goja.Value) *goja.Promise {
	in := n.in
	conns := n.connections()
	if n.subrequests >= in.w.spec.Subrequests { // async rejects it
		return n.async(offLoop, url)
	}
	select {
	case conns <- struct{}{}:
	default:
		return n.async(offLoop, url)
	}
	type started struct {
		res  *http.Response
		wait func() (*http.Response, error)
	}
	var first started
	err := in.paused(func() (err error) {
		first, err = guarded(func() (s started, err error) {
			s.res, s.wait, err = start()
			return s, err
		})
		return err
	})
	if errors.Is(err, errOffLoop) {
		<-conns
		return n.async(offLoop, url)
	}
	n.subrequests++
	p, resolve, reject := in.vm.NewPromise()
	finished := func(res *http.Response, err error) {
		<-conns
		if done != nil {
			done(res, err)
		}
	}
	if first.wait == nil {
		finished(first.res, err)
		n.answer(first.res, err, url, resolve, reject)
		return p
	}
	gen := in.startIO()
	spawn(func() {
		res, err := guarded(first.wait)
		finished(res, err)
		n.answerLater(gen, res, err, url, resolve, reject)
	})
	return p
}
