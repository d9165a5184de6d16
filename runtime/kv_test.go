package runtime

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/weft-dev/weft/models"
)

func kvWorker(t *testing.T, e *testEngine, id, ns, src string) *Worker {
	t.Helper()
	if _, err := e.store.CreateKVNamespace(context.Background(), models.Actor{Name: "test"}, ns); err != nil && models.ErrorCode(err) != models.ECONFLICT {
		t.Fatal(err)
	}
	return e.load(t, id, src, func(s *WorkerSpec) {
		s.Bindings = []Binding{{Name: "KV", Type: "kv_namespace", Target: map[string]string{"namespace_id": ns}}}
	})
}

func TestKVLimitsAndErrorsAsWorkerd(t *testing.T) {
	e := newStoreEngine(t)
	w2 := kvWorker(t, e, "kv2", "limits", `export default { async fetch(req, env) { globalThis.__kv = env.KV; return HANDLER(req) } };
const HANDLER = async (req) => {
  const out = {};
  const attempt = async (name, fn) => { try { await fn(); out[name] = "ok"; } catch (err) { out[name] = err.message; } };
  await attempt("longKey", () => __kv.put("k".repeat(513), "v"));
  await attempt("ttl", () => __kv.put("a", "v", { expirationTtl: 30 }));
  await attempt("meta", () => __kv.put("a", "v", { metadata: { big: "x".repeat(1100) } }));
  await __kv.put("exists", "v");
  await attempt("badType", () => __kv.get("exists", "blob"));
  await attempt("listLimit", () => __kv.list({ limit: 1001 }));
  await attempt("bulk", () => __kv.get(Array.from({ length: 101 }, (_, i) => "k" + i)));
  await attempt("badValue", () => __kv.put("a", { not: "allowed" }));
  await attempt("fine", () => __kv.put("a", "v", { expirationTtl: 60, metadata: { n: 1 } }));
  return Response.json(out);
};`)
	r := get(w2, "http://kv.localhost/")
	checks := map[string]string{
		"longKey":   "KV PUT failed: 400 KV key is 513 bytes",
		"ttl":       "Expiration TTL must be at least 60",
		"meta":      "KV PUT failed: 400 KV metadata is",
		"badType":   "Unknown response type",
		"listLimit": "KV GET failed: 400 Invalid key_count_limit of 1001",
		"bulk":      "maximum of 100 keys",
		"badValue":  "accepts only strings",
		"fine":      "ok",
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(r.body), &got); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	for k, want := range checks {
		if !strings.Contains(got[k], want) {
			t.Errorf("%s: got %q, want %q", k, got[k], want)
		}
	}
}

func TestKVListPagesExpiryAndBulkGet(t *testing.T) {
	e := newStoreEngine(t)
	ctx := context.Background()
	e.store.CreateKVNamespace(ctx, models.Actor{Name: "test"}, "pages")
	for i := 0; i < 25; i++ {
		if err := e.store.KVPut(ctx, "pages", "item:"+string(rune('a'+i)), []byte("v"), "", 0); err != nil {
			t.Fatal(err)
		}
	}
	e.store.KVPut(ctx, "pages", "item:zz-expired", []byte("old"), "", 1) // expired in 1970
	w := kvWorker(t, e, "pages", "pages", `export default { async fetch(req, env) {
  const names = []; let cursor; let pages = 0;
  do {
    const r = await env.KV.list({ prefix: "item:", limit: 10, cursor });
    names.push(...r.keys.map((k) => k.name)); cursor = r.cursor; pages++;
    if (r.list_complete) break;
  } while (true);
  const many = await env.KV.get(["item:a", "item:b", "nope", "item:zz-expired"]);
  return Response.json({ count: names.length, pages, first: names[0], last: names[names.length - 1],
    many: Object.fromEntries(many), expired: await env.KV.get("item:zz-expired") });
} }`)
	r := get(w, "http://kv.localhost/")
	want := `{"count":25,"pages":3,"first":"item:a","last":"item:y","many":{"item:a":"v","item:b":"v","nope":null,"item:zz-expired":null},"expired":null}`
	if r.body != want {
		t.Fatalf("got  %s\nwant %s\n%s", r.body, want, e.logs.text())
	}
	if n, err := e.store.PurgeExpiredKV(ctx); err != nil || n != 1 {
		t.Fatalf("purge: %d %v", n, err)
	}
}

func TestKVNamespacesAreSeparate(t *testing.T) {
	e := newStoreEngine(t)
	src := `export default { async fetch(req, env) {
  if (req.method === "POST") { await env.KV.put("who", await req.text()); return new Response("ok"); }
  return new Response(await env.KV.get("who"));
} }`
	staging, prod := kvWorker(t, e, "staging", "sessions-staging", src), kvWorker(t, e, "prod", "sessions-prod", src)
	do(staging, "POST", "http://x/", "staging", nil)
	do(prod, "POST", "http://x/", "production", nil)
	if a, b := get(staging, "http://x/").body, get(prod, "http://x/").body; a != "staging" || b != "production" {
		t.Fatalf("staging %q, production %q", a, b)
	}
}
