// Command floor is the floor under weftbench's hello scenario: Go's net/http answering "Hello
// world!" with no Weft code. On /go the answer comes from Go; on /goja from one call per request
// into a pooled goja runtime, whose handler gets a request object and builds a response object, the
// least any goja-based Workers runtime does. Weft cannot serve hello faster than these do.
//
//	floor 127.0.0.1:PORT
package main

import (
	"fmt"
	"net/http"
	"os"
	"sync"

	"github.com/dop251/goja"
)

const hello = "Hello world!"

// handlerSrc is the whole script: a Response that holds a body and a status, and a fetch handler.
const handlerSrc = `(function () {
  class Response {
    constructor(body, init) { this.body = body; this.status = (init && init.status) || 200; }
  }
  return function fetch(request) { return new Response("` + hello + `"); };
})()`

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: floor ADDR")
		os.Exit(2)
	}
	handler, err := newHandler()
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	if err := http.ListenAndServe(os.Args[1], handler); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func newHandler() (http.Handler, error) {
	prog, err := goja.Compile("floor.js", handlerSrc, true)
	if err != nil {
		return nil, err
	}
	// A runtime serves one request at a time; the pool keeps about one per busy connection.
	runtimes := sync.Pool{New: func() any {
		vm := goja.New()
		v, err := vm.RunProgram(prog)
		if err != nil {
			panic(err)
		}
		fetch, _ := goja.AssertFunction(v)
		return &runtime{vm, fetch}
	}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /go", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		w.Write([]byte(hello))
	})
	mux.HandleFunc("GET /goja", func(w http.ResponseWriter, r *http.Request) {
		rt := runtimes.Get().(*runtime)
		defer runtimes.Put(rt)
		status, body, err := rt.serve(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		w.WriteHeader(status)
		w.Write([]byte(body))
	})
	return mux, nil
}

type runtime struct {
	vm    *goja.Runtime
	fetch goja.Callable
}

// serve passes the script the request's method and URL and reads back its response's status and body.
func (rt *runtime) serve(r *http.Request) (int, string, error) {
	req := rt.vm.NewObject()
	req.Set("method", r.Method)
	req.Set("url", "http://"+r.Host+r.URL.RequestURI())
	v, err := rt.fetch(goja.Undefined(), req)
	if err != nil {
		return 0, "", err
	}
	res := v.ToObject(rt.vm)
	return int(res.Get("status").ToInteger()), res.Get("body").String(), nil
}
