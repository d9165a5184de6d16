package runtime

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// serve puts a worker behind a real HTTP server.
func serve(t *testing.T, w http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	return srv
}

// getWhole GETs url and reads the whole body, returning the error the read ended with.
func getWhole(t *testing.T, url string) (*http.Response, []byte, error) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res, body, err
}

// A stream that never ends can only be answered if the body is streamed, not collected first.
func TestEndlessResponseStreamIsServedChunkByChunk(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "endless", `export default { fetch() {
  const chunk = new Uint8Array(65536).fill(120);
  return new Response(new ReadableStream({ pull(c) { c.enqueue(chunk) } }), { headers: { "content-type": "text/plain" } });
} }`, func(s *WorkerSpec) { s.CPULimit = time.Minute }) // streaming costs CPU time, as in Workers
	srv := serve(t, w)
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	const want = 16 << 20
	n, err := io.CopyN(io.Discard, res.Body, want)
	res.Body.Close()
	if err != nil || n != want || res.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("read %d bytes: %v (%v)", n, err, res.Header)
	}
	// The runtime that served the abandoned stream is freed: the worker still answers.
	res2, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Body.Close()
	if n, _ := io.CopyN(io.Discard, res2.Body, 1<<20); n != 1<<20 {
		t.Fatalf("second request read %d", n)
	}
}

func TestStreamedResponseArrivesWholeAndWaitUntilRunsAfterIt(t *testing.T) {
	e := newStoreEngine(t)
	w := e.load(t, "chunks", `export default { fetch(req, env, ctx) {
  let i = 0;
  ctx.waitUntil(Promise.resolve().then(() => console.log("waitUntil ran after the stream")));
  return new Response(new ReadableStream({ async pull(c) {
    await new Promise((r) => setTimeout(r, 1));
    if (i === 100) return c.close();
    c.enqueue(new TextEncoder().encode(String(i++).padStart(3, "0") + ","));
  } }));
} }`, nil)
	res, body, _ := getWhole(t, serve(t, w).URL)
	var want strings.Builder
	for i := range 100 {
		fmt.Fprintf(&want, "%03d,", i)
	}
	if string(body) != want.String() || res.TransferEncoding[0] != "chunked" {
		t.Fatalf("body %q (%v)", body, res.TransferEncoding)
	}
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(e.logs.text(), "waitUntil ran after the stream"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waitUntil never ran after a stream: %s", e.logs.text())
		}
	}
}

// Chunks a script makes back to back leave in a few large writes, not one write and flush each.
func TestBackToBackChunksAreWrittenTogether(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "burst", `export default { fetch() {
  let sent = 0;
  return new Response(new ReadableStream({ pull(c) {
    if (sent === 64) return c.close();
    c.enqueue(new Uint8Array(16384).fill(97 + (sent++ % 26)));
  } }));
} }`, func(s *WorkerSpec) { s.CPULimit = time.Minute })
	rec := &countingWriter{ResponseRecorder: httptest.NewRecorder()}
	w.ServeHTTP(rec, httptest.NewRequest("GET", "http://burst/", nil))
	body := rec.Body.Bytes()
	if len(body) != 64*16384 || body[0] != 'a' || body[len(body)-1] != 'a'+63%26 {
		t.Fatalf("body of %d bytes", len(body))
	}
	if rec.writes > 8 || rec.flushes > 2 {
		t.Fatalf("64 chunks took %d writes and %d flushes", rec.writes, rec.flushes)
	}
}

type countingWriter struct {
	*httptest.ResponseRecorder
	writes, flushes int
}

func (c *countingWriter) Write(p []byte) (int, error) { c.writes++; return c.ResponseRecorder.Write(p) }
func (c *countingWriter) Flush()                      { c.flushes++; c.ResponseRecorder.Flush() }

// A chunk goes out as soon as the script has to wait for the next: the script's second chunk waits
// for the client to have the first.
func TestChunkIsSentBeforeTheScriptWaits(t *testing.T) {
	gotFirst := make(chan struct{})
	origin := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		select {
		case <-gotFirst:
			io.WriteString(rw, "second")
		case <-time.After(5 * time.Second):
			io.WriteString(rw, "the client never got the first chunk")
		}
	}))
	defer origin.Close()
	e := newTestEngine()
	w := e.load(t, "slow", `export default { fetch() {
  let step = 0;
  return new Response(new ReadableStream({ async pull(c) {
    if (step === 2) return c.close();
    if (step++ === 0) return c.enqueue(new TextEncoder().encode("first,"));
    c.enqueue(new TextEncoder().encode(await (await fetch("`+origin.URL+`")).text()));
  } }));
} }`, nil)
	srv := serve(t, w)
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	first := make([]byte, len("first,"))
	if _, err := io.ReadFull(res.Body, first); err != nil || string(first) != "first," {
		t.Fatalf("first chunk %q: %v", first, err)
	}
	close(gotFirst)
	if rest, err := io.ReadAll(res.Body); err != nil || string(rest) != "second" {
		t.Fatalf("rest %q: %v", rest, err)
	}
}

func TestStreamFailingMidwayCutsTheConnection(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "fails", `export default { fetch() {
  let i = 0;
  return new Response(new ReadableStream({ pull(c) {
    if (i++ === 3) throw new Error("disk on fire");
    c.enqueue(new Uint8Array(10));
  } }));
} }`, nil)
	_, _, err := getWhole(t, serve(t, w).URL)
	if err == nil {
		t.Fatal("a stream that failed midway looked complete to the client")
	}
	if !strings.Contains(e.logs.text(), "disk on fire") {
		t.Fatalf("logs: %s", e.logs.text())
	}
}

// A chunk that is not bytes fails the response, even one that looks like the end (null).
func TestStreamOfNonBytesFails(t *testing.T) {
	for _, chunk := range []string{"null", "undefined", "42", "{}"} {
		e := newTestEngine()
		w := e.load(t, "notbytes", `export default { fetch() {
  return new Response(new ReadableStream({ start(c) { c.enqueue(new Uint8Array([65])); c.enqueue(`+chunk+`); c.close(); } }));
} }`, nil)
		_, body, err := getWhole(t, serve(t, w).URL)
		if err == nil || !strings.Contains(e.logs.text(), "did not return bytes") {
			t.Fatalf("chunk %s: body %q, read error %v, logs %s", chunk, body, err, e.logs.text())
		}
	}
}

// A fetched body returned as the response goes from socket to socket: the origin holds back its
// second half until the client has the first, which a buffering proxy would never deliver.
func TestFetchedBodyPassesThroughWithoutBuffering(t *testing.T) {
	half := bytes.Repeat([]byte("a"), 4<<20)
	gotFirst := make(chan struct{})
	origin := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("X-Origin", "1")
		rw.Write(half)
		rw.(http.Flusher).Flush()
		select {
		case <-gotFirst:
		case <-r.Context().Done(): // the subrequest was cut off: fail, rather than hang origin.Close
			return
		}
		rw.Write(bytes.ToUpper(half))
	}))
	defer origin.Close()
	e := newTestEngine()
	w := e.load(t, "proxy", `export default { fetch(req) { return fetch("`+origin.URL+`") } }`, nil)
	srv := serve(t, w)
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	first := make([]byte, len(half))
	if _, err := io.ReadFull(res.Body, first); err != nil || !bytes.Equal(first, half) {
		t.Fatalf("first half: %v", err)
	}
	close(gotFirst)
	rest, err := io.ReadAll(res.Body)
	if err != nil || !bytes.Equal(rest, bytes.ToUpper(half)) || res.Header.Get("X-Origin") != "1" {
		t.Fatalf("second half: %d bytes, %v", len(rest), err)
	}
}

func TestLargeRequestBodyStreamsToTheScript(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "sink", `export default { async fetch(req) {
  if (new URL(req.url).pathname === "/echo") return new Response(req.body);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await req.arrayBuffer()));
  return new Response([...digest].map((b) => b.toString(16).padStart(2, "0")).join(""));
} }`, nil)
	srv := serve(t, w)
	data := bytes.Repeat([]byte("0123456789abcdef"), 3<<20/16*2) // 6 MiB, sent chunked
	pr, pw := io.Pipe()
	go func() {
		for off := 0; off < len(data); off += 100_000 {
			pw.Write(data[off:min(off+100_000, len(data))])
		}
		pw.Close()
	}()
	res, err := http.Post(srv.URL, "application/octet-stream", pr)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if want := fmt.Sprintf("%x", sha256.Sum256(data)); string(got) != want {
		t.Fatalf("digest %s, want %s", got, want)
	}
	// Echoing the request body answers while it is still being sent (full duplex).
	res, err = http.Post(srv.URL+"/echo", "application/octet-stream", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	echoed, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !bytes.Equal(echoed, data) {
		t.Fatalf("echo returned %d bytes", len(echoed))
	}
}

func TestRequestBodyOverTheLimitFails(t *testing.T) {
	l := &limitedBody{rc: io.NopCloser(strings.NewReader("0123456789")), left: 4}
	b, err := io.ReadAll(l)
	if err != errBodyTooLarge || string(b) != "0123" {
		t.Fatalf("got %q, %v", b, err)
	}
	l = &limitedBody{rc: io.NopCloser(strings.NewReader("0123")), left: 4}
	if b, err := io.ReadAll(l); err != nil || string(b) != "0123" {
		t.Fatalf("exactly at the limit: %q, %v", b, err)
	}
}

// A service binding's streamed response reaches the caller chunk by chunk; a caller that stops
// reading releases the callee.
func TestServiceBindingStreamsBothWays(t *testing.T) {
	e := newTestEngine()
	e.load(t, "numbers", `export default { fetch(req) {
  if (req.method === "POST") return new Response(req.body);
  let i = 0;
  return new Response(new ReadableStream({ pull(c) { c.enqueue(new TextEncoder().encode((i++) + ";")) } }));
} }`, nil)
	w := e.load(t, "front", `export default { async fetch(req, env) {
  const path = new URL(req.url).pathname;
  if (path === "/echo") return env.NUMBERS.fetch("http://numbers/", { method: "POST", body: req.body });
  const res = await env.NUMBERS.fetch("http://numbers/");
  if (path === "/raw") return res;
  const reader = res.body.getReader();
  let text = "";
  for (let i = 0; i < 3; i++) text += new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  return new Response(text);
} }`, func(s *WorkerSpec) {
		s.Bindings = []Binding{{Name: "NUMBERS", Type: "service", Target: map[string]string{"service": "numbers"}}}
	})
	srv := serve(t, w)
	for range 3 {
		if r := get(w, "http://front/"); r.body != "0;1;2;" {
			t.Fatalf("got %q: %s", r.body, e.logs.text())
		}
	}
	res, err := http.Get(srv.URL + "/raw")
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 6)
	io.ReadFull(res.Body, head)
	res.Body.Close()
	if string(head) != "0;1;2;" {
		t.Fatalf("raw: %q", head)
	}
	data := strings.Repeat("z", 3<<20)
	res, err = http.Post(srv.URL+"/echo", "text/plain", strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	back, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(back) != data {
		t.Fatalf("echo through a binding: %d bytes %.200q %s", len(back), back, e.logs.text())
	}
}

func TestSubrequestLimitIsPerEnvironment(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { rw.Write([]byte("k")) }))
	defer origin.Close()
	e := newTestEngine()
	w := e.load(t, "three", `export default { async fetch() {
  let out = "";
  for (let i = 0; i < 4; i++) {
    try { out += await (await fetch("`+origin.URL+`")).text() } catch (err) { out += " " + err.message }
  }
  return new Response(out);
} }`, func(s *WorkerSpec) { s.Subrequests = 3 })
	if r := get(w, "http://x/"); r.body != "kkk Too many subrequests (at most 3 per request)" {
		t.Fatalf("got %q", r.body)
	}
}

// At most six outbound requests of one request wait for answers at once; the rest queue.
func TestOutboundConnectionsAreLimitedPerRequest(t *testing.T) {
	var active, peak atomic.Int32
	var mu sync.Mutex
	release := make(chan struct{})
	origin := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		n := active.Add(1)
		mu.Lock()
		if n > peak.Load() {
			peak.Store(n)
		}
		if n == maxConnections {
			close(release) // every slot is taken: let them all go
		}
		mu.Unlock()
		<-release
		active.Add(-1)
		rw.Write([]byte("k"))
	}))
	defer origin.Close()
	e := newTestEngine()
	w := e.load(t, "many", `export default { async fetch() {
  const all = await Promise.all(Array.from({ length: 20 }, () => fetch("`+origin.URL+`").then((r) => r.text())));
  return new Response(all.join(""));
} }`, nil)
	if r := get(w, "http://many/"); r.body != strings.Repeat("k", 20) {
		t.Fatalf("got %q: %s", r.body, e.logs.text())
	}
	if peak.Load() != maxConnections {
		t.Fatalf("peak of %d requests in flight, want %d", peak.Load(), maxConnections)
	}
}

func TestIncomingRequestURLIsNormalised(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "url", `export default { fetch(req) { return new Response(req.url + " " + req.method + " " + req.headers.get("x-a")) } }`, nil)
	srv := serve(t, w)
	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.URL.Opaque = "/a/./b/../c?q=1" // sent as written, dot segments and all
	req.Header.Set("X-A", "v")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if want := srv.URL + "/a/c?q=1 GET v"; string(body) != want {
		t.Fatalf("got %q, want %q", body, want)
	}
}

// A request body the script produces as a stream is sent as it is produced: the origin answers after
// reading its first bytes from an endless stream, which a client that collected the body first
// could never send.
func TestScriptStreamRequestBodyIsSentAsProduced(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		http.NewResponseController(rw).EnableFullDuplex() // answer while the body still arrives
		first := make([]byte, 5)
		io.ReadFull(r.Body, first)
		rw.Write([]byte("origin got " + string(first)))
	}))
	defer origin.Close()
	e := newTestEngine()
	roomy := func(s *WorkerSpec) { s.CPULimit = time.Second } // about streaming; 4 MiB of copies is not free on a loaded machine
	e.load(t, "counter", `export default { async fetch(req) {
  let n = 0;
  const reader = req.body.getReader();
  for (;;) { const { value, done } = await reader.read(); if (done) break; n += value.length; }
  return new Response(String(n));
} }`, roomy)
	w := e.load(t, "sender", `export default { async fetch(req, env) {
  const enc = new TextEncoder();
  if (new URL(req.url).pathname === "/binding") {
    let i = 0;
    const body = new ReadableStream({ pull(c) { if (i++ === 64) c.close(); else c.enqueue(new Uint8Array(65536)); } });
    return env.COUNTER.fetch("http://counter/", { method: "POST", body });
  }
  const endless = new ReadableStream({ pull(c) { c.enqueue(enc.encode("hello, again and again ")); } });
  const res = await fetch("`+origin.URL+`", { method: "POST", body: endless });
  return new Response(await res.text());
} }`, func(s *WorkerSpec) {
		s.Bindings = []Binding{{Name: "COUNTER", Type: "service", Target: map[string]string{"service": "counter"}}}
	})
	if r := get(w, "http://sender/"); r.body != "origin got hello" {
		t.Fatalf("got %q: %s", r.body, e.logs.text())
	}
	if r := get(w, "http://sender/binding"); r.body != strconv.Itoa(64*65536) {
		t.Fatalf("through a binding: %q: %s", r.body, e.logs.text())
	}
}

// Body size, outbound connections and call depth follow the environment's limits.
func TestPerEnvironmentLimits(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "tight", `export default { async fetch(req) {
  if (new URL(req.url).pathname === "/deep") {
    const down = (n) => (n === 0 ? 0 : 1 + down(n - 1));
    return new Response("depth " + down(500));
  }
  return new Response(String((await req.arrayBuffer()).byteLength));
} }`, func(s *WorkerSpec) { s.MaxRequestBody, s.StackDepth = 1<<20, 300 })
	if r := do(w, "POST", "http://x/", strings.Repeat("a", 1<<20), nil); r.body != strconv.Itoa(1<<20) {
		t.Fatalf("1 MiB body: %d %q", r.status, r.body)
	}
	if r := do(w, "POST", "http://x/", strings.Repeat("a", 1<<20+1), nil); r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("1 MiB + 1 body: %d %q", r.status, r.body)
	}
	// Past its call depth a script is stopped, as V8 stops it, and the request fails.
	if r := get(w, "http://x/deep"); r.status != http.StatusInternalServerError || !strings.Contains(e.logs.text(), "Maximum call stack size exceeded") {
		t.Fatalf("recursion 500 deep with a depth limit of 300: %d %q\n%s", r.status, r.body, e.logs.text())
	}
	roomy := e.load(t, "roomy", `export default { fetch() { const down = (n) => (n === 0 ? 0 : 1 + down(n - 1)); return new Response("depth " + down(500)); } }`, nil)
	if r := get(roomy, "http://x/"); r.body != "depth 500" {
		t.Fatalf("default depth: %q", r.body)
	}
}

// A whole body has its length, whatever the script gave: a string (written as TextEncoder would, a
// lone surrogate as U+FFFD), an empty string, bytes, or nothing. A service binding's caller gets its
// own bytes: writing to them leaves the callee's string as it was. A string answer reaches the
// caller as its UTF-8, whichever way the caller reads it, and is used up once read.
func TestWholeBodiesCarryTheirLength(t *testing.T) {
	e := newTestEngine()
	inner := e.load(t, "inner", `const text = "héllo \ud800", ascii = "hello";
export default { fetch(req) {
  const p = new URL(req.url).pathname;
  if (p === "/empty") return new Response("");
  if (p === "/none") return new Response(null);
  if (p === "/bytes") return new Response(new Uint8Array([1, 2, 3]));
  if (p === "/ascii") return new Response(ascii);
  return new Response(text);
} }`, nil)
	w := e.load(t, "outer", `export default { async fetch(req, env) {
  if (new URL(req.url).pathname === "/text") {
    const res = await env.INNER.fetch("http://inner/");
    const text = await res.text();
    let again;
    try { await res.text(); again = "read twice" } catch (err) { again = err.constructor.name }
    const bytes = new Uint8Array(await (await env.INNER.fetch("http://inner/")).arrayBuffer());
    const streamed = await (await env.INNER.fetch("http://inner/")).body.getReader().read();
    const copy = (await env.INNER.fetch("http://inner/")).clone();
    return Response.json({ text, used: res.bodyUsed, again, length: bytes.length, last: bytes[bytes.length - 1],
      streamed: streamed.value.length, clone: await copy.text(), type: res.headers.get("content-type") });
  }
  const seen = [];
  for (let i = 0; i < 2; i++) {
    const bytes = new Uint8Array(await (await env.INNER.fetch("http://inner/ascii")).arrayBuffer());
    seen.push(Array.from(bytes).join(","));
    bytes.fill(120);
  }
  return new Response(seen.join(" | "));
} }`, func(s *WorkerSpec) {
		s.Bindings = []Binding{{Name: "INNER", Type: "service", Target: map[string]string{"service": "inner"}}}
	})
	for path, want := range map[string]string{"/": "héllo \uFFFD", "/empty": "", "/bytes": "\x01\x02\x03"} {
		r := get(inner, "http://inner"+path)
		if r.status != 200 || r.body != want || r.header.Get("Content-Length") != strconv.Itoa(len(want)) {
			t.Errorf("%s: %d %q, Content-Length %q; want %q", path, r.status, r.body, r.header.Get("Content-Length"), want)
		}
	}
	if r := get(inner, "http://inner/none"); r.body != "" || r.header.Get("Content-Length") != "" {
		t.Errorf("no body: %q, Content-Length %q", r.body, r.header.Get("Content-Length"))
	}
	bytes := "104,101,108,108,111"
	if r := get(w, "http://outer/"); r.body != bytes+" | "+bytes {
		t.Errorf("the caller got %q", r.body)
	}
	want := `{"text":"héllo �","used":true,"again":"TypeError","length":10,"last":189,"streamed":10,"clone":"héllo �","type":"text/plain;charset=UTF-8"}`
	if r := get(w, "http://outer/text"); r.body != want {
		t.Errorf("the caller read a string answer as %s\nwant %s", r.body, want)
	}
}
