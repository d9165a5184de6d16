package runtime

import (
	"fmt"
	"net/http"
	"net/textproto"
	"reflect"
	"strings"
	"testing"

	"github.com/dop251/goja"
)

func TestEventsAbortBlobAndFormData(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "web", `export default { async fetch(req) {
  const out = {};
  const target = new EventTarget(); let seen = [];
  target.addEventListener("ping", (ev) => seen.push(ev.type), { once: true });
  target.dispatchEvent(new Event("ping")); target.dispatchEvent(new Event("ping"));
  out.events = seen;
  const ac = new AbortController(); let reason;
  ac.signal.addEventListener("abort", () => { reason = ac.signal.reason.name; });
  ac.abort();
  out.abort = [ac.signal.aborted, reason];
  try { await fetch("http://127.0.0.1:1/", { signal: AbortSignal.abort() }); } catch (err) { out.fetchAbort = err.name; }
  const t = await new Promise((r) => AbortSignal.timeout(5).addEventListener("abort", function () { r(this.reason.name) }));
  out.timeout = t;
  const blob = new Blob(["ab", new Uint8Array([99]), new Blob(["d"])], { type: "Text/Plain" });
  out.blob = [blob.size, blob.type, await blob.slice(1, 3).text(), await new Response(blob).text()];
  const fd = new FormData();
  fd.append("name", "ada"); fd.append("file", new Blob(["file body"], { type: "text/plain" }), "a.txt"); fd.append("name", "bob");
  const res = new Response(fd);
  const ct = res.headers.get("content-type");
  const back = await res.formData();
  const file = back.get("file");
  out.form = [ct.startsWith("multipart/form-data; boundary="), back.getAll("name"), file.name, file.type, await file.text()];
  const url = await new Request("http://x/", { method: "POST", body: new URLSearchParams("a=1&b=2&a=3") }).formData();
  out.urlencoded = url.getAll("a");
  try { await new Response("x", { headers: { "content-type": "text/plain" } }).formData(); } catch (err) { out.badForm = err.name; }
  return Response.json(out);
} }`, nil)
	r := get(w, "http://w/")
	want := `{"events":["ping"],"abort":[true,"AbortError"],"fetchAbort":"AbortError","timeout":"TimeoutError",` +
		`"blob":[4,"text/plain","bc","abcd"],"form":[true,["ada","bob"],"a.txt","text/plain","file body"],"urlencoded":["1","3"],"badForm":"TypeError"}`
	if r.body != want {
		t.Fatalf("got  %s\nwant %s\n%s", r.body, want, e.logs.text())
	}
}

func TestCacheAPI(t *testing.T) {
	e := newStoreEngine(t)
	src := `export default { async fetch(req) {
  const url = new URL(req.url), c = caches.default, named = await caches.open("pages");
  const out = {};
  await c.put("http://x/a", new Response("cached a", { headers: { "cache-control": "max-age=60", "x-kind": "a" } }));
  await c.put("http://x/nostore", new Response("no", { headers: { "cache-control": "no-store" } }));
  await c.put("http://x/cookie", new Response("no", { headers: { "cache-control": "max-age=60", "set-cookie": "a=1" } }));
  await c.put("http://x/short", new Response("gone", { headers: { "cache-control": "max-age=0" } }));
  const hit = await c.match("http://x/a");
  out.hit = [await hit.text(), hit.headers.get("x-kind"), hit.headers.get("cf-cache-status")];
  out.misses = [await c.match("http://x/nostore"), await c.match("http://x/cookie"), await c.match("http://x/short"), await named.match("http://x/a")];
  try { await c.put(new Request("http://x/p", { method: "POST" }), new Response("x")); } catch (err) { out.post = err.message; }
  out.deleted = [await c.delete("http://x/a"), await c.delete("http://x/a")];
  return Response.json(out);
} }`
	w := e.load(t, "cache", src, func(s *WorkerSpec) { s.Namespace = "svc/production" })
	r := get(w, "http://x/")
	want := `{"hit":["cached a","a","HIT"],"misses":[null,null,null,null],"post":"Cannot cache response to non-GET request.","deleted":[true,false]}`
	if r.body != want {
		t.Fatalf("got  %s\nwant %s\n%s", r.body, want, e.logs.text())
	}
	// Another environment has its own cache.
	other := e.load(t, "cache2", `export default { async fetch() {
  await caches.default.put("http://x/shared", new Response("mine", { headers: { "cache-control": "max-age=60" } }));
  return new Response("ok");
} }`, func(s *WorkerSpec) { s.Namespace = "svc/staging" })
	get(other, "http://x/")
	peek := e.load(t, "cache3", `export default { async fetch() { return new Response(String(await caches.default.match("http://x/shared"))) } }`,
		func(s *WorkerSpec) { s.Namespace = "svc/production" })
	if r := get(peek, "http://x/"); r.body != "undefined" {
		t.Fatalf("production sees staging's cache: %s", r.body)
	}
}

func TestRequestCF(t *testing.T) {
	e := newTestEngine()
	e.Engine = NewEngine(EngineConfig{Logs: e.logs, Services: e.services, CFHeaders: map[string]string{"country": "X-Geo-Country"}})
	w := e.load(t, "cf", `export default { fetch(req) { return Response.json({ country: req.cf.country, proto: req.cf.httpProtocol, colo: req.cf.colo }) } }`, nil)
	r := do(w, "GET", "http://x/", "", map[string]string{"X-Geo-Country": "NZ"})
	if r.body != `{"country":"NZ","proto":"HTTP/1.1","colo":"WEFT"}` {
		t.Fatalf("got %s %s", r.body, e.logs.text())
	}
	// The same pooled runtime serves the next requests: each sees its own method and request.cf.
	each := e.load(t, "cf-each", `export default { fetch(req) { return new Response(req.method + " " + req.cf.country) } }`, nil)
	for _, c := range []struct{ method, country, want string }{
		{"POST", "AU", "POST AU"}, {"POST", "AU", "POST AU"}, {"GET", "", "GET undefined"}, {"PUT", "NZ", "PUT NZ"},
	} {
		if r := do(each, c.method, "http://x/", "", map[string]string{"X-Geo-Country": c.country}); r.body != c.want {
			t.Fatalf("%s from %q: got %q, want %q", c.method, c.country, r.body, c.want)
		}
	}
	// request.cf is an ordinary object, the same one on every read, with its fields in a fixed
	// order; a script may replace it, and a Request made from this one carries it.
	w = e.load(t, "cf2", `JSON.parse = () => "the script's own";
export default { fetch(req) {
  const first = JSON.stringify(req.cf), same = req.cf === req.cf, proto = Object.getPrototypeOf(req.cf) === Object.prototype;
  req.cf.added = 1;
  const copied = new Request(req).cf.added;
  req.cf = { mine: true };
  return Response.json({ first, same, proto, copied, replaced: req.cf.mine });
} }`, nil)
	r = do(w, "GET", "http://x/", "", map[string]string{"X-Geo-Country": `N"Z\`, "Accept-Encoding": "gzip"})
	want := `{"first":"{\"colo\":\"WEFT\",\"httpProtocol\":\"HTTP/1.1\",\"clientAcceptEncoding\":\"gzip\",\"country\":\"N\\\"Z\\\\\"}","same":true,"proto":true,"copied":1,"replaced":true}`
	if r.body != want {
		t.Fatalf("got  %s\nwant %s\n%s", r.body, want, e.logs.text())
	}
}

func TestStreamsPipesAndCompression(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "streams", `export default { async fetch() {
  const out = {};
  const upper = new TransformStream({ transform(chunk, c) { c.enqueue(chunk.toUpperCase()); }, flush(c) { c.enqueue("!"); } });
  const text = await new Response(ReadableStream.from(["a", "b", "c"]).pipeThrough(upper).pipeThrough(new TextEncoderStream())).text();
  out.transform = text;
  const written = [];
  await ReadableStream.from([1, 2, 3]).pipeTo(new WritableStream({ write(x) { written.push(x * 10); } }));
  out.pipeTo = written;
  const gz = new Response("hello hello hello hello").body.pipeThrough(new CompressionStream("gzip"));
  const bytes = new Uint8Array(await new Response(gz).arrayBuffer());
  out.gzipMagic = [bytes[0], bytes[1]];
  const back = await new Response(new Response(bytes).body.pipeThrough(new DecompressionStream("gzip"))).text();
  out.roundTrip = back;
  const deflated = await new Response(new Response("x".repeat(1000)).body.pipeThrough(new CompressionStream("deflate-raw"))).arrayBuffer();
  out.deflateSmaller = deflated.byteLength < 100;
  out.decoded = await new Response(new Response("héllo").body.pipeThrough(new TextDecoderStream()).pipeThrough(new TextEncoderStream())).text();
  try { new CompressionStream("brotli"); } catch (err) { out.badFormat = err.name; }
  try { await new Response(new Response("not gzip").body.pipeThrough(new DecompressionStream("gzip"))).text(); } catch (err) { out.corrupt = err.name; }
  return Response.json(out);
} }`, nil)
	r := get(w, "http://s/")
	want := `{"transform":"ABC!","pipeTo":[10,20,30],"gzipMagic":[31,139],"roundTrip":"hello hello hello hello","deflateSmaller":true,"decoded":"héllo","badFormat":"TypeError","corrupt":"TypeError"}`
	if r.body != want {
		t.Fatalf("got  %s\nwant %s\n%s", r.body, want, e.logs.text())
	}
}

// A string body is kept as a string until its bytes are needed; wherever they are made (Go on the
// way out, TextEncoder in the script), a lone surrogate becomes U+FFFD, as TextEncoder does.
func TestStringBodiesEncodeLikeTextEncoder(t *testing.T) {
	e := newTestEngine()
	e.load(t, "echo", `export default { async fetch(req) { return new Response(new Uint8Array(await req.arrayBuffer())) } }`, nil)
	w := e.load(t, "strings", `export default { async fetch(req, env) {
  const s = "a\uD800b\u00e9";
  const viaScript = [...new TextEncoder().encode(s)].join();
  const viaBinding = [...new Uint8Array(await (await env.ECHO.fetch("http://echo/", { method: "POST", body: s })).arrayBuffer())].join();
  const clone = new Response(s).clone();
  const again = [await clone.text(), (await new Response(s).arrayBuffer()).byteLength];
  if (new URL(req.url).pathname === "/raw") return new Response(s);
  return Response.json({ viaScript, viaBinding, again });
} }`, func(s *WorkerSpec) {
		s.Bindings = []Binding{{Name: "ECHO", Type: "service", Target: map[string]string{"service": "echo"}}}
	})
	r := get(w, "http://strings/raw")
	if r.body != "a\uFFFDb\u00e9" {
		t.Fatalf("raw body %q", r.body)
	}
	r = get(w, "http://strings/")
	want := `{"viaScript":"97,239,191,189,98,195,169","viaBinding":"97,239,191,189,98,195,169","again":["a` + "\uFFFD" + `b` + "\u00e9" + `",7]}`
	if r.body != want {
		t.Fatalf("got %s\nwant %s", r.body, want)
	}
}

// Headers cross a service binding whole whether the script reads them or passes them on untouched
// (the untouched list goes back to Go as it came), and a change made on the way is what is sent.
func TestHeadersCrossServiceBindingsReadOrUntouched(t *testing.T) {
	e := newTestEngine()
	e.load(t, "inner", `export default { fetch(req) {
  const h = new Headers({ "x-inner": "saw " + req.headers.get("x-caller") });
  h.append("set-cookie", "a=1"); h.append("set-cookie", "b=2");
  return new Response("inner", { headers: h });
} }`, nil)
	w := e.load(t, "outer", `export default { async fetch(req, env) {
  switch (new URL(req.url).pathname) {
    case "/pass": return env.INNER.fetch(req);
    case "/touch": {
      const r = new Request(req); r.headers.set("x-caller", "changed");
      const got = await env.INNER.fetch(r), res = new Response(got.body, got);
      res.headers.set("x-outer", "1");
      return res;
    }
    case "/read": {
      const res = await env.INNER.fetch(req.url, { headers: req.headers });
      return new Response(res.headers.get("x-inner") + "|" + res.headers.getSetCookie().join(";") + "|" + [...res.headers.keys()].join(","));
    }
  }
} }`, func(s *WorkerSpec) {
		s.Bindings = []Binding{{Name: "INNER", Type: "service", Target: map[string]string{"service": "inner"}}}
	})
	caller := map[string]string{"X-Caller": "c1"}
	r := do(w, "GET", "http://outer/pass", "", caller)
	if r.body != "inner" || r.header.Get("X-Inner") != "saw c1" || len(r.header.Values("Set-Cookie")) != 2 {
		t.Fatalf("passed through: %q %v", r.body, r.header)
	}
	r = do(w, "GET", "http://outer/touch", "", caller)
	if r.header.Get("X-Inner") != "saw changed" || r.header.Get("X-Outer") != "1" || len(r.header.Values("Set-Cookie")) != 2 {
		t.Fatalf("changed on the way: %q %v", r.body, r.header)
	}
	r = do(w, "GET", "http://outer/read", "", caller)
	if want := "saw c1|a=1;b=2|content-type,set-cookie,set-cookie,x-inner"; r.body != want {
		t.Fatalf("read: %q, want %q", r.body, want)
	}
}

// A request passed on through a binding reaches the callee with the URL and headers the caller's
// Request had, whether its header block went on untouched (and the callee takes it as it is) or the
// script rebuilt the headers (and they went through Go's header map).
func TestRequestsCrossServiceBindingsAsSent(t *testing.T) {
	e := newTestEngine()
	e.load(t, "inner", `export default { fetch(req) {
  return Response.json({ method: req.method, url: req.url, headers: [...req.headers] });
} }`, nil)
	w := e.load(t, "outer", `export default { async fetch(req, env) {
  if (new URL(req.url).pathname === "/rebuilt/a%20b") return env.INNER.fetch(new Request(req.url, { method: req.method, headers: [...req.headers] }));
  return env.INNER.fetch(req);
} }`, func(s *WorkerSpec) {
		s.Bindings = []Binding{{Name: "INNER", Type: "service", Target: map[string]string{"service": "inner"}}}
	})
	headers := map[string]string{"X-Caller": "c1", "Accept": "text/html"}
	want := `{"method":"PUT","url":"http://outer/%s/a%%20b?q=%%22x%%22","headers":[["accept","text/html"],["host","outer"],["x-caller","c1"]]}`
	for _, path := range []string{"passed", "rebuilt"} {
		r := do(w, "PUT", "http://outer/"+path+"/a%20b?q=\"x\"", "", headers)
		if want := fmt.Sprintf(want, path); r.body != want {
			t.Errorf("%s: %s\nwant %s", path, r.body, want)
		}
	}
}

// A response's headers are made only when read; whether read before or after the body is given, or
// never, what reaches the client is the same: the body's implied content type unless one was set.
// headers is an accessor on the prototype, read-only as in workerd.
func TestResponseHeadersBuiltOnFirstUse(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "lazy", `export default { fetch(req) {
  const mode = new URL(req.url).pathname.slice(1);
  if (mode === "untouched") return new Response("plain");
  if (mode === "read") { const r = new Response("plain"); r.headers.set("x-read", r.headers.get("content-type")); return r; }
  if (mode === "given") return new Response("{}", { headers: { "content-type": "application/json", "x-given": "1" } });
  if (mode === "null") return new Response("x", { headers: null });
  if (mode === "replaced") { const r = new Response("x"); try { r.headers = new Headers({ "x-only": "1" }); } catch {} return r; }
  if (mode === "empty") { const r = new Response(null, { status: 201 }); return new Response(String([r.status, r.headers.has("content-type"), Object.keys(r).includes("headers")])); }
  return new Response("?", { status: 404 });
} }`, nil)
	for _, c := range []struct{ path, header, want string }{
		{"/untouched", "Content-Type", "text/plain;charset=UTF-8"},
		{"/read", "X-Read", "text/plain;charset=UTF-8"},
		{"/read", "Content-Type", "text/plain;charset=UTF-8"},
		{"/given", "Content-Type", "application/json"},
		{"/given", "X-Given", "1"},
		{"/null", "Content-Type", "text/plain;charset=UTF-8"},
	} {
		r := get(w, "http://lazy"+c.path)
		if got := r.header.Get(c.header); r.status != 200 || got != c.want {
			t.Errorf("%s: status %d, %s = %q, want %q\n%s", c.path, r.status, c.header, got, c.want, e.logs.text())
		}
	}
	if r := get(w, "http://lazy/empty"); r.body != "201,false,false" {
		t.Errorf("empty: %q", r.body)
	}
	if r := get(w, "http://lazy/replaced"); r.header.Get("X-Only") != "" || r.header.Get("Content-Type") != "text/plain;charset=UTF-8" {
		t.Errorf("replaced: headers is read-only, as in workerd, but got %v", r.header)
	}
}

// Scripts may subclass Request and Response (they inherit Body's methods through their prototypes,
// not extends): a subclass instance reads its body, passes instanceof, and answers a request.
func TestRequestAndResponseSubclasses(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "sub", `class Page extends Response {
  constructor(title) { super("<h1>" + title + "</h1>", { headers: { "content-type": "text/html" } }); this.title = title; }
}
class Tagged extends Request {
  constructor(url, tag) { super(url, { method: "POST", body: tag }); this.tag = tag; }
}
class Plain extends Response {}
export default { async fetch(req) {
  const t = new Tagged("http://x/t", "hi");
  const checks = [t instanceof Request, t instanceof Tagged, t.method, await t.text(), t.bodyUsed,
    new Plain("p") instanceof Response, await new Plain("p").text(), new Plain("p").headers.get("content-type"),
    typeof Response.prototype.arrayBuffer, req instanceof Request,
    Object.getPrototypeOf(Response) === Object.getPrototypeOf(Request) && Object.getPrototypeOf(Response) !== Function.prototype];
  if (new URL(req.url).pathname === "/checks") return Response.json(checks);
  return new Page("welcome");
} }`, nil)
	if r := get(w, "http://sub/checks"); r.body != `[true,true,"POST","hi",true,true,"p","text/plain;charset=UTF-8","function",true,true]` {
		t.Fatalf("checks: %d %s\n%s", r.status, r.body, e.logs.text())
	}
	if r := get(w, "http://sub/page"); r.status != 200 || r.body != "<h1>welcome</h1>" || r.header.Get("Content-Type") != "text/html" {
		t.Fatalf("page: %d %q %v\n%s", r.status, r.body, r.header, e.logs.text())
	}
}

// Headers cross between Go and the script as one string block; a value Go could hold but the block
// cannot (a NUL) switches to the array form, and both read back the same.
func TestHeaderListsRoundTrip(t *testing.T) {
	vm := goja.New()
	for _, h := range []http.Header{
		{},
		{"Content-Type": {"text/plain"}, "Set-Cookie": {"a=1", "b=2"}, "X-Empty": {""}},
		{"X-Nul": {"a\x00b"}, "Accept": {"*/*"}},
	} {
		hostList, err := headerList(headerArray(vm, h, "example.com"))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []goja.Value{headerBlock(vm, h, "example.com"), headerArray(vm, h, "example.com"), listBlock(vm, hostList)} {
			list, err := headerList(v)
			if err != nil {
				t.Fatal(err)
			}
			got := http.Header{}
			for _, kv := range list {
				addHeader(got, kv[0], kv[1])
			}
			want := h.Clone()
			want.Set("Host", "example.com")
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%T: got %v, want %v", v, got, want)
			}
		}
	}
	for lower, name := range canonicalNames { // a name spelled otherwise would hide from Header.Get
		if want := textproto.CanonicalMIMEHeaderKey(lower); name != want || strings.ToLower(name) != lower {
			t.Errorf("canonicalNames[%q] = %q, want %q", lower, name, want)
		}
	}
	if _, err := headerList(vm.ToValue("odd\x00count\x00list")); err == nil {
		t.Fatal("a block with a name and no value was accepted")
	}
	if _, err := headerList(vm.ToValue([]any{"name", 1})); err == nil {
		t.Fatal("a number as a header value was accepted")
	}
}
