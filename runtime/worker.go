package runtime

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dop251/goja"
)

// Worker runs one version: a compiled program and a pool of runtimes that have evaluated it.
type Worker struct {
	engine  *Engine
	spec    WorkerSpec
	program *goja.Program
	idle    *idleRuntimes
	budget  *idleBudget  // the engine's, shared by its workers; nil for a worker that is not kept (a preview)
	busy    atomic.Int32 // runtimes serving a request now
	peak    atomic.Int32 // the most busy at once since the last shrink
}

// response is what a fetch handler produced, in Go terms. Its body is bytes, a Go body passed
// through (stream), or the script's own stream (script), which holds the runtime until it ends.
type response struct {
	status     int
	statusText string // the script's own; HTTP/1.1 writes the standard one, in-process callers see this
	headers    [][2]string
	body       []byte // a whole body, or nil
	text       string // or a whole non-empty body the script gave as a string, written without a copy
	stream     io.ReadCloser
	script     *scriptStream
}

// addHeader adds a header from a script's list, whose names are lowercase, under Go's canonical
// name. The common names are spelled out: canonicalizing a lowercase name costs a scan and often an
// allocation, and every response has a content type.
func addHeader(h http.Header, name, value string) {
	key := canonicalNames[name]
	if key == "" {
		key = textproto.CanonicalMIMEHeaderKey(name)
	}
	h[key] = append(h[key], value)
}

// canonicalNames maps the lowercase spelling of common header names to Go's canonical one.
var canonicalNames = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"Accept", "Accept-Encoding", "Accept-Language", "Access-Control-Allow-Origin",
		"Authorization", "Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language",
		"Content-Length", "Content-Type", "Cookie", "Date", "Etag", "Expires", "Last-Modified", "Location",
		"Origin", "Referer", "Server", "Set-Cookie", "User-Agent", "Vary", "X-Forwarded-For", "X-Forwarded-Proto"} {
		m[strings.ToLower(k)] = k
	}
	return m
}()

// reader is a streamed body, or nil.
func (res *response) reader() io.ReadCloser {
	if res.script != nil {
		return res.script
	}
	return res.stream
}

// run serves one request on one runtime and returns its response; waitUntil work continues on the
// runtime in the background, which then goes back to the pool.
func (w *Worker) run(ctx context.Context, r *http.Request) (*response, error) {
	t, err := w.start(ctx, r)
	if err != nil {
		return nil, err
	}
	return t.finish()
}

// fetchTurn is a request whose handler has run its first turn: its answer may still be a pending
// promise, which finish waits for.
type fetchTurn struct {
	w      *Worker
	in     *instance
	gen    uint64
	answer goja.Value
	p      *goja.Promise // the answer as a promise, if the handler gave one
}

// start takes a runtime and runs the handler's first turn on the calling goroutine.
func (w *Worker) start(ctx context.Context, r *http.Request) (fetchTurn, error) {
	body, stream, err := requestBody(r, w.spec.MaxRequestBody)
	if err != nil {
		return fetchTurn{}, err
	}
	in, err := w.get()
	if err != nil {
		return fetchTurn{}, err
	}
	t := fetchTurn{w: w, in: in}
	t.gen = in.begin(ctx, w.spec.CPULimit)
	t.answer, t.p, err = in.call(func() (goja.Value, error) {
		v, err := in.handle(goja.Undefined(), in.requestArgs(r, body, stream)...)
		if err != nil {
			return nil, err
		}
		if p := promiseOf(v); p != nil && p.State() == goja.PromiseStateFulfilled {
			return in.exportLater(goja.Undefined(), p.Result()) // already settled: exported in this run
		}
		return v, nil
	})
	if err != nil {
		t.fail()
		return fetchTurn{}, err
	}
	return t, nil
}

// ready reports whether finish has nothing to wait for.
func (t *fetchTurn) ready() bool { return settled(t.p) }

// finish waits for the answer (running the runtime's loop) and exports it.
func (t *fetchTurn) finish() (*response, error) {
	in, v, err := t.in, t.answer, error(nil)
	if t.p != nil {
		if v, err = in.await(t.gen, t.p, t.w.spec.WallLimit); err == nil {
			v, _, err = in.call(func() (goja.Value, error) { return in.exportLater(goja.Undefined(), v) })
		}
	}
	var out *response
	if err == nil {
		out, err = in.takeResponse()
	}
	if err != nil {
		if errors.Is(err, context.Canceled) && in.waiting {
			// The client left, but the script asked for time to finish work (ctx.waitUntil): as in
			// Workers, that work goes on until it settles, within the wall limit.
			t.w.release(in, t.gen)
			return nil, err
		}
		t.fail()
		return nil, err
	}
	if out.script != nil {
		// The runtime serves the body first; waitUntil work is settled when it ends. Closing the
		// body early ends the context the runtime's loop waits on, waking a read in progress.
		var ctx context.Context
		ctx, out.script.stop = context.WithCancel(in.ctx)
		in.ctx, out.script.gen = ctx, t.gen
		return out, nil
	}
	if out.stream != nil && in.ioCancel != nil {
		// A body passed through may still be arriving on a connection of one of the request's
		// subrequests, while ctx.waitUntil work may still be making others: they end when the body
		// is closed and the runtime released, whichever comes last.
		stop := afterBoth(in.ioCancel)
		in.ioCancel = stop
		out.stream = &closeHook{ReadCloser: out.stream, hook: sync.OnceFunc(stop)}
	}
	t.w.release(in, t.gen)
	return out, nil
}

// fail ends a request that produced no response and returns its runtime.
func (t *fetchTurn) fail() {
	t.in.end()
	t.w.put(t.in)
}

// afterBoth returns a function that calls f the second time it is called.
func afterBoth(f func()) func() {
	var calls atomic.Int32
	return func() {
		if calls.Add(1) == 2 {
			f()
		}
	}
}

// closeHook runs hook after closing a body.
type closeHook struct {
	io.ReadCloser
	hook func()
}

func (c *closeHook) Close() error {
	err := c.ReadCloser.Close()
	c.hook()
	return err
}

// release settles the request's ctx.waitUntil work, in the background if there is any, and returns
// the runtime to the pool.
func (w *Worker) release(in *instance, gen uint64) {
	if !in.waiting { // nothing to settle: no need to ask the script
		in.end()
		w.put(in)
		return
	}
	var waits *goja.Promise
	err := in.runJS(func() error {
		v, err := in.settle(goja.Undefined())
		if err == nil {
			waits = promiseOf(v)
		}
		return err
	})
	if err != nil {
		in.logException(err)
	}
	if waits == nil {
		in.end()
		w.put(in)
		return
	}
	go w.finish(in, gen, waits)
}

// finish waits for ctx.waitUntil work (bounded by the wall limit), then recycles the runtime.
func (w *Worker) finish(in *instance, gen uint64, waits *goja.Promise) {
	in.mu.Lock()
	in.ctx = context.WithoutCancel(in.ctx)
	in.mu.Unlock()
	if _, err := in.await(gen, waits, w.spec.WallLimit); err != nil && !errors.Is(err, errNeverResolve) {
		in.logException(err)
	}
	in.end()
	w.put(in)
}

func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, errBodyTooLarge
	}
	return b, nil
}

var errBodyTooLarge = errors.New("request body is too large")

// requestURL is the request's absolute URL as the WHATWG parser writes it (what request.url shows in
// workerd): dot segments resolved, the host lowercased, odd characters percent-encoded.
func requestURL(r *http.Request) string {
	if r.URL.IsAbs() {
		raw := r.URL.String()
		if (r.URL.Scheme == "http" || r.URL.Scheme == "https") && r.URL.User == nil && r.URL.Fragment == "" && plainURL(r.URL.Host, r.URL.RequestURI()) {
			return raw // a plain absolute target: a proxy-style client, or Fetch (a binding's request carries its own URL, see sentFormOf)
		}
		return whatwgHref(raw)
	}
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	// The target as the client sent it, when plain, is what Go's URL would write back and what the
	// parser would write.
	if plainURL(r.Host, r.RequestURI) {
		return scheme + "://" + r.Host + r.RequestURI
	}
	uri := r.URL.RequestURI()
	raw := scheme + "://" + r.Host + uri
	if plainURL(r.Host, uri) {
		return raw // already as the parser would write it
	}
	return whatwgHref(raw)
}

// whatwgHref is raw as the WHATWG URL parser writes it, or raw if it does not parse.
func whatwgHref(raw string) string {
	if u, err := urlParser.Parse(raw); err == nil {
		return u.Href(false)
	}
	return raw
}

// plainURL reports whether host and path need nothing from the WHATWG parser: a lowercase host
// without a default port and a path of plain characters without dot segments.
func plainURL(host, path string) bool {
	if strings.HasSuffix(host, ":80") || strings.HasSuffix(host, ":443") || strings.Contains(path, "/.") || !strings.HasPrefix(path, "/") {
		return false
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == ':') {
			return false
		}
	}
	for i := 0; i < len(path); i++ {
		c := path[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/?=&+:@!$'()*,;", c) >= 0) {
			return false
		}
	}
	return true
}

// ID and Label are the worker's, as its spec gave them: what its log lines are filed and shown under.
func (w *Worker) ID() string    { return w.spec.ID }
func (w *Worker) Label() string { return w.spec.Label }

// ServeHTTP runs the fetch handler for an HTTP request. A streamed body is written as it comes,
// each chunk flushed; if it fails midway the connection is cut, so the client sees an error rather
// than a response that merely looks short.
func (w *Worker) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if err := w.serve(rw, r); err != nil {
		panic(http.ErrAbortHandler)
	}
}

// serve writes the response to r and returns the error that cut a streamed body short, if any.
func (w *Worker) serve(rw http.ResponseWriter, r *http.Request) error {
	rc := http.NewResponseController(rw)
	if r.ContentLength < 0 || r.ContentLength > eagerRequestBody {
		rc.EnableFullDuplex() // the script may answer while it still reads the request body
	}
	res, err := w.run(r.Context(), r)
	if err != nil {
		w.fail(rw, err)
		return nil
	}
	h := rw.Header()
	for _, kv := range res.headers {
		addHeader(h, kv[0], kv[1])
	}
	body := res.reader()
	if body == nil {
		if _, set := h["Content-Length"]; !set && (res.body != nil || res.text != "") {
			h["Content-Length"] = []string{strconv.Itoa(len(res.body) + len(res.text))}
		}
		rw.WriteHeader(res.status)
		if res.text != "" {
			io.WriteString(rw, res.text)
		} else {
			rw.Write(res.body)
		}
		return nil
	}
	defer body.Close()
	rw.WriteHeader(res.status)
	bp := streamBuffers.Get().(*[]byte)
	defer streamBuffers.Put(bp)
	// Chunks the script makes back to back are gathered into one write; what is written goes out at
	// once when the next chunk must be waited for, so a slow stream still reaches the client promptly.
	buf := (*bp)[:0]
	for {
		k, err := body.Read(buf[len(buf):min(len(buf)+bodyChunk, cap(buf))])
		buf = buf[:len(buf)+k]
		more := err == nil && res.script != nil && res.script.ready()
		if len(buf) > 0 && (len(buf) == cap(buf) || !more) {
			if _, werr := rw.Write(buf); werr != nil {
				return nil // the client went away
			}
			buf = buf[:0]
			if !more {
				rc.Flush()
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if res.script == nil { // a script's failure is logged where it happens
				w.engine.log(&w.spec, "exception", fmt.Sprintf("response body failed after it began: %v", err))
			}
			return err
		}
	}
}

// streamBuffers hold a streamed response's chunks until they are written.
var streamBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4*bodyChunk); return &b }}

// statusClientClosed is the status request logs give a request whose client left before its answer
// (nginx's 499).
const statusClientClosed = 499

// fail answers a request whose handler failed, logging why; the client sees no stack.
func (w *Worker) fail(rw http.ResponseWriter, err error) {
	id := requestID()
	status, msg := http.StatusInternalServerError, "Worker threw exception"
	switch {
	case errors.Is(err, errBodyTooLarge):
		status, msg = http.StatusRequestEntityTooLarge, "Request body is too large"
	case errors.Is(err, errMemoryLimit):
		status, msg = http.StatusServiceUnavailable, "Worker exceeded memory limit"
	case errors.Is(err, errCPULimit):
		status, msg = http.StatusServiceUnavailable, "Worker exceeded CPU time limit"
	case errors.Is(err, errWallLimit), errors.Is(err, errNeverResolve):
		status, msg = http.StatusInternalServerError, err.Error()
	case errors.Is(err, context.Canceled): // the client went away: not the script's fault
		rw.WriteHeader(statusClientClosed) // for the request log; nobody reads the answer
		return
	}
	w.logException(fmt.Errorf("%w (request %s)", err, id))
	rw.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	rw.WriteHeader(status)
	fmt.Fprintf(rw, "%s (request %s)\n", msg, id)
}

func requestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Fetch runs the handler in-process and returns its response (service bindings, tests).
func (w *Worker) Fetch(ctx context.Context, r *http.Request) (*http.Response, error) {
	res, err := completed(w.fetchStart(ctx, r))
	if err != nil {
		return nil, err
	}
	if whole, ok := res.Body.(*wholeBody); ok {
		whole.res.described(res)
	}
	return res, nil
}

// completed is an in-process call started as fetchStart starts one, waited for if still pending.
func completed(res *http.Response, wait func() (*http.Response, error), err error) (*http.Response, error) {
	if wait != nil {
		return wait()
	}
	return res, err
}

// fetchStart runs r's first turn on the calling goroutine and gives its answer when that is ready;
// otherwise it gives wait, which finishes the request (blocking).
func (w *Worker) fetchStart(ctx context.Context, r *http.Request) (res *http.Response, wait func() (*http.Response, error), err error) {
	t, err := w.start(ctx, r)
	if err != nil {
		return nil, nil, w.inProcessError(err)
	}
	if !t.ready() {
		return nil, func() (*http.Response, error) { return w.inProcess(r, t.finish) }, nil
	}
	res, err = w.inProcess(r, t.finish)
	return res, nil, err
}

// inProcess runs finish and gives its response as an in-process caller takes it.
func (w *Worker) inProcess(r *http.Request, finish func() (*response, error)) (*http.Response, error) {
	res, err := finish()
	if err != nil {
		return nil, w.inProcessError(err)
	}
	return res.httpResponse(r), nil
}

// inProcessError is a failure as an in-process caller sees it: a script's exception is logged here,
// and the caller gets its message.
func (w *Worker) inProcessError(err error) error {
	var je *jsError
	if errors.As(err, &je) {
		w.logException(err)
		return errors.New(je.message)
	}
	return err
}

// wholeBody is a body already in memory, with the in-process callee's response it belongs to: an
// in-process caller takes its bytes, or the string the callee's script answered with, and its header
// list and status text (see goResponse), without reading and without Go's header map.
type wholeBody struct {
	io.Reader
	res *response
}

func (*wholeBody) Close() error { return nil }

// httpResponse is the response as net/http's, for in-process callers. A whole body carries the
// response itself, which the caller's runtime reads as it is, so its Status and Header are filled
// only for a caller outside the runtimes (Fetch); a streamed body's are filled here.
func (res *response) httpResponse(r *http.Request) *http.Response {
	out := &http.Response{StatusCode: res.status, Request: r}
	if body := res.reader(); body != nil {
		out.Body, out.ContentLength = body, -1
		return res.described(out)
	}
	var whole io.Reader = bytes.NewReader(res.body)
	if res.text != "" {
		whole = strings.NewReader(res.text)
	}
	out.Body, out.ContentLength = &wholeBody{Reader: whole, res: res}, int64(len(res.body)+len(res.text))
	return out
}

// described fills out's Status and Header from res.
func (res *response) described(out *http.Response) *http.Response {
	out.Header = make(http.Header, len(res.headers))
	for _, kv := range res.headers {
		addHeader(out.Header, kv[0], kv[1])
	}
	out.Status = strconv.Itoa(res.status) + " " + res.shownStatusText()
	return out
}

// shownStatusText is the status text an in-process caller sees: the script's own, or the standard one.
func (res *response) shownStatusText() string {
	if res.statusText == "" {
		return http.StatusText(res.status)
	}
	return res.statusText
}

// dispatch runs one of the prelude's event handlers (queue, scheduled, rpc) on a pooled runtime; read
// takes the settled result on the runtime's goroutine, before the runtime goes back to the pool.
func (w *Worker) dispatch(ctx context.Context, event string, tap LogSink, read func(in *instance, v goja.Value) error, args ...any) error {
	in, err := w.get()
	if err != nil {
		return err
	}
	defer func() {
		in.end()
		w.put(in)
	}()
	gen := in.begin(ctx, w.spec.CPULimit)
	in.tap = tap
	res, err := in.callAndAwait(gen, w.spec.WallLimit, func() (goja.Value, error) {
		fn, _ := goja.AssertFunction(in.api.Get(event))
		vals := make([]goja.Value, len(args))
		for i, a := range args {
			vals[i] = in.vm.ToValue(a)
		}
		return fn(in.api, vals...)
	})
	if err != nil {
		return err
	}
	return read(in, res)
}
