package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// scenario is one workload, run on Weft and on workerd from the same script text.
type scenario struct {
	name  string
	path  string   // the request every client sends
	chain []string // service-binding chain: workers entry → … → leaf, each calling env.NEXT
	kv    bool     // binds KV (a 1 KiB value under "key")
	do    bool     // binds the Counter Durable Object class as COUNTER
	src   string   // the worker (or, with chain, every hop's)
}

const helloSrc = `export default { fetch() { return new Response("Hello world!") } }`

const jsonSrc = `export default {
  fetch() {
    const items = [];
    for (let i = 0; i < 2000; i++) items.push({ id: i, name: "item " + i, tags: ["a", "b"], price: i * 1.5, active: i % 2 === 0 });
    return new Response(JSON.stringify({ count: items.length, items }), { headers: { "content-type": "application/json" } });
  },
}`

// chainSrc: a hop passes the request on while it has somewhere to go, and the last one answers.
const chainSrc = `export default {
  async fetch(request, env) {
    if (env.NEXT) return env.NEXT.fetch(request);
    return new Response("end of chain");
  },
}`

const kvSrc = `export default { async fetch(request, env) { return new Response(await env.KV.get("key")) } }`

const doSrc = `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async fetch() {
    const n = ((await this.ctx.storage.get("n")) || 0) + 1;
    await this.ctx.storage.put("n", n);
    return new Response(String(n));
  }
}
export default { fetch(request, env) { return env.COUNTER.get(env.COUNTER.idFromName("bench")).fetch(request) } }`

const streamSrc = `const chunk = new Uint8Array(65536).fill(120);
export default {
  fetch() {
    let sent = 0;
    return new Response(new ReadableStream({
      pull(c) { if (sent === 16) { c.close(); return; } sent++; c.enqueue(chunk); },
    }), { headers: { "content-type": "application/octet-stream" } });
  },
}`

// rewriteSrc rewrites every link of a 100 KiB page built once per isolate.
const rewriteSrc = `let row = '<li><a href="/item">item</a> <span class="d">some text to rewrite around</span></li>';
const page = "<!doctype html><html><body><ul>" + row.repeat(Math.ceil(102400 / row.length)) + "</ul></body></html>";
export default {
  fetch() {
    const res = new Response(page, { headers: { "content-type": "text/html" } });
    return new HTMLRewriter().on("a[href]", { element(e) { e.setAttribute("href", "https://example.com" + e.getAttribute("href")); } }).transform(res);
  },
}`

func scenarios() []scenario {
	return []scenario{
		{name: "hello", path: "/", src: helloSrc},
		{name: "json", path: "/", src: jsonSrc},
		{name: "chain", path: "/", src: chainSrc, chain: []string{"chain-a", "chain-b", "chain-c", "chain-d"}},
		{name: "kv", path: "/", src: kvSrc, kv: true},
		{name: "do", path: "/", src: doSrc, do: true},
		{name: "stream", path: "/", src: streamSrc},
		{name: "rewrite", path: "/", src: rewriteSrc},
	}
}

// kvValue is the 1 KiB value the KV scenario reads.
var kvValue = strings.Repeat("v", 1024)

// services lists the workers a scenario deploys, leaf first (a binding must name a service that exists),
// each with its wrangler.toml for Weft.
func (s scenario) services() []struct{ name, toml string } {
	var out []struct{ name, toml string }
	add := func(name, toml string) { out = append(out, struct{ name, toml string }{name, toml}) }
	base := func(name string) string {
		// workerd runs without a CPU limit: Weft's default 50 ms would measure the limit, not the speed.
		return fmt.Sprintf("name = %q\nmain = \"index.js\"\ncompatibility_date = \"2024-09-23\"\n[limits]\ncpu_ms = 5000\n", name)
	}
	switch {
	case len(s.chain) > 0:
		for i := len(s.chain) - 1; i >= 0; i-- {
			t := base(s.chain[i])
			if i+1 < len(s.chain) {
				t += fmt.Sprintf("[[services]]\nbinding = \"NEXT\"\nservice = %q\n", s.chain[i+1])
			}
			add(s.chain[i], t)
		}
	case s.kv:
		add(s.name, base(s.name)+"[[kv_namespaces]]\nbinding = \"KV\"\nid = \"bench\"\n")
	case s.do:
		add(s.name, base(s.name)+"[[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"Counter\"\n[[migrations]]\ntag = \"v1\"\nnew_classes = [\"Counter\"]\n")
	default:
		add(s.name, base(s.name))
	}
	return out
}

// entry is the service that receives the scenario's requests.
func (s scenario) entry() string {
	if len(s.chain) > 0 {
		return s.chain[0]
	}
	return s.name
}

// check says whether body is the scenario's answer.
func (s scenario) check(body []byte) error {
	want := func(ok bool, what string) error {
		if ok {
			return nil
		}
		return fmt.Errorf("want %s, got %d bytes: %.120q", what, len(body), body)
	}
	switch s.name {
	case "hello":
		return want(string(body) == "Hello world!", `"Hello world!"`)
	case "json":
		var v struct {
			Count int               `json:"count"`
			Items []json.RawMessage `json:"items"`
		}
		err := json.Unmarshal(body, &v)
		return want(err == nil && v.Count == 2000 && len(v.Items) == 2000, "JSON with 2000 items")
	case "chain":
		return want(string(body) == "end of chain", `"end of chain"`)
	case "kv":
		return want(string(body) == kvValue, "the 1 KiB KV value")
	case "do":
		n, err := strconv.Atoi(string(body))
		return want(err == nil && n > 0, "a positive count")
	case "stream":
		return want(len(body) == 16<<16 && bytes.Count(body, []byte("x")) == len(body), "1 MiB of x")
	case "rewrite":
		n := bytes.Count(body, []byte(`<a href="https://example.com/item">`))
		return want(len(body) >= 100<<10 && n > 800 && !bytes.Contains(body, []byte(`href="/item"`)), "100 KiB with every link rewritten")
	}
	return fmt.Errorf("no check for scenario %s", s.name)
}
