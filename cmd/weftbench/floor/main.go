// Command floor is the floor under weftbench's hello and chain scenarios: Go's net/http serving
// their answers with no Weft code. On /go, "Hello world!" comes from Go. On /goja it comes from one
// call per request into a pooled goja runtime, whose fetch gets a request object and builds a
// response object: the least any goja-based Workers runtime does. On /goja-chain four runtimes
// answer "end of chain" as the chain scenario's do: each one's async fetch passes the request to a
// Go function that runs the next one's and settles a promise with its response. Weft cannot serve
// either scenario faster than this does.
//
//	floor 127.0.0.1:PORT
package main

import (
	"fmt"
	"net/http"
	"os"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/dop251/goja"
)

// answerSrc answers with a Response holding BODY, as the hello scenario's script does; the chain's
// last hop does the same from an async fetch.
const answerSrc = `(function () {
  class Response {
    constructor(body, init) { this.body = body; this.status = (init && init.status) || 200; }
  }
  return FUNCTION fetch(request) { return new Response(BODY); };
})()`

// hopSrc passes the request on, as the chain scenario's script does with env.NEXT.fetch.
const hopSrc = `(async function fetch(request) { return next({ method: request.method, url: request.url }); })`

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: floor ADDR")
		os.Exit(2)
	}
	if os.Getenv("GOGC") == "" {
		// The collector gets the headroom weft serve's tuner gives itself (128 MiB above a live heap
		// that here stays a few MiB), so the floor is not slowed by collections Weft does not make.
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(144 << 20)
	}
	if err := http.ListenAndServe(os.Args[1], newHandler()); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func newHandler() http.Handler {
	// A pooled entry serves one request at a time; the pools keep about one per busy connection.
	hello := sync.Pool{New: func() any { return newHop(false, "Hello world!", nil) }}
	chain := sync.Pool{New: func() any {
		h := newHop(true, "end of chain", nil)
		for range 3 {
			h = newHop(true, "", h)
		}
		return h
	}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /go", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		w.Write([]byte("Hello world!"))
	})
	serve := func(pool *sync.Pool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			h := pool.Get().(*hop)
			defer pool.Put(h)
			status, body, err := h.fetch(r.Method, "http://"+r.Host+r.URL.RequestURI())
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
			w.WriteHeader(int(status))
			w.Write([]byte(body))
		}
	}
	mux.HandleFunc("GET /goja", serve(&hello))
	mux.HandleFunc("GET /goja-chain", serve(&chain))
	return mux
}

// hop is one runtime's fetch: it answers with body, or passes the request to next.
type hop struct {
	vm      *goja.Runtime
	handler goja.Callable
}

func newHop(async bool, body string, next *hop) *hop {
	h := &hop{vm: goja.New()}
	src := hopSrc
	if next == nil {
		h.vm.Set("BODY", body)
		fn := "function"
		if async {
			fn = "async function"
		}
		src = strings.Replace(answerSrc, "FUNCTION", fn, 1)
	} else {
		h.vm.Set("next", func(c goja.FunctionCall) goja.Value {
			req := c.Argument(0).ToObject(h.vm)
			res := h.vm.NewObject()
			p, resolve, reject := h.vm.NewPromise()
			if status, body, err := next.fetch(req.Get("method").String(), req.Get("url").String()); err != nil {
				reject(err)
			} else {
				res.Set("status", status)
				res.Set("body", body)
				resolve(res)
			}
			return h.vm.ToValue(p)
		})
	}
	v, err := h.vm.RunString(src)
	if err != nil {
		panic(err) // the scripts above are fixed
	}
	h.handler, _ = goja.AssertFunction(v)
	return h
}

var promiseType = reflect.TypeFor[*goja.Promise]()

// fetch runs the handler with a request object and reads its settled response's status and body.
func (h *hop) fetch(method, url string) (int64, string, error) {
	req := h.vm.NewObject()
	req.Set("method", method)
	req.Set("url", url)
	v, err := h.handler(goja.Undefined(), req)
	if err != nil {
		return 0, "", err
	}
	if o, ok := v.(*goja.Object); ok && o.ExportType() == promiseType { // Export would copy a plain object
		p := o.Export().(*goja.Promise)
		if p.State() != goja.PromiseStateFulfilled {
			return 0, "", fmt.Errorf("fetch did not answer in its turn")
		}
		v = p.Result()
	}
	res := v.ToObject(h.vm)
	return res.Get("status").ToInteger(), res.Get("body").String(), nil
}
