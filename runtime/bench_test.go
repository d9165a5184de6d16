package runtime

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/weft-dev/weft/models"
)

// BenchmarkJSONAPI builds and serialises 2,000 objects per request, as weftbench's json scenario.
func BenchmarkJSONAPI(b *testing.B) {
	e := newTestEngine()
	w := e.load(b, "json", `export default { fetch() {
  const items = [];
  for (let i = 0; i < 2000; i++) items.push({ id: i, name: "item " + i, tags: ["a", "b"], price: i * 1.5, active: i % 2 === 0 });
  return new Response(JSON.stringify({ count: items.length, items }), { headers: { "content-type": "application/json" } });
} }`, func(s *WorkerSpec) { s.CPULimit = time.Minute })
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		w.ServeHTTP(rec, httptest.NewRequest("GET", "http://json.localhost/", nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkGojaJSONFloor is the JSON scenario's loop in a bare goja runtime, with none of Weft's
// code: the least any goja-based server can spend on it. "build" only makes the 2,000 objects;
// "goja-stringify" adds goja's own JSON.stringify, and "weft-stringify" Weft's (json.go) instead.
func BenchmarkGojaJSONFloor(b *testing.B) {
	const build = `const items = []; for (let i = 0; i < 2000; i++) items.push({ id: i, name: "item " + i, tags: ["a", "b"], price: i * 1.5, active: i % 2 === 0 });`
	const stringify = `(function () { ` + build + ` return JSON.stringify({ count: items.length, items }).length })`
	for _, c := range []struct {
		name, src string
		ours      bool
	}{
		{"build", `(function () { ` + build + ` return items.length })`, false},
		{"goja-stringify", stringify, false},
		{"weft-stringify", stringify, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			vm := goja.New()
			if c.ours {
				installJSONStringify(vm, func() bool { return false })
			}
			v, err := vm.RunString(c.src)
			if err != nil {
				b.Fatal(err)
			}
			fn, _ := goja.AssertFunction(v)
			b.ReportAllocs()
			for b.Loop() {
				if n, err := fn(goja.Undefined()); err != nil || n.ToInteger() < 2000 {
					b.Fatal(n, err)
				}
			}
		})
	}
}

// BenchmarkGojaChainFloor is the chain scenario's JavaScript in bare goja runtimes, with none of
// Weft's code: each hop's async fetch hands a request object to a Go function that runs the next
// runtime's fetch and settles a promise with its response object. "hello" is the last hop alone and
// "chain3" the four runtimes; what chain3 costs beyond hello is the least three hops cost on goja.
func BenchmarkGojaChainFloor(b *testing.B) {
	// hop is a runtime's fetch run to its settled answer, as a Go function of the request's fields.
	type hop func(method, url string) (status int64, body string)
	newHop := func(next hop) hop {
		vm := goja.New()
		src := `(async function fetch(request) { return { status: 200, body: "end" } })`
		if next != nil {
			src = `(async function fetch(request) { return next({ method: request.method, url: request.url }) })`
			vm.Set("next", func(c goja.FunctionCall) goja.Value {
				req := c.Argument(0).ToObject(vm)
				status, body := next(req.Get("method").String(), req.Get("url").String())
				res := vm.NewObject()
				res.Set("status", status)
				res.Set("body", body)
				p, resolve, _ := vm.NewPromise()
				resolve(res)
				return vm.ToValue(p)
			})
		}
		v, err := vm.RunString(src)
		if err != nil {
			b.Fatal(err)
		}
		fetch, _ := goja.AssertFunction(v)
		return func(method, url string) (int64, string) {
			req := vm.NewObject()
			req.Set("method", method)
			req.Set("url", url)
			v, err := fetch(goja.Undefined(), req)
			if err != nil {
				b.Fatal(err)
			}
			p := v.Export().(*goja.Promise)
			if p.State() != goja.PromiseStateFulfilled {
				b.Fatal("the answer did not settle in its turn")
			}
			res := p.Result().ToObject(vm)
			return res.Get("status").ToInteger(), res.Get("body").String()
		}
	}
	for _, c := range []struct {
		name string
		hops int
	}{{"hello", 0}, {"chain3", 3}} {
		b.Run(c.name, func(b *testing.B) {
			entry := newHop(nil)
			for range c.hops {
				entry = newHop(entry)
			}
			b.ReportAllocs()
			for b.Loop() {
				if status, body := entry("GET", "http://a/"); status != 200 || body != "end" {
					b.Fatal(status, body)
				}
			}
		})
	}
}

// BenchmarkRouter is hello world behind the usual first line of a router, new URL(request.url).
func BenchmarkRouter(b *testing.B) {
	e := newTestEngine()
	w := e.load(b, "router", `export default { fetch(request) {
  const url = new URL(request.url);
  return url.pathname === "/" ? new Response("Hello world") : new Response("Not found", { status: 404 });
} }`, nil)
	serveEach(b, w, "http://router.localhost/")
}

// serveEach answers one GET of url per iteration, each of which must be a 200.
func serveEach(b *testing.B, w *Worker, url string) {
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		w.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkHelloAsync is hello world from an async handler, the usual shape of a fetch handler.
func BenchmarkHelloAsync(b *testing.B) {
	e := newTestEngine()
	w := e.load(b, "hello", `export default { async fetch() { return new Response("Hello world") } }`, nil)
	serveEach(b, w, "http://hello.localhost/")
}

// BenchmarkHello is the gateway's hot path without the network: a pooled runtime serves a request.
func BenchmarkHello(b *testing.B) {
	e := newTestEngine()
	w := e.load(b, "hello", `export default { fetch() { return new Response("Hello world") } }`, nil)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			w.ServeHTTP(rec, httptest.NewRequest("GET", "http://hello.localhost/", nil))
			if rec.Code != 200 {
				b.Fatal(rec.Code, rec.Body.String())
			}
		}
	})
}

// BenchmarkServiceBinding measures one in-process hop through a service binding.
func BenchmarkServiceBinding(b *testing.B) {
	e := newTestEngine()
	e.load(b, "inner", `export default { fetch() { return new Response("inner") } }`, nil)
	w := e.load(b, "outer", `export default { fetch(req, env) { return env.INNER.fetch(req) } }`, func(s *WorkerSpec) {
		s.Bindings = []Binding{{Name: "INNER", Type: "service", Target: map[string]string{"service": "inner"}}}
	})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if r := get(w, "http://outer.localhost/"); r.body != "inner" {
			b.Fatal(r.status, r.body)
		}
	}
}

// BenchmarkColdStart is a new runtime for an already-compiled 1 KiB bundle: the first request after a deploy.
func BenchmarkColdStart(b *testing.B) {
	e := newTestEngine()
	w := e.load(b, "cold", `export default { fetch() { return new Response("x") } }`, nil)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := w.newInstance(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild bundles a small TypeScript project in memory, as every upload does.
func BenchmarkBuild(b *testing.B) {
	mods := []Module{
		{Name: "src/index.ts", Content: `import { greet } from "./greet"; export default { fetch(): Response { return new Response(greet("w")) } };`},
		{Name: "src/greet.ts", Content: `export function greet(n: string): string { return "hello " + n; }`},
	}
	for i := 0; i < b.N; i++ {
		if _, err := Build(mods, "src/index.ts"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild1MiB bundles 1 MiB of code, the size weftbench's large deploys use.
func BenchmarkBuild1MiB(b *testing.B) {
	var src strings.Builder
	for i := 0; src.Len() < 1<<20; i++ {
		fmt.Fprintf(&src, "function f%d(a, b) { const o = { x: a + %d, y: [b, a] }; return o.x > 3 ? o.y.map((v) => v * 2) : `s${a}`; }\n", i, i)
	}
	src.WriteString("export default { fetch() { return new Response(String(f1(1, 2))) } }\n")
	mods := []Module{{Name: "index.js", Content: src.String()}}
	for b.Loop() {
		if _, err := Build(mods, "index.js"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKVGet is a Worker reading a 1 KiB KV value: one request, one get.
func BenchmarkKVGet(b *testing.B) {
	e := newStoreEngine(b)
	ctx := context.Background()
	e.store.CreateKVNamespace(ctx, models.Actor{Name: "bench"}, "bench")
	e.store.KVPut(ctx, "bench", "key", bytes.Repeat([]byte("x"), 1024), "", 0)
	w := e.load(b, "kv", `export default { async fetch(req, env) { return new Response(await env.KV.get("key")) } }`, func(s *WorkerSpec) {
		s.Bindings = []Binding{{Name: "KV", Type: "kv_namespace", Target: map[string]string{"namespace_id": "bench"}}}
	})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if r := get(w, "http://kv.localhost/"); len(r.body) != 1024 {
			b.Fatal(r.status, r.body)
		}
	}
}

// BenchmarkKVStoreGet and BenchmarkKVStorePut are the store alone: the operations a KV binding makes.
func BenchmarkKVStoreGet(b *testing.B) {
	e := newStoreEngine(b)
	ctx := context.Background()
	e.store.CreateKVNamespace(ctx, models.Actor{Name: "bench"}, "bench")
	e.store.KVPut(ctx, "bench", "key", bytes.Repeat([]byte("x"), 1024), "", 0)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if v, _, ok, err := e.store.KVGet(ctx, "bench", "key"); err != nil || !ok || len(v) != 1024 {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkKVStorePut(b *testing.B) {
	e := newStoreEngine(b)
	ctx := context.Background()
	e.store.CreateKVNamespace(ctx, models.Actor{Name: "bench"}, "bench")
	value := bytes.Repeat([]byte("x"), 1024)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := e.store.KVPut(ctx, "bench", "key"+strconv.Itoa(i%1000), value, "", 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServiceChain3 is a request through three service-binding hops (a → b → c → d), to compare
// with BenchmarkHello: what each in-process hop costs.
func BenchmarkServiceChain3(b *testing.B) {
	e := newTestEngine()
	e.load(b, "d", `export default { fetch() { return new Response("end") } }`, nil)
	for _, pair := range [][2]string{{"c", "d"}, {"b", "c"}, {"a", "b"}} {
		next := pair[1]
		e.load(b, pair[0], `export default { fetch(req, env) { return env.NEXT.fetch(req) } }`, func(s *WorkerSpec) {
			s.Bindings = []Binding{{Name: "NEXT", Type: "service", Target: map[string]string{"service": next}}}
		})
	}
	e.services.mu.Lock()
	w := e.services.workers["a"]
	e.services.mu.Unlock()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if r := get(w, "http://a/"); r.body != "end" {
				b.Fatal(r.status, r.body)
			}
		}
	})
}

// BenchmarkDurableObjectIncrement is one counter increment through a stub (storage get + put).
func BenchmarkDurableObjectIncrement(b *testing.B) {
	e := newStoreEngine(b)
	w := e.load(b, "svc/production", `export class C { constructor(s) { this.s = s } async fetch() { const n = ((await this.s.storage.get("n")) || 0) + 1; await this.s.storage.put("n", n); return new Response(String(n)) } }
export default { fetch(req, env) { return env.C.getByName("x").fetch(req) } }`, func(s *WorkerSpec) {
		s.Namespace = "svc/production"
		s.Bindings = []Binding{{Name: "C", Type: "durable_object_namespace", Target: map[string]string{"class_name": "C"}}}
	})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if r := get(w, "http://x/"); r.status != 200 {
			b.Fatal(r.status, r.body)
		}
	}
}

// BenchmarkHTMLRewriter rewrites the links of a 100 KiB page.
func BenchmarkHTMLRewriter(b *testing.B) {
	e := newTestEngine()
	w := e.load(b, "hr", `const row = '<li><a href="http://old.example/p">item</a> <span class="n">text</span></li>';
const page = "<html><body><ul>" + row.repeat(Math.ceil(100 * 1024 / row.length)) + "</ul></body></html>";
export default { fetch() {
  return new HTMLRewriter().on("a[href]", { element(e) { e.setAttribute("href", e.getAttribute("href").replace("http:", "https:")) } })
    .transform(new Response(page, { headers: { "content-type": "text/html" } }));
} }`, func(s *WorkerSpec) { s.CPULimit = 10 * time.Second })
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if r := get(w, "http://hr/"); r.status != 200 || !strings.Contains(r.body, "https://old.example") {
			b.Fatal(r.status, len(r.body))
		}
	}
}
