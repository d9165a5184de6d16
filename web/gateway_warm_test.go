package web

import (
	"strings"
	"sync"
	"testing"

	"github.com/weft-dev/weft/runtime"
)

// slowScript answers /slow after 200 ms, holding its runtime, so concurrent requests each need one.
const slowScript = `export default { async fetch(req) {
  if (new URL(req.url).pathname === "/slow") await new Promise((r) => setTimeout(r, 200));
  return new Response("%s");
} }`

// burst sends n concurrent slow requests, so the live version ends up holding n runtimes.
func (ts *testServer) burst(t *testing.T, host string, n int) {
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { ts.gatewayGet(t, host, "/slow") })
	}
	wg.Wait()
}

// loadedWorker is the gateway's worker for a version of service/production, or nil if none is loaded.
func (ts *testServer) loadedWorker(t *testing.T, service string, number int) *runtime.Worker {
	t.Helper()
	v, err := ts.store.GetVersion(t.Context(), service, "production", number)
	if err != nil {
		t.Fatal(err)
	}
	ts.gw.mu.Lock()
	defer ts.gw.mu.Unlock()
	if ent := ts.gw.workers[v.ID]; ent != nil {
		return ent.worker.Load()
	}
	return nil
}

func (ts *testServer) upload(t *testing.T, service, body string, deploy bool) {
	t.Helper()
	req := script(strings.Replace(slowScript, "%s", body, 1))
	req["deploy"] = deploy
	if st, out := ts.call(t, "POST", "/services/"+service+"/environments/production/versions", req); st != 201 {
		t.Fatalf("upload: %d %v", st, out)
	}
}

// A deploy to an environment under load starts the new version's runtimes before it goes live, as
// many as the old version held; one to an environment without traffic starts none.
func TestDeployWarmsTheNewVersionOfABusyEnvironment(t *testing.T) {
	ts := newTestServer(t)
	ts.upload(t, "app", "v1", true)
	ts.burst(t, "app.localhost", 4)
	if n := ts.loadedWorker(t, "app", 1).Runtimes(); n != 4 {
		t.Fatalf("v1 holds %d runtimes after 4 concurrent requests", n)
	}
	ts.upload(t, "app", "v2", true)
	v2 := ts.loadedWorker(t, "app", 2)
	if v2 == nil || v2.Runtimes() != 4 {
		t.Fatalf("v2 went live without the 4 runtimes v1 held: %v", v2)
	}
	if ts.loadedWorker(t, "app", 1) != nil {
		t.Fatal("v1 is still loaded after it left the routing table")
	}
	if log := ts.logText("app"); !strings.Contains(log, "warmed before going live: 4 runtimes ready in") || !strings.Contains(log, "for the 4 the environment held") {
		t.Fatalf("no warm-up line in the log:\n%s", log)
	}
	// The warm runtimes serve: the same burst starts no more.
	ts.burst(t, "app.localhost", 4)
	if n := v2.Runtimes(); n != 4 {
		t.Fatalf("v2 holds %d runtimes after a burst of 4", n)
	}

	ts.upload(t, "quiet", "v1", true)
	ts.upload(t, "quiet", "v2", true)
	if ts.loadedWorker(t, "quiet", 2) != nil {
		t.Fatal("a deploy to an environment that had no traffic started a runtime")
	}
}

// A version given part of a busy environment's traffic starts that part of its runtimes.
func TestGradualDeploymentWarmsItsShare(t *testing.T) {
	ts := newTestServer(t)
	ts.upload(t, "app", "v1", true)
	ts.burst(t, "app.localhost", 4)
	ts.upload(t, "app", "v2", false)
	if st, out := ts.call(t, "POST", "/services/app/environments/production/deployments",
		map[string]any{"versions": []map[string]int{{"version": 1, "percentage": 50}, {"version": 2, "percentage": 50}}}); st != 201 {
		t.Fatalf("split: %d %v", st, out)
	}
	if v2 := ts.loadedWorker(t, "app", 2); v2 == nil || v2.Runtimes() != 2 {
		t.Fatalf("v2 with half the traffic of 4 runtimes: %v", v2)
	}
	if n := ts.loadedWorker(t, "app", 1).Runtimes(); n != 4 {
		t.Fatalf("v1, still live, holds %d runtimes", n)
	}
}

// logText is an environment's recent log, one line per entry.
func (ts *testServer) logText(service string) string {
	var b strings.Builder
	for _, e := range ts.gw.cfg.Logs.Recent(service, "production", 100) {
		b.WriteString(e.Level + " " + e.Message + "\n")
	}
	return b.String()
}
