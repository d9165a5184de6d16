package runtime

import (
	"net/http/httptest"
	"testing"
)

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
				b.Fatal(rec.Code)
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
