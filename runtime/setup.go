package runtime

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dop251/goja"
)

//go:embed prelude/*.js
var preludeFS embed.FS

// prelude is the Web APIs written in JavaScript, compiled once for every runtime.
var prelude = sync.OnceValues(func() (*goja.Program, error) {
	entries, err := preludeFS.ReadDir("prelude")
	if err != nil {
		return nil, err
	}
	var src strings.Builder
	for _, e := range entries { // files are numbered so that order is explicit
		b, err := preludeFS.ReadFile("prelude/" + e.Name())
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&src, "\n// --- %s\n%s", e.Name(), b)
	}
	return goja.Compile("weft:prelude.js", "(function(__weft){\n"+src.String()+"\n})", true)
})

// newInstance builds a runtime: Web APIs, env, then the worker's own top-level code.
func (w *Worker) newInstance() (*instance, error) {
	pre, err := prelude()
	if err != nil {
		return nil, fmt.Errorf("runtime: prelude: %w", err)
	}
	vm := goja.New()
	vm.SetMaxCallStackSize(w.spec.StackDepth)
	vm.SetFieldNameMapper(goja.UncapFieldNameMapper())
	in := &instance{w: w, vm: vm, wake: make(chan struct{}, 1)}
	in.watch.in = in
	installJSONStringify(vm, func() bool { return in.stopped.Load() != nil })
	in.natives = &natives{in: in, bodies: map[int64]io.ReadCloser{}, pipes: map[int64]*io.PipeWriter{}, html: map[int64]*htmlSession{}, keys: map[int]*cryptoKey{}, codecs: map[int]*codec{}}
	in.begin(context.Background(), startupCPULimit)
	err = in.runJS(func() error {
		fn, err := vm.RunProgram(pre)
		if err != nil {
			return err
		}
		install, _ := goja.AssertFunction(fn)
		if _, err := install(goja.Undefined(), in.natives.object(vm)); err != nil {
			return err
		}
		setup, _ := goja.AssertFunction(vm.Get("__weft_setup"))
		api, err := setup(goja.Undefined(), vm.ToValue(w.spec.Bundle.Format), w.envValue(vm))
		if err != nil {
			return err
		}
		obj := api.ToObject(vm)
		in.handle, _ = goja.AssertFunction(obj.Get("handle"))
		in.settle, _ = goja.AssertFunction(obj.Get("settle"))
		in.durable, _ = goja.AssertFunction(obj.Get("durable"))
		in.response, _ = goja.AssertFunction(obj.Get("response"))
		in.exportLater, _ = goja.AssertFunction(obj.Get("exportLater"))
		in.api = obj
		if _, err := vm.RunProgram(w.program); err != nil {
			return in.asJSError(err)
		}
		check, _ := goja.AssertFunction(obj.Get("check"))
		if _, err := check(goja.Undefined()); err != nil {
			return in.asJSError(err)
		}
		return nil
	})
	in.end()
	if err != nil {
		return nil, fmt.Errorf("%s failed to start: %w", w.spec.Label, startError(err))
	}
	return in, nil
}

func startError(err error) error {
	if je, ok := err.(*jsError); ok {
		return fmt.Errorf("%s", je.stack)
	}
	return err
}

// envValue describes env for the prelude: variables, secrets and bindings.
func (w *Worker) envValue(vm *goja.Runtime) goja.Value {
	vars := make([]map[string]any, 0, len(w.spec.Vars)+len(w.spec.Secrets))
	for _, v := range w.spec.Vars {
		vars = append(vars, map[string]any{"name": v.Name, "json": v.JSON, "value": v.Value})
	}
	names := make([]string, 0, len(w.spec.Secrets))
	for n := range w.spec.Secrets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		vars = append(vars, map[string]any{"name": n, "json": false, "value": w.spec.Secrets[n]})
	}
	bindings := make([]map[string]any, 0, len(w.spec.Bindings))
	for _, b := range w.spec.Bindings {
		bindings = append(bindings, map[string]any{"name": b.Name, "type": b.Type})
	}
	v := w.spec.Version
	version := map[string]any{"id": v.ID, "tag": v.Tag, "timestamp": ""}
	if !v.Timestamp.IsZero() {
		version["timestamp"] = v.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return vm.ToValue(map[string]any{"vars": vars, "bindings": bindings, "version": version})
}

// requestArgs are the incoming request as the prelude's handlers take it, passed as arguments rather
// than an object whose every field goja would convert on each read: method, URL, the flat header
// list, cf, and the body — bytes read already (an ArrayBuffer), or a handle to a Go body the script
// reads as a stream.
func (in *instance) requestArgs(r *http.Request, body []byte, stream io.ReadCloser) []goja.Value {
	vm := in.vm
	in.cfText = in.w.engine.appendRequestCF(in.cfText[:0], r)
	var url, headers goja.Value
	if sent := sentFormOf(r); sent != nil {
		url = vm.ToValue(sent.url)
		if sent.headers != "" {
			headers = vm.ToValue(sent.headers)
		}
	} else {
		url = vm.ToValue(requestURL(r))
	}
	if headers == nil {
		headers = headerBlock(vm, r.Header, r.Host)
	}
	args := []goja.Value{in.method.of(vm, r.Method), url, headers, in.cf.ofBytes(vm, in.cfText), goja.Undefined(), goja.Undefined()}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if stream != nil {
			args[5] = vm.ToValue(in.natives.openBody(stream))
		} else if body != nil {
			args[4] = vm.ToValue(vm.NewArrayBuffer(body))
		}
	}
	return args
}

// lastString is the string a runtime was last given for an argument whose value repeats request
// after request (the method, request.cf), with its goja value: making a goja value of a string
// allocates, and so does making the string of request.cf's bytes.
type lastString struct {
	s string
	v goja.Value
}

func (c *lastString) of(vm *goja.Runtime, s string) goja.Value {
	if c.v == nil || c.s != s {
		c.s, c.v = s, vm.ToValue(s)
	}
	return c.v
}

func (c *lastString) ofBytes(vm *goja.Runtime, b []byte) goja.Value {
	if c.v == nil || c.s != string(b) { // compared without a copy
		return c.of(vm, string(b))
	}
	return c.v
}

// respond keeps the response the prelude's exportResponse hands over, __weft.respond(status,
// statusText, headers, contentType, body, bodyHandle, read, cancel), until takeResponse takes it: a
// runtime answers one request or Durable Object event at a time, so one is ever pending. Its body is
// bytes or a string (body), a Go body passed through whole (bodyHandle), or the script's stream
// (read, cancel).
func (n *natives) respond(c goja.FunctionCall) goja.Value {
	n.responded, n.respondErr = n.in.responseOf(c.Arguments)
	return goja.Undefined()
}

// takeResponse takes the response handed over by the run that settled the handler's answer.
func (in *instance) takeResponse() (*response, error) {
	res, err := in.natives.responded, in.natives.respondErr
	in.natives.responded, in.natives.respondErr = nil, nil
	if res == nil && err == nil {
		return nil, errors.New("runtime: the handler's answer was settled but no response was handed over")
	}
	return res, err
}

// responseOf reads the response from __weft.respond's arguments.
func (in *instance) responseOf(args []goja.Value) (*response, error) {
	arg := func(i int) goja.Value {
		if i < len(args) && !goja.IsUndefined(args[i]) && !goja.IsNull(args[i]) {
			return args[i]
		}
		return nil
	}
	if len(args) < 2 {
		return nil, errors.New("runtime: response without a status")
	}
	res := &response{status: int(args[0].ToInteger()), statusText: args[1].String()}
	if h := arg(2); h != nil {
		headers, err := headerList(h)
		if err != nil {
			return nil, fmt.Errorf("runtime: response %w", err)
		}
		res.headers = headers
	} else if ct := arg(3); ct != nil {
		if ct := ct.String(); ct == textPlain {
			res.headers = textPlainHeaders
		} else {
			res.headers = [][2]string{{"content-type", ct}}
		}
	}
	if h := arg(5); h != nil {
		if rc := in.natives.bodies[h.ToInteger()]; rc != nil {
			delete(in.natives.bodies, h.ToInteger())
			res.stream = rc
		}
		return res, nil
	}
	if read, ok := goja.AssertFunction(arg(6)); ok {
		cancel, _ := goja.AssertFunction(arg(7))
		res.script = &scriptStream{w: in.w, in: in, read: read, cancel: cancel}
		return res, nil
	}
	if b := arg(4); b != nil {
		if text, ok := b.(goja.String); ok { // a body the script gave as a string, encoded as TextEncoder would
			if res.text = text.String(); res.text == "" {
				res.body = []byte{}
			}
			return res, nil
		}
		body, ok := b.Export().([]byte) // a Uint8Array, exported without a copy
		if !ok {
			return nil, fmt.Errorf("runtime: response body is %T", b.Export())
		}
		res.body = body
	}
	return res, nil
}

// textPlain is the content type of a string body; its header list is shared by every response that
// has no other header, and never changed.
const textPlain = "text/plain;charset=UTF-8"

var textPlainHeaders = [][2]string{{"content-type", textPlain}}

// headerBlock is the header list the prelude builds Headers from: "name\0value\0name\0value…",
// lowercase names, one string the script splits only if it reads the headers (most pass them on
// untouched, or never look). A non-empty host comes first, as the Host header Go keeps apart. A value
// holding a NUL (no HTTP parser lets one through) makes it the flat [name, value, …] array instead.
func headerBlock(vm *goja.Runtime, h http.Header, host string) goja.Value {
	size := 0
	if host != "" {
		size = len("host") + len(host) + 2
	}
	for k, vs := range h {
		for _, v := range vs {
			if strings.IndexByte(v, 0) >= 0 {
				return headerArray(vm, h, host)
			}
			size += len(k) + len(v) + 2
		}
	}
	var b strings.Builder
	b.Grow(size)
	if host != "" {
		addToBlock(&b, "host", host)
	}
	for k, vs := range h {
		for _, v := range vs {
			addToBlock(&b, k, v)
		}
	}
	return vm.ToValue(b.String())
}

// listBlock is headerBlock of a header list, such as an in-process callee's response has.
func listBlock(vm *goja.Runtime, list [][2]string) goja.Value {
	size := 0
	for _, kv := range list {
		if strings.IndexByte(kv[1], 0) >= 0 {
			h := make(http.Header, len(list))
			for _, kv := range list {
				addHeader(h, kv[0], kv[1])
			}
			return headerArray(vm, h, "")
		}
		size += len(kv[0]) + len(kv[1]) + 2
	}
	var b strings.Builder
	b.Grow(size)
	for _, kv := range list {
		addToBlock(&b, kv[0], kv[1])
	}
	return vm.ToValue(b.String())
}

// addToBlock appends a header to a block, its name lowercased.
func addToBlock(b *strings.Builder, name, value string) {
	if b.Len() > 0 {
		b.WriteByte(0)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	b.WriteByte(0)
	b.WriteString(value)
}

// headerArray is the header list as a JavaScript array [name, value, …].
func headerArray(vm *goja.Runtime, h http.Header, host string) *goja.Object {
	list := make([]any, 0, 2*len(h)+2)
	if host != "" {
		list = append(list, "host", host)
	}
	for k, vs := range h {
		name := strings.ToLower(k)
		for _, v := range vs {
			list = append(list, name, v)
		}
	}
	return vm.NewArray(list...)
}

// headerList reads a header list the prelude hands Go: a block from headerBlock passed back
// untouched, or a flat [name, value, …] array, read element by element (exporting it would box each
// string, and ExportTo's reflection cost a tenth of a service-binding hop).
func headerList(v goja.Value) ([][2]string, error) {
	obj, ok := v.(*goja.Object)
	if !ok {
		block := v.String()
		if block == "" {
			return nil, nil
		}
		seps := strings.Count(block, "\x00")
		if seps%2 != 1 {
			return nil, fmt.Errorf("headers: want names and values")
		}
		out := make([][2]string, 0, (seps+1)/2)
		for len(out) < cap(out) { // cut in place: the pairs share the block's bytes
			name, rest, _ := strings.Cut(block, "\x00")
			value, next, _ := strings.Cut(rest, "\x00")
			out, block = append(out, [2]string{name, value}), next
		}
		return out, nil
	}
	n := obj.Get("length")
	if n == nil || n.ToInteger()%2 != 0 {
		return nil, fmt.Errorf("headers: want a flat list of names and values")
	}
	out := make([][2]string, n.ToInteger()/2)
	for i := range out {
		name, value := obj.Get(strconv.Itoa(2*i)), obj.Get(strconv.Itoa(2*i+1))
		if !isString(name) || !isString(value) {
			return nil, fmt.Errorf("headers: pair %d is not two strings", i)
		}
		out[i] = [2]string{name.String(), value.String()}
	}
	return out, nil
}

func isString(v goja.Value) bool {
	_, ok := v.(goja.String)
	return ok
}
