package runtime

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dop251/goja"
	whatwg "github.com/nlnwa/whatwg-url/url"
)

// natives are the Go functions the prelude builds the Web APIs on.
type natives struct {
	in          *instance
	nextTimer   int64
	subrequests int
	conns       chan struct{} // this request's outbound requests awaiting an answer
	nextBody    int64
	bodies      map[int64]io.ReadCloser // Go bodies open in the current request (R2 objects, fetch responses)
	nextKey     int
	keys        map[int]*cryptoKey       // CryptoKeys made in this runtime
	codecs      map[int]*codec           // compression streams in progress
	pipes       map[int64]*io.PipeWriter // request bodies the script is writing
	nextHTML    int64
	html        map[int64]*htmlSession // HTMLRewriter passes in progress
	storage     storageCache           // the hosted Durable Object's storage, as read and written
}

func (n *natives) object(vm *goja.Runtime) *goja.Object {
	o := vm.NewObject()
	set := func(name string, fn any) { o.Set(name, fn) }
	set("log", func(level, msg string) {
		if n.in.tap != nil {
			n.in.tap.Log(LogEntry{WorkerID: n.in.w.spec.ID, Label: n.in.w.spec.Label, Time: time.Now(), Level: level, Message: msg})
		}
		n.in.w.engine.log(&n.in.w.spec, level, msg)
	})
	set("urlParse", n.urlParse)
	set("urlSet", n.urlSet)
	set("utf8Encode", func(s string) goja.ArrayBuffer { return vm.NewArrayBuffer([]byte(s)) })
	set("utf8Decode", n.utf8Decode)
	set("atob", n.atob)
	set("btoa", n.btoa)
	set("randomBytes", func(size int) goja.ArrayBuffer {
		b := make([]byte, size)
		rand.Read(b)
		return vm.NewArrayBuffer(b)
	})
	set("digest", n.digest)
	set("setTimer", n.setTimer)
	set("clearTimer", func(id int64) { n.in.clearTimer(id) })
	// The natives every request may call take goja's direct form: goja calls a Go function of any
	// other signature through reflection, which cost a twentieth of a service-binding hop.
	set("waitUntil", func(goja.FunctionCall) goja.Value { n.in.waiting = true; return goja.Undefined() })
	set("fetch", func(c goja.FunctionCall) goja.Value { return vm.ToValue(n.fetch(c.Argument(0).ToObject(vm))) })
	set("service", func(c goja.FunctionCall) goja.Value {
		return vm.ToValue(n.service(c.Argument(0).String(), c.Argument(1).ToObject(vm)))
	})
	set("kvGet", func(c goja.FunctionCall) goja.Value { return n.kvGet(c.Argument(0).String(), c.Argument(1).String()) })
	set("kvPut", n.kvPut)
	set("kvDelete", n.kvDelete)
	set("kvList", n.kvList)
	set("queueSend", n.queueSend)
	set("serviceCall", n.serviceCall)
	n.durableNatives(set)
	n.r2Natives(set)
	n.subtleNatives(set)
	n.cacheNatives(set)
	n.codecNatives(set)
	n.bodyNatives(set)
	n.htmlNatives(set)
	return o
}

// throw raises a JavaScript Error with msg in the running script.
func (n *natives) throw(msg string) {
	e, err := n.in.vm.New(n.in.vm.Get("Error"), n.in.vm.ToValue(msg))
	if err != nil {
		panic(n.in.vm.NewGoError(err))
	}
	panic(e)
}

func (n *natives) typeError(format string, args ...any) {
	panic(n.in.vm.NewTypeError(fmt.Sprintf(format, args...)))
}

func urlObject(u *whatwg.Url) map[string]any {
	origin := "null"
	if u.IsSpecialScheme() && u.Scheme() != "file" {
		origin = u.Protocol() + "//" + u.Host()
	}
	if u.Scheme() == "blob" { // a blob: URL has the origin of the http(s) URL inside it
		if inner, err := urlParser.Parse(u.Pathname()); err == nil && (inner.Scheme() == "http" || inner.Scheme() == "https") {
			origin = inner.Protocol() + "//" + inner.Host()
		}
	}
	return map[string]any{"href": u.Href(false), "origin": origin, "protocol": u.Protocol(), "username": u.Username(),
		"password": u.Password(), "host": u.Host(), "hostname": u.Hostname(), "port": u.Port(), "pathname": u.Pathname(),
		"search": u.Search(), "hash": u.Hash()}
}

var urlParser = whatwg.NewParser()

func (n *natives) urlParse(input string, base goja.Value) map[string]any {
	var u *whatwg.Url
	var err error
	if base == nil || goja.IsUndefined(base) {
		u, err = urlParser.Parse(input)
	} else {
		u, err = urlParser.ParseRef(base.String(), input)
	}
	if err != nil {
		n.typeError("Invalid URL string.")
	}
	return urlObject(u)
}

func (n *natives) urlSet(href, field, value string) map[string]any {
	u, err := urlParser.Parse(href)
	if err != nil {
		n.typeError("Invalid URL string.")
	}
	switch field {
	case "href":
		if u, err = urlParser.Parse(value); err != nil {
			n.typeError("Invalid URL string.")
		}
	case "protocol":
		u.SetProtocol(value)
	case "username":
		u.SetUsername(value)
	case "password":
		u.SetPassword(value)
	case "host":
		u.SetHost(value)
	case "hostname":
		u.SetHostname(value)
	case "port":
		u.SetPort(value)
	case "pathname":
		u.SetPathname(value)
	case "search":
		u.SetSearch(value)
	case "hash":
		u.SetHash(value)
	}
	return urlObject(u)
}

func (n *natives) utf8Decode(ab goja.ArrayBuffer, fatal, ignoreBOM bool) string {
	b := ab.Bytes()
	if !ignoreBOM {
		b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	}
	if fatal && !utf8.Valid(b) {
		n.typeError("The encoded data was not valid for encoding utf-8")
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func (n *natives) atob(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r' {
			return -1
		}
		return r
	}, s)
	if len(s)%4 == 0 {
		s = strings.TrimSuffix(strings.TrimSuffix(s, "="), "=")
	}
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil || len(s)%4 == 1 {
		panic(n.in.vm.NewGoError(fmt.Errorf("InvalidCharacterError: atob() called with invalid base64-encoded data")))
	}
	// Each byte becomes one UTF-16 code unit (a "binary string").
	runes := make([]rune, len(b))
	for i, c := range b {
		runes[i] = rune(c)
	}
	return string(runes)
}

func (n *natives) btoa(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			panic(n.in.vm.NewGoError(fmt.Errorf("InvalidCharacterError: btoa() can only operate on characters in the Latin1 (ISO/IEC 8859-1) range")))
		}
		b = append(b, byte(r))
	}
	return base64.StdEncoding.EncodeToString(b)
}

func (n *natives) digest(alg string, ab goja.ArrayBuffer) goja.ArrayBuffer {
	var h hash.Hash
	switch strings.ToUpper(strings.ReplaceAll(alg, "-", "")) {
	case "SHA1":
		h = sha1.New()
	case "SHA256":
		h = sha256.New()
	case "SHA384":
		h = sha512.New384()
	case "SHA512":
		h = sha512.New()
	case "MD5":
		h = md5.New()
	default:
		panic(n.in.vm.NewGoError(fmt.Errorf("NotSupportedError: Unrecognized name.")))
	}
	h.Write(ab.Bytes())
	return n.in.vm.NewArrayBuffer(h.Sum(nil))
}

func (n *natives) setTimer(ms float64, fn goja.Callable, repeat bool) int64 {
	n.nextTimer++
	d := time.Duration(max(ms, 0) * float64(time.Millisecond))
	n.in.mu.Lock()
	gen := n.in.gen
	n.in.mu.Unlock()
	n.in.setTimer(gen, n.nextTimer, d, fn, repeat)
	return n.nextTimer
}

// exported is v's Go value; nil for an absent property.
func exported(v goja.Value) any {
	if v == nil {
		return nil
	}
	return v.Export()
}

// request builds a Go request from the prelude's {method, url, headers: [[k, v]], body, redirect}.
func (n *natives) request(init *goja.Object) (*http.Request, string) {
	var body io.Reader
	switch b := exported(init.Get("body")).(type) {
	case []byte: // a Uint8Array, exported without a copy
		body = bytes.NewReader(b)
	case string:
		body = strings.NewReader(b)
	}
	if h := init.Get("bodyHandle"); h != nil && !goja.IsUndefined(h) {
		if rc := n.bodies[h.ToInteger()]; rc != nil {
			delete(n.bodies, h.ToInteger()) // the outgoing request owns it now
			body = rc
		}
	}
	req, err := http.NewRequestWithContext(n.in.ctx, init.Get("method").String(), init.Get("url").String(), body)
	if err != nil {
		n.typeError("fetch: %v", err)
	}
	if _, streamed := body.(io.ReadCloser); streamed {
		req.ContentLength = -1
	}
	headers, err := headerList(init.Get("headers"))
	if err != nil {
		n.typeError("fetch: %v", err)
	}
	for _, kv := range headers {
		if strings.EqualFold(kv[0], "host") {
			req.Host = kv[1]
			continue
		}
		req.Header.Add(kv[0], kv[1])
	}
	redirect := ""
	if v := init.Get("redirect"); v != nil && !goja.IsUndefined(v) {
		redirect = v.String()
	}
	return req, redirect
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

// goResponse is the script's Response for an answer Go received.
func (n *natives) goResponse(res *http.Response, url func(*http.Response) goja.Value) (goja.Value, error) {
	vm := n.in.vm
	statusText := strings.TrimSpace(strings.TrimPrefix(res.Status, strconv.Itoa(res.StatusCode)))
	body, handle := goja.Undefined(), goja.Undefined()
	if whole, ok := res.Body.(*wholeBody); ok {
		body = vm.ToValue(vm.NewArrayBuffer(whole.bytes)) // a service binding's buffered answer: no stream needed
	} else {
		handle = vm.ToValue(n.openBody(res.Body))
	}
	u := goja.Undefined()
	if url != nil {
		u = url(res)
	}
	return n.in.response(goja.Undefined(), vm.ToValue(res.StatusCode), vm.ToValue(statusText), headerBlock(vm, res.Header, ""), body, handle, u)
}

func (n *natives) fetch(init *goja.Object) *goja.Promise {
	req, redirect := n.request(init)
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

func (n *natives) service(binding string, init *goja.Object) *goja.Promise {
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
	req, _ := n.request(init)
	ctx, err := nextHop(context.WithoutCancel(n.in.ctx), "")
	if err != nil {
		n.throw(err.Error())
	}
	asked := init.Get("url") // the answer's url, as in workerd
	url := func(*http.Response) goja.Value { return asked }
	call, err := guarded(func() (serviceCall, error) {
		wk, done, err := disp.ServiceWorker(ctx, target["service"], target["environment"], req)
		return serviceCall{wk, done}, err
	})
	if err != nil {
		return n.async(func() (*http.Response, error) { return nil, err }, url)
	}
	return n.inline(func() (*http.Response, func() (*http.Response, error), error) {
		return call.w.fetchStart(ctx, req)
	}, func() (*http.Response, error) {
		res, err := call.w.Fetch(ctx, req)
		call.done(res, err)
		return res, err
	}, call.done, url)
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
