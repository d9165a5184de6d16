package runtime

import (
	"context"
	"net/http"
	goruntime "runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

func TestNoCodeFromStrings(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "eval", `export default { async fetch() {
  const out = [];
  for (const f of [() => eval("1+1"), () => new Function("return 1"), () => (function () {}).constructor("return 1"),
      () => (async function () {}).constructor("return 1"), () => (function* () {}).constructor("yield 1"), () => globalThis.eval("2")]) {
    try { f(); out.push("ran"); } catch (err) { out.push(err.name); }
  }
  out.push((() => {}) instanceof Function, typeof Function.prototype.call);
  return Response.json(out);
} }`, nil)
	r := get(w, "http://x/")
	if r.body != `["EvalError","EvalError","EvalError","EvalError","EvalError","EvalError",true,"function"]` {
		t.Fatalf("got %s %s", r.body, e.logs.text())
	}
}

// Each hostile script ends within its limit with a 5xx or a thrown error, while a neighbour keeps answering.
func TestHostileScriptsAreContained(t *testing.T) {
	e := newTestEngine()
	neighbour := e.load(t, "ok", `export default { fetch() { return new Response("fine") } }`, nil)
	cases := map[string]string{
		"infinite loop":    `for (;;) {}`,
		"deep recursion":   `const f = (n) => f(n + 1) + 1; f(0);`,
		"native recursion": `const a = []; a[0] = a; const o = {}; let x = o; for (let i = 0; i < 1e6; i++) { x.next = {}; x = x.next; } JSON.stringify(o);`,
		"regex bomb":       `/(a+)+$/.test("a".repeat(40) + "!"); for (;;) {}`,
		"never resolves":   `await new Promise(() => {});`,
	}
	for name, body := range cases {
		w := e.load(t, "bad-"+strings.ReplaceAll(name, " ", "-"), `export default { async fetch() { `+body+` return new Response("escaped") } }`,
			func(s *WorkerSpec) { s.WallLimit = 2 * time.Second })
		done := make(chan result, 1)
		start := time.Now()
		go func() { done <- get(w, "http://bad/") }()
		deadline := time.After(10 * time.Second)
		for finished := false; !finished; {
			select {
			case r := <-done:
				if r.status < 500 || r.body == "escaped" {
					t.Errorf("%s: %d %q", name, r.status, r.body)
				}
				finished = true
			case <-deadline:
				t.Fatalf("%s did not end within 10s", name)
			default:
				ns := time.Now()
				if r := get(neighbour, "http://ok/"); r.body != "fine" || time.Since(ns) > time.Second {
					t.Fatalf("%s: the neighbour answered %q after %s", name, r.body, time.Since(ns))
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		t.Logf("%s ended after %s", name, time.Since(start).Round(time.Millisecond))
	}
}

// A run is entered in the memory guard by its watchdog's first check, a millisecond in, so short
// runs never take the guard's lock; it leaves when the run stops.
func TestMemoryGuardHoldsOnlyLongRuns(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "w", `export default { fetch() { return new Response("ok") } }`, nil)
	in, err := w.get()
	if err != nil {
		t.Fatal(err)
	}
	inGuard := func() bool {
		e.memory.mu.Lock()
		defer e.memory.mu.Unlock()
		_, ok := e.memory.running[in]
		return ok
	}
	in.watch.start(time.Second)
	if inGuard() {
		t.Fatal("a run just begun is in the guard")
	}
	for deadline := time.Now().Add(5 * time.Second); !inGuard(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			in.watch.stop()
			t.Fatal("a run past its first check is not in the guard")
		}
	}
	in.watch.stop()
	if inGuard() {
		t.Fatal("a stopped run is still in the guard")
	}
}

// TestMemoryGuardWatchesOnlyWhileRunsAreGuarded: the heap watcher starts with the first guarded run
// and ends once none is left, so an idle server has no timer waking it every few milliseconds.
func TestMemoryGuardWatchesOnlyWhileRunsAreGuarded(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "w", `export default { fetch() { return new Response("ok") } }`, nil)
	watching := func() bool {
		e.memory.mu.Lock()
		defer e.memory.mu.Unlock()
		return e.memory.watching
	}
	waitFor := func(want bool, what string) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); watching() != want; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal(what)
			}
		}
	}
	if r := get(w, "http://w/"); r.body != "ok" {
		t.Fatal(r.status, r.body)
	}
	waitFor(false, "the watcher outlived the runs of loading and serving") // loading ran long enough to be guarded
	in, err := w.get()
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 2; round++ { // a watcher that ended starts again for the next long run
		in.watch.start(time.Second)
		waitFor(true, "no watcher while a run is guarded")
		in.watch.stop()
		waitFor(false, "the watcher outlived the last guarded run")
	}
}

func TestAllocationBombsFailTheirRequestOnly(t *testing.T) {
	e := newTestEngine()
	e.Engine = NewEngine(EngineConfig{Logs: e.logs, Services: e.services, MemoryLimit: 256 << 20})
	neighbour := e.load(t, "ok", `export default { fetch() { return new Response("fine") } }`, nil)
	bombs := map[string]string{
		"huge repeat":      `"x".repeat(2 ** 30);`,
		"huge padStart":    `"".padStart(2 ** 30, "ab");`,
		"string doubling":  `let s = "0123456789abcdef"; for (let i = 0; i < 40; i++) s += s;`,
		"growing arrays":   `const keep = []; for (;;) keep.push(new Array(100000).fill(1.5));`,
		"retained strings": `const keep = []; for (let i = 0; ; i++) keep.push("x".repeat(1 << 20) + i);`,
	}
	for name, body := range bombs {
		w := e.load(t, "bomb-"+strings.ReplaceAll(name, " ", "-"), `export default { async fetch() { `+body+` return new Response("escaped") } }`,
			func(s *WorkerSpec) { s.CPULimit = raceSlowdown * 2 * time.Second }) // beyond the default, so the memory guard gets its chance
		r := get(w, "http://b/")
		if r.status < 500 && !strings.Contains(e.logs.text(), "RangeError") || r.body == "escaped" {
			t.Errorf("%s: %d %q", name, r.status, r.body)
		}
		if r := get(neighbour, "http://ok/"); r.body != "fine" {
			t.Fatalf("after %s the neighbour says %q", name, r.body)
		}
		t.Logf("%s: %d %s", name, r.status, strings.TrimSpace(r.body))
		if name == "retained strings" && !strings.Contains(r.body, "memory limit") {
			t.Errorf("retained strings were not stopped by the memory guard: %s", r.body)
		}
	}
}

// Idle runtimes are only a cache: when they are what holds the heap over the limit, the memory guard
// drops them and lets the running script finish, instead of stopping it.
func TestMemoryGuardDropsIdleRuntimesBeforeStoppingScripts(t *testing.T) {
	e := newTestEngine()
	e.Engine = NewEngine(EngineConfig{Logs: e.logs, Services: e.services, MemoryLimit: 1 << 40}) // set below
	// Each runtime of "heavy" keeps 40 MiB in its module state, made by its first request (a start-up
	// has a fixed CPU budget, which the race detector's slowdown would exceed). Three requests overlap,
	// so three runtimes serve them and are pooled.
	heavy := e.load(t, "heavy", `let kept;
export default { async fetch() {
  kept ??= "x".repeat(1024).repeat(40 << 10);
  await new Promise((r) => setTimeout(r, 500));
  return new Response(String(kept.length));
} }`, func(s *WorkerSpec) { s.CPULimit = raceSlowdown * 2 * time.Second })
	getAtOnce(t, heavy, 3, "41943040")
	if n := heavy.idle.len(); n != 3 {
		t.Fatalf("%d heavy runtimes pooled, want 3", n)
	}
	// The limit goes 50 MiB above the heap as it is now, idle runtimes included, so what earlier tests
	// leave behind cannot decide the outcome: measured at the start, it failed now and then in CI.
	setLimitAboveHeap(t, e.Engine, 50<<20)
	// A script that holds 100 MiB for a while: the heap is over the limit only with the idle runtimes
	// (120 MiB).
	busy := e.load(t, "busy", `export default { fetch() {
  const held = ["y", "z"].map((c) => c.repeat(1024).repeat(50 << 10)); // strings stop at 64 Mi
  const end = Date.now() + 300; let n = 0;
  while (Date.now() < end) n += [n].length;
  return new Response(held.length > 0 ? "finished" : "");
} }`, func(s *WorkerSpec) { s.CPULimit = raceSlowdown * 2 * time.Second })
	if r := get(busy, "http://b/"); r.body != "finished" {
		t.Fatalf("the running script was stopped: %d %s", r.status, r.body)
	}
	if n := heavy.idle.len(); n != 0 {
		t.Fatalf("%d idle heavy runtimes were kept over the memory limit", n)
	}
}

func TestNoSharedGlobalsAndSubrequestLimit(t *testing.T) {
	e := newTestEngine()
	polluter := e.load(t, "polluter", `export default { fetch() {
  Object.prototype.polluted = "yes"; Array.prototype.push = () => 0; globalThis.leak = "global";
  return new Response("done");
} }`, nil)
	victim := e.load(t, "victim", `export default { fetch() {
  const a = []; a.push(1);
  return Response.json({ proto: ({}).polluted === undefined, push: a.length === 1, global: typeof leak === "undefined" });
} }`, nil)
	get(polluter, "http://p/")
	if r := get(victim, "http://v/"); r.body != `{"proto":true,"push":true,"global":true}` {
		t.Fatalf("another service's globals leaked: %s", r.body)
	}
	greedy := e.load(t, "greedy", `export default { async fetch() {
  const results = await Promise.allSettled(Array.from({ length: 2000 }, () => fetch("http://127.0.0.1:1/")));
  const limited = results.filter((r) => r.status === "rejected" && /Too many subrequests/.test(r.reason.message)).length;
  return Response.json({ limited });
} }`, func(s *WorkerSpec) { s.CPULimit = 5 * time.Second }) // 2,000 promises cost more than the default 50 ms
	r := get(greedy, "http://g/")
	if r.body != `{"limited":1950}` {
		t.Fatalf("subrequest limit: %s %s", r.body, e.logs.text())
	}
}

// panickingServices is a dispatcher with a bug: it panics on every call.
type panickingServices struct{}

func (panickingServices) ServiceWorker(context.Context, string, string, *http.Request) (*Worker, func(*http.Response, error), error) {
	panic("dispatcher bug")
}

func (panickingServices) CallService(context.Context, string, string, string, string, string) (string, error) {
	panic("dispatcher bug")
}

// A Go panic in work done for a script off the loop fails that call, not the process.
func TestPanicInABindingFailsOnlyTheCall(t *testing.T) {
	e := NewEngine(EngineConfig{Services: panickingServices{}})
	b, err := Build([]Module{{Name: "index.js", Content: `export default { async fetch(req, env) {
  const out = [];
  try { await env.S.fetch("http://s/"); } catch (err) { out.push(err.message); }
  try { await env.S.add(1); } catch (err) { out.push(err.message); }
  return new Response(out.join(" | "));
} }`}}, "index.js")
	if err != nil {
		t.Fatal(err)
	}
	w, err := e.Load(WorkerSpec{ID: "p", Label: "p", Bundle: b, Bindings: []Binding{{Name: "S", Type: "service", Target: map[string]string{"service": "s"}}}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if r := get(w, "http://p/"); r.status != 200 || strings.Count(r.body, "internal error: dispatcher bug") != 2 {
			t.Fatalf("got %d %q", r.status, r.body)
		}
	}
}

// The CPU watchdog learns of garbage collections from a cheap counter; it must advance.
func TestGCCounterAdvances(t *testing.T) {
	before := gcCycles()
	for deadline := time.Now().Add(5 * time.Second); gcCycles() == before; time.Sleep(time.Millisecond) {
		goruntime.GC()
		if time.Now().After(deadline) {
			t.Fatal("the GC counter never moved")
		}
	}
}

// goja's own JSON.stringify scanned the whole path at each level, so a value nested 100,000 deep kept
// a native call busy for seconds where no CPU limit reaches; it is now refused at once, as in V8.
func TestDeeplyNestedJSONIsRefused(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "deep", `export default { fetch() {
  let a = [], o = {};
  for (let i = 0; i < 100000; i++) { a = [a]; o = { o }; }
  const out = [];
  for (const f of [() => JSON.stringify(a), () => JSON.stringify(o, null, 1), () => JSON.stringify(a, (k, v) => v)]) {
    try { f(); out.push("finished"); } catch (err) { out.push(err.name); }
  }
  return Response.json(out);
} }`, func(s *WorkerSpec) { s.CPULimit, s.WallLimit = 10*time.Second, 10*time.Second })
	start := time.Now()
	r := get(w, "http://deep/")
	if r.body != `["RangeError","RangeError","RangeError"]` {
		t.Fatalf("got %d %s after %s\n%s", r.status, r.body, time.Since(start), e.logs.text())
	}
}

// setLimitAboveHeap sets the memory guard's limit to the live heap plus above, once its watcher has
// stopped: no run reads the limit then, and the next watcher starts after the write.
func setLimitAboveHeap(t *testing.T, e *Engine, above uint64) {
	t.Helper()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		e.memory.mu.Lock()
		if !e.memory.watching {
			goruntime.GC()
			metrics.Read(sample)
			e.memory.limit = sample[0].Value.Uint64() + above
			e.memory.mu.Unlock()
			return
		}
		e.memory.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatal("the memory guard's watcher did not stop")
		}
	}
}
