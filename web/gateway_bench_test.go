package web

import (
	"net/http/httptest"
	"testing"

	"github.com/weft-dev/weft/models"
)

// The gateway's whole path without the network: host routing, version pick, the worker, the log
// line. weftbench measures the same scenarios over HTTP against workerd.

func BenchmarkGatewayHello(b *testing.B) {
	ts := newTestServer(b)
	deployBench(b, ts, "hello", `export default { fetch() { return new Response("Hello world!") } }`, nil)
	serveBench(b, ts, "hello.localhost", "Hello world!")
}

// BenchmarkGatewayChain3 is weftbench's chain: a → b → c → d through three service bindings.
func BenchmarkGatewayChain3(b *testing.B) {
	ts := newTestServer(b)
	deployBench(b, ts, "d", `export default { fetch() { return new Response("end of chain") } }`, nil)
	for _, hop := range [][2]string{{"c", "d"}, {"b", "c"}, {"a", "b"}} {
		deployBench(b, ts, hop[0], `export default { fetch(request, env) { return env.NEXT.fetch(request) } }`,
			[]models.Binding{{Name: "NEXT", Type: models.BindingService, Service: hop[1]}})
	}
	serveBench(b, ts, "a.localhost", "end of chain")
}

func deployBench(b *testing.B, ts *testServer, service, code string, bindings []models.Binding) {
	body := script(code)
	body["settings"] = models.Settings{Bindings: bindings}
	if st, out := ts.call(b, "POST", "/services/"+service+"/environments/production/versions", body); st != 201 {
		b.Fatalf("deploy %s: %d %v", service, st, out)
	}
}

func serveBench(b *testing.B, ts *testServer, host, want string) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("GET", "http://"+host+"/", nil)
			ts.gw.ServeHTTP(rec, req)
			if rec.Code != 200 || rec.Body.String() != want {
				b.Fatalf("%d %q", rec.Code, rec.Body.String())
			}
		}
	})
}
