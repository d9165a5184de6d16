package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dop251/goja"
)

func TestDefaultsMatchWorkerd(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "hello", `export default { fetch(req) { return new Response("hi " + new URL(req.url).pathname, { headers: { "X-Made-By": "weft" } }) } }`, nil)
	r := get(w, "http://hello.localhost/a")
	if r.status != 200 || r.body != "hi /a" {
		t.Fatalf("got %d %q", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/plain;charset=UTF-8" {
		t.Errorf("content-type %q", ct)
	}
	if r.header.Get("x-made-by") != "weft" {
		t.Errorf("header lost: %v", r.header)
	}
}

func TestTypeScriptModulesAndLowering(t *testing.T) {
	b, err := Build([]Module{
		{Name: "src/index.ts", Content: `import { Counter } from "./counter";
import data from "./data.json";
async function* gen(): AsyncGenerator<number> { for (let i = 1; i <= 3; i++) yield i; }
export default {
  async fetch(_req: Request, env: { GREETING: string }): Promise<Response> {
    const c = new Counter();
    let sum = 0;
    for await (const n of gen()) sum += n;
    c.add(sum);
    return Response.json({ total: c.total, greeting: env.GREETING, name: data.name, big: String(2n ** 64n) });
  },
};`},
		{Name: "src/counter.ts", Content: `export class Counter { #n = 0; add(x: number) { this.#n += x; } get total() { return this.#n; } }`},
		{Name: "src/data.json", Content: `{"name":"weft"}`},
	}, "src/index.ts")
	if err != nil {
		t.Fatal(err)
	}
	if b.Format != "modules" {
		t.Errorf("format %q", b.Format)
	}
	e := newTestEngine()
	w, err := e.Load(WorkerSpec{ID: "ts", Label: "ts", Bundle: b, Vars: []Var{{Name: "GREETING", Value: "hey"}}})
	if err != nil {
		t.Fatal(err)
	}
	r := get(w, "http://ts.localhost/")
	if r.body != `{"total":6,"greeting":"hey","name":"weft","big":"18446744073709551616"}` {
		t.Fatalf("got %d %q %s", r.status, r.body, e.logs.text())
	}
}

func TestServiceWorkerSyntaxIsDetected(t *testing.T) {
	b, err := Build([]Module{{Name: "sw.js", Content: `addEventListener("fetch", (e) => e.respondWith(new Response(typeof GREETING)));`}}, "sw.js")
	if err != nil {
		t.Fatal(err)
	}
	if b.Format != "service-worker" {
		t.Fatalf("format %q", b.Format)
	}
	e := newTestEngine()
	w, err := e.Load(WorkerSpec{ID: "sw", Bundle: b, Vars: []Var{{Name: "GREETING", Value: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	// In service-worker syntax, bindings are globals.
	if r := get(w, "http://sw.localhost/"); r.body != "string" {
		t.Fatalf("got %d %q", r.status, r.body)
	}
}

func TestBuildErrorsNameFileAndLine(t *testing.T) {
	_, err := Build([]Module{
		{Name: "src/index.ts", Content: "import { x } from './util';\nexport default { fetch() { return new Response(x) } };"},
		{Name: "src/util.ts", Content: "export const x = 1;\nexport const y = ;\n"},
	}, "src/index.ts")
	var be *BuildErrors
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "src/util.ts:2:") {
		t.Fatalf("err = %v", err)
	}
	_, err = Build([]Module{{Name: "index.js", Content: "import './missing.js';"}}, "index.js")
	if err == nil || !strings.Contains(err.Error(), "index.js:1:") || !strings.Contains(err.Error(), "missing.js") {
		t.Fatalf("missing import: %v", err)
	}
	_, err = Build([]Module{{Name: "index.js", Content: "export default {}"}}, "main.js")
	if err == nil || !strings.Contains(err.Error(), "main.js") {
		t.Fatalf("missing main: %v", err)
	}
}

// The server builds uploads in memory: a file on its own disk named like the entry module (weft
// serve started in the project folder) must not change what is built.
func TestBuildIgnoresTheServersWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.js"), []byte("not the upload"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	b, err := Build([]Module{{Name: "index.js", Content: `export default { fetch() { return new Response("uploaded") } }`}}, "index.js")
	if err != nil || !strings.Contains(b.Code, `"uploaded"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestScriptThatCannotStartIsRefusedAtLoad(t *testing.T) {
	for name, src := range map[string]string{
		"throws at top level": `throw new Error("boom at startup"); export default {}`,
		"no handler":          `export default { notFetch() {} }`,
		"spins at startup":    `while (true) {} export default {}`,
	} {
		b, err := Build([]Module{{Name: "index.js", Content: src}}, "index.js")
		if err != nil {
			t.Fatal(err)
		}
		_, err = newTestEngine().Load(WorkerSpec{ID: name, Label: name, Bundle: b})
		if err == nil {
			t.Errorf("%s: loaded", name)
		} else if !strings.Contains(err.Error(), "failed to start") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestExceptionGives500AndSourceMappedStack(t *testing.T) {
	b, err := Build([]Module{
		{Name: "src/index.ts", Content: "import { fail } from './fail';\nexport default {\n  fetch() {\n    return fail();\n  },\n};\n"},
		{Name: "src/fail.ts", Content: "// line 1\n\nexport function fail(): Response {\n  throw new Error(\"it broke\");\n}\n"},
	}, "src/index.ts")
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEngine()
	w, err := e.Load(WorkerSpec{ID: "x", Label: "x", Bundle: b})
	if err != nil {
		t.Fatal(err)
	}
	r := get(w, "http://x.localhost/")
	if r.status != 500 || strings.Contains(r.body, "it broke") || !strings.Contains(r.body, "Worker threw exception") {
		t.Fatalf("client sees %d %q", r.status, r.body)
	}
	logs := e.logs.text()
	if !strings.Contains(logs, "Error: it broke") || !strings.Contains(logs, "src/fail.ts:4") {
		t.Fatalf("log lacks a source-mapped stack:\n%s", logs)
	}
}

func TestCPULimitEndsRunawayScriptOthersKeepServing(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "spin", `export default { fetch(req) {
  if (new URL(req.url).pathname === "/spin") { for (;;) {} }
  return new Response("fine");
} }`, func(s *WorkerSpec) { s.CPULimit = raceSlowdown * 20 * time.Millisecond }) // a fresh runtime's first request fits
	done := make(chan result)
	go func() { done <- get(w, "http://spin.localhost/spin") }()
	for i := 0; i < 5; i++ {
		if r := get(w, "http://spin.localhost/"); r.body != "fine" {
			t.Fatalf("healthy request got %d %q", r.status, r.body)
		}
	}
	r := <-done
	if r.status != 503 || !strings.Contains(r.body, "CPU time limit") {
		t.Fatalf("runaway got %d %q", r.status, r.body)
	}
	if !strings.Contains(e.logs.text(), "CPU") {
		t.Fatalf("no log line: %s", e.logs.text())
	}
	// The runtime that was interrupted is discarded, not reused.
	if r := get(w, "http://spin.localhost/"); r.body != "fine" {
		t.Fatalf("after limit: %d %q", r.status, r.body)
	}
}

func TestCPULimitCountsJavaScriptNotWaiting(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "wait", `export default { async fetch() {
  await new Promise((r) => setTimeout(r, 60));
  return new Response("waited");
} }`, func(s *WorkerSpec) { s.CPULimit = 20 * time.Millisecond })
	if r := get(w, "http://wait.localhost/"); r.status != 200 || r.body != "waited" {
		t.Fatalf("got %d %q", r.status, r.body)
	}
}

func TestWallLimitForPromiseThatNeverSettles(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "hang", `export default { fetch() { return new Promise(() => {}); } }`, nil)
	r := get(w, "http://hang.localhost/")
	if r.status != 500 || !strings.Contains(r.body, "never") {
		t.Fatalf("got %d %q", r.status, r.body)
	}
	w2 := e.load(t, "slow", `export default { fetch() { return new Promise((r) => setTimeout(() => r(new Response("late")), 5000)); } }`,
		func(s *WorkerSpec) { s.WallLimit = 50 * time.Millisecond })
	r = get(w2, "http://slow.localhost/")
	if r.status != 500 {
		t.Fatalf("got %d %q", r.status, r.body)
	}
}

func TestProgramCompiledOncePerBundle(t *testing.T) {
	e := newTestEngine()
	b, err := Build([]Module{{Name: "index.js", Content: `export default { fetch() { return new Response("same") } }`}}, "index.js")
	if err != nil {
		t.Fatal(err)
	}
	before := e.Compiles()
	for i := 0; i < 3; i++ { // three versions (e.g. staging, and production after a promote) of one bundle
		w, err := e.Load(WorkerSpec{ID: fmt.Sprint("v", i), Bundle: b})
		if err != nil {
			t.Fatal(err)
		}
		get(w, "http://x.localhost/")
	}
	if n := e.Compiles() - before; n != 1 {
		t.Fatalf("compiled %d times", n)
	}
}

func TestModuleStateLivesInPooledRuntimeButNeverShared(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "state", `let served = 0; let busy = false;
export default { async fetch() {
  if (busy) return new Response("shared!", { status: 500 });
  busy = true;
  served++;
  await new Promise((r) => setTimeout(r, 5));
  busy = false;
  return new Response(String(served));
} }`, nil)
	// One at a time: the same runtime serves again, so module state persists.
	if a, b := get(w, "http://s.localhost/").body, get(w, "http://s.localhost/").body; a != "1" || b != "2" {
		t.Fatalf("sequential: %q then %q", a, b)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 32)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := get(w, "http://s.localhost/"); r.status != 200 {
				errs <- r.body
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Fatalf("a runtime served two requests at once: %s", msg)
	}
}

func TestWaitUntilRunsAfterResponse(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "wu", `export default { fetch(req, env, ctx) {
  ctx.waitUntil(new Promise((r) => setTimeout(r, 20)).then(() => console.log("background done")));
  return new Response("now");
} }`, nil)
	if r := get(w, "http://wu.localhost/"); r.body != "now" {
		t.Fatalf("got %q", r.body)
	}
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(e.logs.text(), "background done") {
		if time.Now().After(deadline) {
			t.Fatalf("waitUntil work never finished: %s", e.logs.text())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A subrequest the script hands to ctx.waitUntil is still in flight when the response goes out: it
// finishes after, and is not cut off with the request (the usual "send a log line" pattern).
func TestWaitUntilSubrequestFinishesAfterResponse(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		time.Sleep(50 * time.Millisecond)
		io.WriteString(rw, "logged")
	}))
	defer origin.Close()
	e := newTestEngine()
	w := e.load(t, "wufetch", `export default { fetch(req, env, ctx) {
  ctx.waitUntil(fetch(env.ORIGIN).then((r) => r.text()).then((t) => console.log("origin said " + t), (err) => console.log("failed: " + err)));
  return new Response("now");
} }`, func(s *WorkerSpec) { s.Vars = []Var{{Name: "ORIGIN", Value: origin.URL}} })
	srv := httptest.NewServer(w) // which ends the request's context once the response is written
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if body, _ := io.ReadAll(res.Body); string(body) != "now" {
		t.Fatalf("got %q", body)
	}
	res.Body.Close()
	awaitWaitUntilLog(t, e, "origin said logged", 1)
}

// awaitWaitUntilLog waits until the worker's waitUntil work has logged line n times, and fails if
// it logged a failure first.
func awaitWaitUntilLog(t *testing.T, e *testEngine, line string, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for strings.Count(e.logs.text(), line) < n {
		if strings.Contains(e.logs.text(), "failed") || time.Now().After(deadline) {
			t.Fatalf("the waitUntil subrequest did not finish: %s", e.logs.text())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A response whose body is a subrequest's, passed through, must not end the request's other
// subrequests when the client has read it: a waitUntil subrequest started before it goes on.
func TestWaitUntilSubrequestOutlivesAPassedThroughBody(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(150 * time.Millisecond)
		}
		io.WriteString(rw, "from "+r.URL.Path)
	}))
	defer origin.Close()
	e := newTestEngine()
	w := e.load(t, "wupass", `export default { async fetch(req, env, ctx) {
  ctx.waitUntil(fetch(env.ORIGIN + "/slow").then((r) => r.text()).then((t) => console.log("origin said " + t), (err) => console.log("failed: " + err)));
  return fetch(env.ORIGIN + "/page");
} }`, func(s *WorkerSpec) { s.Vars = []Var{{Name: "ORIGIN", Value: origin.URL}} })
	srv := httptest.NewServer(w)
	defer srv.Close()
	for i := 0; i < 3; i++ { // the second and third reuse the runtime the first released
		res, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		if body, _ := io.ReadAll(res.Body); string(body) != "from /page" {
			t.Fatalf("got %q", body)
		}
		res.Body.Close()
		awaitWaitUntilLog(t, e, "origin said from /slow", i+1)
	}
}

func TestEnvHoldsVarsSecretsAndPendingBindings(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "env", `export default { async fetch(req, env) {
  let kv;
  try { await env.CACHE.get("k"); } catch (err) { kv = err.message; }
  return Response.json({ plain: env.PLAIN, json: env.CONFIG.list[1], secret: env.TOKEN, kv, keys: Object.keys(env).sort() });
} }`, func(s *WorkerSpec) {
		s.Vars = []Var{{Name: "PLAIN", Value: "text"}, {Name: "CONFIG", JSON: true, Value: `{"list":[1,2]}`}}
		s.Secrets = map[string]string{"TOKEN": "s3cret"}
		s.Bindings = []Binding{{Name: "CACHE", Type: "r2_bucket"}}
	})
	r := get(w, "http://env.localhost/")
	want := `{"plain":"text","json":2,"secret":"s3cret","kv":"R2 binding CACHE is not available","keys":["CACHE","CONFIG","PLAIN","TOKEN"]}`
	if r.body != want {
		t.Fatalf("got %q\nwant %q\n%s", r.body, want, e.logs.text())
	}
}

func TestConsoleIsCapturedPerWorker(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "log", `export default { fetch() {
  console.log("hello", { a: 1, b: [1, 2] }, 3);
  console.error(new Error("bad"));
  return new Response("ok");
} }`, nil)
	get(w, "http://log.localhost/")
	logs := e.logs.text()
	if !strings.Contains(logs, "log hello { a: 1, b: [ 1, 2 ] } 3") || !strings.Contains(logs, "error Error: bad") {
		t.Fatalf("logs:\n%s", logs)
	}
}

func TestRequestBodyLimit(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "big", `export default { async fetch(req) { return new Response(String((await req.text()).length)) } }`, nil)
	r := do(w, "POST", "http://big.localhost/", strings.Repeat("x", maxRequestBody+1), nil)
	if r.status != 413 {
		t.Fatalf("got %d", r.status)
	}
	goruntime.GC() // the 100 MiB above is garbage: a collection assist must not count against the next request's CPU
	if r := do(w, "POST", "http://big.localhost/", "12345", nil); r.body != "5" {
		t.Fatalf("got %q", r.body)
	}
}

func TestTryRunsUnsavedCodeWithItsOwnLogs(t *testing.T) {
	e := newTestEngine()
	b, err := Build([]Module{{Name: "index.js", Content: `export default { fetch(req, env) { console.log("preview of", env.WHO); return new Response("tried") } }`}}, "index.js")
	if err != nil {
		t.Fatal(err)
	}
	logs := &memLogs{}
	rec := httptest.NewRecorder()
	before := e.Compiles()
	err = e.Try(WorkerSpec{ID: "preview", Bundle: b, Vars: []Var{{Name: "WHO", Value: "me"}}, Logs: logs}, rec, httptest.NewRequest("GET", "http://x/", nil))
	if err != nil || rec.Body.String() != "tried" {
		t.Fatalf("got %v %q", err, rec.Body.String())
	}
	if !strings.Contains(logs.text(), "log preview of me") || e.logs.text() != "" {
		t.Fatalf("preview logs %q, engine logs %q", logs.text(), e.logs.text())
	}
	if e.Compiles() != before {
		t.Fatal("a preview was cached as a program")
	}
}

func TestScheduledHandlerAndItsLogs(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "cron", `export default {
  fetch() { return new Response("") },
  async scheduled(controller, env, ctx) {
    console.log("tick", controller.cron, controller.scheduledTime);
    ctx.waitUntil(new Promise((r) => setTimeout(r, 5)).then(() => console.log("after")));
    if (controller.cron === "fail") { controller.noRetry(); throw new Error("cron broke"); }
  },
}`, nil)
	tap := &memLogs{}
	retry, err := w.Scheduled(t.Context(), "*/5 * * * *", time.UnixMilli(1700000000000), tap)
	if err != nil || !retry || !strings.Contains(tap.text(), "log tick */5 * * * * 1700000000000") || !strings.Contains(tap.text(), "log after") {
		t.Fatalf("run: %v %v\n%s", retry, err, tap.text())
	}
	tap = &memLogs{}
	retry, err = w.Scheduled(t.Context(), "fail", time.Now(), tap)
	if err == nil || retry || !strings.Contains(tap.text(), "cron broke") {
		t.Fatalf("failing run: %v %v\n%s", retry, err, tap.text())
	}
}

func TestServiceBindingRPCWithEntrypoints(t *testing.T) {
	e := newTestEngine()
	auth := e.load(t, "auth", `import { WorkerEntrypoint } from "cloudflare:workers";
export class Admin extends WorkerEntrypoint {
  async roles(user) { return { user, roles: ["admin"], since: new Date(0), env: this.env.REALM }; }
}
export default class extends WorkerEntrypoint {
  async check(token) { return token === "secret"; }
  async fetch() { return new Response("auth") }
}`, func(s *WorkerSpec) { s.Vars = []Var{{Name: "REALM", Value: "weft"}} })
	caller := e.load(t, "app", `export default { async fetch(req, env) {
  const ok = await env.AUTH.check("secret"), bad = await env.AUTH.check("nope");
  const r = await env.ADMIN.roles("ada");
  let missing; try { await env.AUTH.nope(); } catch (err) { missing = err.message; }
  return Response.json({ ok, bad, r, missing, viaFetch: await (await env.AUTH.fetch("http://auth/")).text() });
} }`, func(s *WorkerSpec) {
		s.Bindings = []Binding{{Name: "AUTH", Type: "service", Target: map[string]string{"service": "auth"}},
			{Name: "ADMIN", Type: "service", Target: map[string]string{"service": "auth", "entrypoint": "Admin"}}}
	})
	_ = auth
	r := get(caller, "http://app/")
	want := `{"ok":true,"bad":false,"r":{"user":"ada","roles":["admin"],"since":"1970-01-01T00:00:00.000Z","env":"weft"},"missing":"The RPC receiver does not implement the method \"nope\".","viaFetch":"auth"}`
	if r.body != want {
		t.Fatalf("got  %s\nwant %s\n%s", r.body, want, e.logs.text())
	}
}

func TestServiceBindingLoopIsCut(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "loop", `export default { async fetch(req, env) { return env.SELF.fetch(req) } }`, func(s *WorkerSpec) {
		s.Bindings = []Binding{{Name: "SELF", Type: "service", Target: map[string]string{"service": "loop"}}}
	})
	r := get(w, "http://loop/")
	if r.status != 500 || !strings.Contains(e.logs.text(), "Subrequest depth limit exceeded") {
		t.Fatalf("loop: %d %s", r.status, e.logs.text())
	}
}

// Pools grow with concurrent load and shrink back when it is gone: an idle worker keeps no runtime.
func TestIdlePoolsShrink(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "pool", `export default { async fetch() { await new Promise((r) => setTimeout(r, 20)); return new Response("ok") } }`, nil)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); get(w, "http://x/") }()
	}
	wg.Wait()
	if n := e.IdleRuntimes(); n < 2 {
		t.Fatalf("after 4 concurrent requests %d runtimes are pooled", n)
	}
	e.ShrinkPools() // trims to the peak since the last trim: still all of them
	get(w, "http://x/")
	e.ShrinkPools() // one request at a time since: one runtime
	if n := e.IdleRuntimes(); n != 1 {
		t.Fatalf("after sequential traffic %d runtimes are pooled, want 1", n)
	}
	e.ShrinkPools() // no traffic at all
	if n := e.IdleRuntimes(); n != 0 {
		t.Fatalf("an idle worker keeps %d runtimes", n)
	}
	if r := get(w, "http://x/"); r.body != "ok" {
		t.Fatalf("after shrinking: %q", r.body)
	}
}

// The runtime that came back last serves next, so sequential requests after a burst stay on one
// runtime (its module counter counts on by one), and a trim keeps that runtime.
func TestPoolServesTheRuntimeThatCameBackLast(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "lifo", `let n = 0; export default { async fetch(request) {
		n++;
		if (new URL(request.url).pathname === "/slow") await new Promise((r) => setTimeout(r, 20));
		return new Response(String(n));
	} }`, nil)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { get(w, "http://x/slow") })
	}
	wg.Wait()
	if n := w.idle.len(); n < 2 {
		t.Fatalf("after a burst of 4, %d runtimes are pooled", n)
	}
	count := func() int { n, _ := strconv.Atoi(get(w, "http://x/").body); return n }
	first := count()
	for i := 1; i <= 3; i++ {
		if n := count(); n != first+i {
			t.Fatalf("request %d after the burst counted %d on a runtime at %d before: another runtime answered", i+1, n, first+i-1)
		}
	}
	e.ShrinkPools()
	get(w, "http://x/")
	e.ShrinkPools() // keeps one: the one that answered last
	if n := count(); n != first+5 {
		t.Fatalf("after the trim the runtime counted %d, want %d", n, first+5)
	}
}

// Runtimes held by requests that await I/O all go back to the pool, however many there were: with a
// pool capped near the core count, each burst of waiting requests built most of its runtimes afresh
// (the Durable Object scenario spent 30% of its CPU making runtimes).
func TestPoolKeepsTheRuntimesOfWaitingRequests(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "waits", `export default { async fetch() { await new Promise((r) => setTimeout(r, 100)); return new Response("ok") } }`, nil)
	const inFlight = 24
	var wg sync.WaitGroup
	for range inFlight {
		wg.Add(1)
		go func() { defer wg.Done(); get(w, "http://x/") }()
	}
	wg.Wait()
	if n := e.IdleRuntimes(); n < inFlight*3/4 {
		t.Fatalf("after %d requests waited at once, %d runtimes are pooled", inFlight, n)
	}
}

// All workers' idle runtimes together stay within the engine's budget, and a runtime taken out of a
// pool (by a request, a trim or an unload) gives its room back to the others.
func TestIdleRuntimesShareTheEngineBudget(t *testing.T) {
	e := newTestEngine()
	e.Engine = NewEngine(EngineConfig{Logs: e.logs, Services: e.services, IdleRuntimes: 3})
	const src = `export default { async fetch() { await new Promise((r) => setTimeout(r, 50)); return new Response("ok") } }`
	a, b := e.load(t, "a", src, nil), e.load(t, "b", src, nil) // each pools the runtime it started with
	getAtOnce(t, a, 4, "ok")
	if n, inA := e.IdleRuntimes(), a.idle.len(); n != 3 || inA != 2 {
		t.Fatalf("after a burst of 4 on a: %d pooled, %d of them a's; want 3 and 2", n, inA)
	}
	e.ShrinkPools()
	e.ShrinkPools() // no traffic since the last trim: every pool empties
	getAtOnce(t, b, 3, "ok")
	if n := b.idle.len(); n != 3 {
		t.Fatalf("after the pools were trimmed, b pools %d of its 3 runtimes", n)
	}
	e.Unload("b")
	getAtOnce(t, a, 3, "ok")
	if n := a.idle.len(); n != 3 {
		t.Fatalf("after b was unloaded, a pools %d of its 3 runtimes", n)
	}
}

// Warm starts runtimes up to the number asked, but no further than the worker's pool and the
// engine's budget of idle runtimes have room for.
func TestWarmStopsAtThePoolAndTheBudget(t *testing.T) {
	e := newTestEngine()
	e.Engine = NewEngine(EngineConfig{Logs: e.logs, Services: e.services, PoolSize: 4, IdleRuntimes: 6})
	const src = `export default { fetch() { return new Response("ok") } }`
	a := e.load(t, "a", src, nil) // pools the runtime it started with
	if n, err := a.Warm(t.Context(), 10); n != 3 || err != nil || a.Runtimes() != 4 {
		t.Fatalf("warming 10 in a pool of 4 that holds 1: started %d (%v), holds %d", n, err, a.Runtimes())
	}
	if n, _ := a.Warm(t.Context(), 2); n != 0 {
		t.Fatalf("warming 2 with 4 idle started %d", n)
	}
	b := e.load(t, "b", src, nil)
	if n, err := b.Warm(t.Context(), 4); n != 1 || err != nil || e.IdleRuntimes() != 6 {
		t.Fatalf("warming with room for 1 in the budget of 6: started %d (%v), %d pooled", n, err, e.IdleRuntimes())
	}
	e.Unload("b")
	done, cancel := context.WithCancel(t.Context())
	cancel()
	if n, _ := e.load(t, "c", src, nil).Warm(done, 2); n != 0 {
		t.Fatalf("warming after its time was up started %d", n)
	}
}

// Timers due together run earliest first even when their Go timers wake the loop out of order, as
// they may on a busy machine: whichever wake-up comes first runs them all, by deadline.
func TestDueTimersRunInDeadlineOrder(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "timers", `export default { fetch() { return new Response("") } }`, nil)
	in, err := w.newInstance()
	if err != nil {
		t.Fatal(err)
	}
	in.begin(context.Background(), time.Second)
	run := func(src string) goja.Value {
		var v goja.Value
		if err := in.runJS(func() (err error) { v, err = in.vm.RunString(src); return err }); err != nil {
			t.Fatal(err)
		}
		return v
	}
	run(`globalThis.order = []; setTimeout(() => order.push("slow"), 20); setTimeout(() => order.push("fast"), 5); setTimeout(() => order.push("later"), 60000)`)
	for _, tm := range in.timers {
		tm.t.Stop() // no Go timer posts: the test plays the late wake-up itself
	}
	time.Sleep(30 * time.Millisecond)
	if err := in.runJS(func() error { in.runDueTimers(); return nil }); err != nil {
		t.Fatal(err)
	}
	if got := run(`order.join()`).String(); got != "fast,slow" {
		t.Fatalf("timers ran as %q, want fast,slow", got)
	}
	if len(in.timers) != 1 || in.pending != 1 {
		t.Fatalf("%d timers and %d pending left, want the 60 s timer alone", len(in.timers), in.pending)
	}
	in.end()
}

// A watchdog that fires just as its run ends must not outlive it: its thread goes on to run other
// goroutines, and a late check would charge their time to a later request on the same runtime.
func TestWatchdogEndsWithItsRun(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "busy", `export default { fetch() { let s = 0; for (let i = 0; i < 10000; i++) s += i; return new Response(String(s)) } }`, func(s *WorkerSpec) { s.CPULimit = raceSlowdown * 50 * time.Millisecond })
	var wg sync.WaitGroup
	failures := make(chan string, 8)
	for g := 0; g < 2*goruntime.GOMAXPROCS(0); g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 150; i++ {
				if r := get(w, "http://busy/"); r.status != 200 {
					failures <- fmt.Sprint(r.status, " ", r.body)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
}

// Modules workers are strict as ES modules are; service-worker scripts are sloppy unless they opt in.
func TestModulesWorkersAreStrict(t *testing.T) {
	e := newTestEngine()
	probe := `try { undeclared = 1; return new Response("sloppy") } catch (err) { return new Response("strict " + err.name) }`
	mod := e.load(t, "mod", `export default { fetch() { `+probe+` } }`, nil)
	if r := get(mod, "http://mod/"); r.body != "strict ReferenceError" {
		t.Errorf("modules worker: %q", r.body)
	}
	sw := e.load(t, "sw", `addEventListener("fetch", (ev) => ev.respondWith((() => { `+probe+` })()))`, nil)
	if r := get(sw, "http://sw/"); r.body != "sloppy" {
		t.Errorf("service-worker script: %q", r.body)
	}
}

// A service binding's callee runs its first turn on the caller's goroutine; its CPU time is its own,
// so a caller with a small budget may call a callee that spends more than that budget.
func TestServiceBindingCalleeCPUIsNotChargedToTheCaller(t *testing.T) {
	e := newTestEngine()
	e.load(t, "heavy", `export default { fetch() {
  const end = Date.now() + 60; let n = 0;
  while (Date.now() < end) n++; // spins (the clock advances while it runs, as CPU time does)
  return new Response("spun " + (n > 0));
} }`, func(s *WorkerSpec) { s.CPULimit = 10 * time.Second })
	caller := e.load(t, "light", `export default { async fetch(req, env) {
  const a = await env.HEAVY.fetch("http://heavy/"), b = await env.HEAVY.fetch("http://heavy/");
  return new Response((await a.text()) + "," + (await b.text()));
} }`, func(s *WorkerSpec) {
		s.CPULimit = 40 * time.Millisecond
		s.Bindings = []Binding{{Name: "HEAVY", Type: "service", Target: map[string]string{"service": "heavy"}}}
	})
	if r := get(caller, "http://light/"); r.status != 200 || r.body != "spun true,spun true" {
		t.Fatalf("got %d %q\n%s", r.status, r.body, e.logs.text())
	}
}

// Fetch, the in-process call for callers outside the runtimes, gives a whole answer's status line and
// headers as net/http would, though a calling runtime reads them straight from the response.
func TestFetchDescribesAWholeAnswer(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "teapot", `export default { fetch() {
  return new Response("short and stout", { status: 418, statusText: "Teapot", headers: { "x-pot": "brown", etag: '"1"' } });
} }`, nil)
	res, err := w.Fetch(context.Background(), httptest.NewRequest("GET", "http://teapot/", nil))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.Status != "418 Teapot" || res.Header.Get("X-Pot") != "brown" || res.Header.Get("Etag") != `"1"` ||
		res.Header.Get("Content-Type") != "text/plain;charset=UTF-8" || string(body) != "short and stout" {
		t.Fatalf("%s %v %q", res.Status, res.Header, body)
	}
	failing := e.load(t, "failing", `export default { fetch() { throw new Error("no tea") } }`, nil)
	if res, err := failing.Fetch(context.Background(), httptest.NewRequest("GET", "http://failing/", nil)); err == nil || res != nil {
		t.Fatalf("a failing handler gave %v, %v", res, err)
	}
	caller := e.load(t, "caller", `export default { async fetch(req, env) {
  const res = await env.POT.fetch("http://teapot/");
  return Response.json([res.status, res.statusText, res.url, [...res.headers], await res.text()]);
} }`, func(s *WorkerSpec) {
		s.Bindings = []Binding{{Name: "POT", Type: "service", Target: map[string]string{"service": "teapot"}}}
	})
	want := `[418,"Teapot","http://teapot/",[["content-type","text/plain;charset=UTF-8"],["etag","\"1\""],["x-pot","brown"]],"short and stout"]`
	if r := get(caller, "http://caller/"); r.body != want {
		t.Fatalf("through a binding: %s\nwant %s", r.body, want)
	}
}

// Calls whose callees wait (here on an origin) are still in flight together: the second call starts
// while the first waits, as the origin only answers the first once the second has arrived.
func TestServiceBindingCallsOverlap(t *testing.T) {
	release := make(chan struct{})
	origin := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/release" {
			close(release)
			rw.Write([]byte("released"))
			return
		}
		select {
		case <-release:
			rw.Write([]byte("waited"))
		case <-time.After(10 * time.Second):
			rw.Write([]byte("never released"))
		}
	}))
	defer origin.Close()
	e := newTestEngine()
	e.load(t, "proxy", `export default { fetch(req, env) { return fetch(env.ORIGIN + new URL(req.url).pathname) } }`,
		func(s *WorkerSpec) { s.Vars = []Var{{Name: "ORIGIN", Value: origin.URL}} })
	caller := e.load(t, "both", `export default { async fetch(req, env) {
  const [a, b] = await Promise.all([env.P.fetch("http://p/wait"), env.P.fetch("http://p/release")]);
  return new Response((await a.text()) + "," + (await b.text()));
} }`, func(s *WorkerSpec) {
		s.Bindings = []Binding{{Name: "P", Type: "service", Target: map[string]string{"service": "proxy"}}}
	})
	if r := get(caller, "http://both/"); r.body != "waited,released" {
		t.Fatalf("got %d %q\n%s", r.status, r.body, e.logs.text())
	}
}

// A request its client abandons ends like any other: its runtime goes back to the pool with its
// module state, and the abandoned handler never resumes, in that request or the next.
func TestAbandonedRequestKeepsItsRuntime(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "abandoned", `let served = 0, resumed = 0;
export default { async fetch(req) {
  served++;
  if (new URL(req.url).pathname === "/slow") {
    await new Promise((r) => setTimeout(r, 100));
    resumed++;
  }
  return new Response(served + " served, " + resumed + " resumed");
} }`, nil)
	if r := get(w, "http://x/"); r.body != "1 served, 0 resumed" {
		t.Fatalf("first request: %q", r.body)
	}
	ctx, leave := context.WithCancel(t.Context())
	time.AfterFunc(20*time.Millisecond, leave)
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest("GET", "http://x/slow", nil).WithContext(ctx))
	if rec.Code != statusClientClosed || strings.Contains(e.logs.text(), "exception") {
		t.Fatalf("the abandoned request: %d, logs %s", rec.Code, e.logs.text())
	}
	if n := w.Runtimes(); n != 1 {
		t.Fatalf("after the client left, the worker holds %d runtimes, want its 1 back in the pool", n)
	}
	time.Sleep(150 * time.Millisecond) // past the abandoned handler's timer
	if r := get(w, "http://x/"); r.body != "3 served, 0 resumed" {
		t.Fatalf("after the client left: %q (a fresh runtime would say 1 served)", r.body)
	}
}

// ctx.waitUntil work outlives a client that leaves, as in Workers: it runs to its end, and only then
// is the rest of the abandoned request dropped.
func TestWaitUntilOutlivesTheClient(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "waits", `const done = [];
export default { async fetch(req, env, ctx) {
  if (new URL(req.url).pathname === "/done") return new Response(done.join(","));
  ctx.waitUntil(new Promise((r) => setTimeout(r, 50)).then(() => done.push("waited")));
  await new Promise((r) => setTimeout(r, 100));
  done.push("resumed");
  return new Response("late");
} }`, nil)
	ctx, leave := context.WithCancel(t.Context())
	time.AfterFunc(20*time.Millisecond, leave)
	w.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "http://x/", nil).WithContext(ctx))
	time.Sleep(200 * time.Millisecond)
	if r := get(w, "http://x/done"); r.body != "waited" {
		t.Fatalf("after the client left: %q, want the waitUntil work done and nothing else", r.body)
	}
}
