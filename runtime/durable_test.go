package runtime

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const counterScript = `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async fetch(request) {
    let n = (await this.ctx.storage.get("n")) || 0;
    await new Promise((r) => setTimeout(r, 1)); // a real await between read and write
    n++;
    await this.ctx.storage.put("n", n);
    return new Response(String(n));
  }
  async add(by, note) { const n = ((await this.ctx.storage.get("n")) || 0) + by; await this.ctx.storage.put("n", n); return { n, note, at: new Date(0), tags: new Set(["a"]) }; }
  async types() {
    const s = this.ctx.storage;
    await s.put({ date: new Date(5), map: new Map([["k", 1n]]), bytes: new Uint8Array([1, 2, 3]), nested: { $weird: [undefined, NaN] } });
    const got = await s.get(["date", "map", "bytes", "nested", "missing"]);
    return [got.get("date") instanceof Date, got.get("map").get("k") === 1n, got.get("bytes")[2], got.get("nested").$weird[0] === undefined,
      Number.isNaN(got.get("nested").$weird[1]), got.has("missing"), got.size];
  }
  async listing() {
    const s = this.ctx.storage;
    await s.deleteAll();
    for (const k of ["a1", "a2", "a3", "b1", "b2"]) await s.put(k, k.toUpperCase());
    const keys = async (o) => [...(await s.list(o)).keys()].join(",");
    const out = { all: await keys(), prefix: await keys({ prefix: "a" }), range: await keys({ start: "a2", end: "b2" }),
      after: await keys({ startAfter: "a3" }), rev: await keys({ reverse: true, limit: 2 }),
      deleted: await s.delete(["a1", "zz"]), one: await s.delete("a2"), tx: await s.transaction(async (t) => { await t.put("t", 1); return t.get("t"); }) };
    await s.deleteAll();
    out.after_all = (await s.list()).size;
    return out;
  }
  async callSelf() { return this.env.COUNTER.get(this.ctx.id).add(1); }
  async alarm(info) {
    const runs = ((await this.ctx.storage.get("alarms")) || 0) + 1;
    await this.ctx.storage.put("alarms", runs);
    if (runs < 2) throw new Error("first alarm fails");
  }
  async later() {
    this.ctx.waitUntil(new Promise((r) => setTimeout(r, 30)).then(() => this.ctx.storage.put("later", "done")));
    return "answered first";
  }
  async fetchLater() { return (await this.ctx.storage.get("later")) || "not yet"; }
  async arm() { await this.ctx.storage.setAlarm(Date.now() + 50); return this.ctx.storage.getAlarm(); }
  async alarmRuns() { return (await this.ctx.storage.get("alarms")) || 0; }
}
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const stub = env.COUNTER.getByName(url.searchParams.get("name") || "main");
    const rpc = url.searchParams.get("rpc");
    if (rpc) return Response.json(await stub[rpc](...JSON.parse(url.searchParams.get("args") || "[]")));
    return stub.fetch(request);
  },
};`

func counterWorker(t *testing.T, e *testEngine) *Worker {
	t.Helper()
	return e.load(t, "svc/production", counterScript, func(s *WorkerSpec) {
		s.CPULimit = time.Second // these tests are about ordering; on a loaded machine GC assists count as CPU
		s.Namespace = "svc/production"
		s.Bindings = []Binding{{Name: "COUNTER", Type: "durable_object_namespace", Target: map[string]string{"class_name": "Counter"}}}
	})
}

func TestDurableObjectSerialisesConcurrentIncrements(t *testing.T) {
	e := newStoreEngine(t)
	w := counterWorker(t, e)
	var wg sync.WaitGroup
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := get(w, "http://x/"); r.status != 200 {
				t.Errorf("%d %s %s", r.status, r.body, e.logs.text())
			}
		}()
	}
	wg.Wait()
	if r := get(w, "http://x/"); r.body != "101" {
		t.Fatalf("after 100 concurrent increments the next is %q", r.body)
	}
	if r := get(w, "http://x/?name=other"); r.body != "1" {
		t.Fatalf("another object shares state: %q", r.body)
	}
	if n := e.LiveObjects(); n != 2 {
		t.Fatalf("%d live objects, want one per id", n)
	}
}

func TestDurableObjectRPCStorageAndTypes(t *testing.T) {
	e := newStoreEngine(t)
	w := counterWorker(t, e)
	if r := get(w, `http://x/?rpc=add&args=[5,"hi"]`); r.body != `{"n":5,"note":"hi","at":"1970-01-01T00:00:00.000Z","tags":{}}` {
		t.Fatalf("rpc: %d %s %s", r.status, r.body, e.logs.text())
	}
	if r := get(w, "http://x/?rpc=types"); r.body != `[true,true,3,true,true,false,4]` {
		t.Fatalf("types: %s %s", r.body, e.logs.text())
	}
	want := `{"all":"a1,a2,a3,b1,b2","prefix":"a1,a2,a3","range":"a2,a3,b1","after":"b1,b2","rev":"b2,b1","deleted":1,"one":true,"tx":1,"after_all":0}`
	if r := get(w, "http://x/?rpc=listing"); r.body != want {
		t.Fatalf("listing:\n got %s\nwant %s\n%s", r.body, want, e.logs.text())
	}
	if r := get(w, "http://x/?rpc=nope"); r.status != 500 || !strings.Contains(e.logs.text(), `does not implement the method "nope"`) {
		t.Fatalf("unknown method: %d %s", r.status, e.logs.text())
	}
	if r := get(w, "http://x/?rpc=callSelf"); r.status != 500 || !strings.Contains(e.logs.text(), "cannot call itself") {
		t.Fatalf("self call: %d %s", r.status, e.logs.text())
	}
}

func TestDurableObjectStoragePersistsAndIdleObjectsAreEvicted(t *testing.T) {
	old := durableIdle
	durableIdle = 50 * time.Millisecond
	defer func() { durableIdle = old }()
	e := newStoreEngine(t)
	w := counterWorker(t, e)
	for i := 1; i <= 3; i++ {
		if r := get(w, "http://x/"); r.body != fmt.Sprint(i) {
			t.Fatalf("count %q", r.body)
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for e.LiveObjects() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("idle object never evicted")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if r := get(w, "http://x/"); r.body != "4" {
		t.Fatalf("after eviction: %q", r.body)
	}
	// A new engine on the same store (a restart) sees the same storage.
	e2 := newTestEngine()
	e2.Engine = NewEngine(EngineConfig{Logs: e2.logs, Services: e2.services, KV: e.store, Durable: e.store})
	e2.store = e.store
	w2 := counterWorker(t, e2)
	if r := get(w2, "http://x/"); r.body != "5" {
		t.Fatalf("after restart: %q", r.body)
	}
}

func TestDurableObjectAlarmRetriesAndSurvivesRestart(t *testing.T) {
	e := newStoreEngine(t)
	w := counterWorker(t, e)
	e.Engine.cfg.Hosts = staticHosts{"svc/production": w} // alarms have no caller: they run on the live version
	if r := get(w, "http://x/?rpc=arm"); r.status != 200 || r.body == "null" {
		t.Fatalf("arm: %d %s %s", r.status, r.body, e.logs.text())
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := get(w, "http://x/?rpc=alarmRuns")
		if r.body == "2" {
			break // the first run threw, the retry succeeded
		}
		if time.Now().After(deadline) {
			t.Fatalf("alarm ran %s times: %s", r.body, e.logs.text())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(e.logs.text(), "retrying") {
		t.Fatalf("no retry logged: %s", e.logs.text())
	}

	// An alarm set before a restart fires after it.
	get(w, "http://x/?name=later&rpc=arm")
	e2 := newTestEngine()
	e2.Engine = NewEngine(EngineConfig{Logs: e2.logs, Services: e2.services, Durable: e.store})
	e2.store = e.store
	e.Engine.cancelAlarm("svc/production/Counter", objectID("svc/production", "later")) // the old process is gone
	w2 := counterWorker(t, e2)
	e2.Engine.cfg.Hosts = staticHosts{"svc/production": w2}
	if err := e2.RestoreAlarms(t.Context()); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(5 * time.Second)
	for get(w2, "http://x/?name=later&rpc=alarmRuns").body != "2" {
		if time.Now().After(deadline) {
			t.Fatalf("restored alarm never completed: %s", e2.logs.text())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// staticHosts resolves environments to fixed workers, as the gateway resolves them to live versions.
type staticHosts map[string]*Worker

func (h staticHosts) DurableHost(ns string) (*Worker, error) {
	if w := h[ns]; w != nil {
		return w, nil
	}
	return nil, fmt.Errorf("no live version of %s", ns)
}

func TestDurableObjectWaitUntilRunsBeforeTheNextRequest(t *testing.T) {
	e := newStoreEngine(t)
	w := counterWorker(t, e)
	if r := get(w, "http://x/?rpc=later"); r.body != `"answered first"` {
		t.Fatalf("later: %s %s", r.body, e.logs.text())
	}
	// The next request enters the object only after its waitUntil work has finished.
	if r := get(w, "http://x/?rpc=fetchLater"); r.body != `"done"` {
		t.Fatalf("after waitUntil: %s", r.body)
	}
}

// A stub's fetch carries the request's method, headers and body, however the body was given.
func TestDurableObjectFetchCarriesTheRequestBody(t *testing.T) {
	e := newStoreEngine(t)
	w := e.load(t, "svc/production", `export class Echo {
  async fetch(req) { return new Response(req.method + " " + req.headers.get("x-n") + " " + (await req.text())) }
}
export default { async fetch(req, env) {
  const stub = env.ECHO.getByName("e");
  const a = await stub.fetch("http://do/", { method: "POST", headers: { "x-n": "1" }, body: "text body" });
  const b = await stub.fetch(new Request("http://do/", { method: "PUT", headers: { "x-n": "2" }, body: new TextEncoder().encode("xbytes").subarray(1) }));
  const c = await stub.fetch(req);
  return new Response([await a.text(), await b.text(), await c.text()].join("|"));
} }`, func(s *WorkerSpec) {
		s.Namespace = "svc/production"
		s.Bindings = []Binding{{Name: "ECHO", Type: "durable_object_namespace", Target: map[string]string{"class_name": "Echo"}}}
	})
	r := do(w, "PATCH", "http://x/", "incoming", map[string]string{"x-n": "3"})
	if want := "POST 1 text body|PUT 2 bytes|PATCH 3 incoming"; r.body != want {
		t.Fatalf("got %q (%d), want %q\n%s", r.body, r.status, want, e.logs.text())
	}
}

// An event that reaches an object just evicted runs on the object that replaces it.
func TestDurableObjectEventAfterEvictionRunsOnTheNewObject(t *testing.T) {
	e := newStoreEngine(t)
	w := counterWorker(t, e)
	if r := get(w, "http://x/?name=e"); r.body != "1" {
		t.Fatalf("first increment: %d %q", r.status, r.body)
	}
	hostNS := w.namespace()
	stale := e.durableObject(hostNS, "Counter", objectID(hostNS, "e"), "e")
	e.evict(stale) // as the idle timer does, between a stub finding the object and entering it
	res, err := completed(e.durableFetch(t.Context(), stale, w, httptest.NewRequest("GET", "http://x/", nil), nil, true))
	if err != nil {
		t.Fatal(err)
	}
	if body, _ := io.ReadAll(res.Body); string(body) != "2" {
		t.Fatalf("after eviction the increment gave %q", body)
	}
}
