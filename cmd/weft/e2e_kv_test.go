package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const kvProjectToml = `name = "counter"
main = "index.js"
compatibility_date = "2024-09-23"

[[kv_namespaces]]
binding = "STORE"
id = "counter-prod"

[env.staging]
[[env.staging.kv_namespaces]]
binding = "STORE"
id = "counter-staging"
`

const kvProjectScript = `export default {
  async fetch(request, env) {
    const key = new URL(request.url).pathname.slice(1) || "hits";
    if (request.method === "POST") {
      await env.STORE.put(key, await request.text(), { metadata: { by: "worker" } });
      return new Response("stored " + key);
    }
    const n = Number(await env.STORE.get("hits")) + 1;
    await env.STORE.put("hits", String(n));
    return new Response(key === "hits" ? "hit " + n : String(await env.STORE.get(key)));
  },
};
`

// TestKVThroughDeployCLIAndRestart: a deploy creates each environment's namespace, workers and the
// CLI see the same keys, environments keep theirs apart, and everything survives a restart.
func TestKVThroughDeployCLIAndRestart(t *testing.T) {
	data := t.TempDir()
	m, stop := startServer(t, data)
	project := t.TempDir()
	toml := filepath.Join(project, "wrangler.toml")
	os.WriteFile(toml, []byte(kvProjectToml), 0o644)
	os.WriteFile(filepath.Join(project, "index.js"), []byte(kvProjectScript), 0o644)
	mustCLI(t, m, "", "deploy", "-c", toml)
	mustCLI(t, m, "", "deploy", "-c", toml, "--env", "staging")
	if out := mustCLI(t, m, "", "kv", "namespace", "list"); !strings.Contains(out, "counter-prod") || !strings.Contains(out, "counter-staging") {
		t.Fatalf("namespaces not created on deploy:\n%s", out)
	}
	wantBody(t, m, "counter.localhost", "/", "hit 1")
	wantBody(t, m, "counter.localhost", "/", "hit 2")
	wantBody(t, m, "staging.counter.localhost", "/", "hit 1")

	mustCLI(t, m, "", "kv", "key", "put", "greeting", "hello from the CLI", "--binding", "STORE", "-c", toml)
	wantBody(t, m, "counter.localhost", "/greeting", "hello from the CLI")
	mustCLI(t, m, "from stdin", "kv", "key", "put", "piped", "--namespace-id", "counter-staging")
	wantBody(t, m, "staging.counter.localhost", "/piped", "from stdin")
	if out := mustCLI(t, m, "", "kv", "key", "get", "hits", "--binding", "STORE", "--env", "staging", "-c", toml); out != "2" { // hit 1, then the GET of /piped
		t.Fatalf("staging hits = %q", out)
	}
	if out := mustCLI(t, m, "", "kv", "key", "list", "--namespace-id", "counter-prod"); !strings.Contains(out, "greeting") || !strings.Contains(out, "hits") {
		t.Fatalf("list:\n%s", out)
	}
	if _, err := cli(t, m, "", "kv", "key", "put", "k", "v", "--binding", "NOPE", "-c", toml); err == nil || !strings.Contains(err.Error(), `binding "NOPE"`) {
		t.Fatalf("unknown binding: %v", err)
	}
	if _, err := cli(t, m, "", "kv", "key", "put", "k", "v", "--namespace-id", "counter-prod", "--ttl", "10"); err == nil || !strings.Contains(err.Error(), "at least 60") {
		t.Fatalf("short ttl: %v", err)
	}
	if _, err := cli(t, m, "", "kv", "namespace", "delete", "counter-prod", "--yes"); err == nil || !strings.Contains(err.Error(), "bound as STORE") {
		t.Fatalf("deleting a bound namespace: %v", err)
	}

	stop()
	m, stop = startServer(t, data)
	defer stop()
	wantBody(t, m, "counter.localhost", "/", "hit 4") // two hits and the GET of /greeting came before the restart
	wantBody(t, m, "counter.localhost", "/greeting", "hello from the CLI")
	req, _ := http.NewRequest("POST", "http://"+m.GatewayAddr()+"/posted", strings.NewReader("body"))
	req.Host = "counter.localhost"
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("post: %v", err)
	}
	if out := mustCLI(t, m, "", "kv", "key", "list", "--namespace-id", "counter-prod", "--json"); !strings.Contains(out, `"by": "worker"`) && !strings.Contains(out, `"by":"worker"`) {
		t.Fatalf("metadata not listed:\n%s", out)
	}
}

// TestR2ThroughCLIWorkerAndRestart: objects uploaded with the CLI are read by a worker's binding
// and survive a restart.
func TestR2ThroughCLIWorkerAndRestart(t *testing.T) {
	data := t.TempDir()
	m, stop := startServer(t, data)
	project := t.TempDir()
	toml := filepath.Join(project, "wrangler.toml")
	os.WriteFile(toml, []byte("name = \"cdn\"\nmain = \"index.js\"\ncompatibility_date = \"2024-09-23\"\n[[r2_buckets]]\nbinding = \"FILES\"\nbucket_name = \"cdn-files\"\n"), 0o644)
	os.WriteFile(filepath.Join(project, "index.js"), []byte(`export default { async fetch(req, env) {
  const obj = await env.FILES.get(new URL(req.url).pathname.slice(1));
  if (!obj) return new Response("not found", { status: 404 });
  const headers = new Headers(); obj.writeHttpMetadata(headers); headers.set("etag", obj.httpEtag);
  return new Response(obj.body, { headers });
} };`), 0o644)
	mustCLI(t, m, "", "deploy", "-c", toml)
	page := filepath.Join(project, "index.html")
	os.WriteFile(page, []byte("<h1>from R2</h1>"), 0o644)
	mustCLI(t, m, "", "r2", "object", "put", "cdn-files/site/index.html", "--file", page)
	mustCLI(t, m, "stdin body", "r2", "object", "put", "cdn-files/raw.txt")
	wantBody(t, m, "cdn.localhost", "/site/index.html", "<h1>from R2</h1>")
	if out := mustCLI(t, m, "", "r2", "object", "get", "cdn-files/raw.txt"); out != "stdin body" {
		t.Fatalf("get: %q", out)
	}
	if out := mustCLI(t, m, "", "r2", "object", "list", "cdn-files"); !strings.Contains(out, "site/index.html") || !strings.Contains(out, "raw.txt") {
		t.Fatalf("list:\n%s", out)
	}
	if _, err := cli(t, m, "", "r2", "bucket", "delete", "cdn-files", "--yes"); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("delete non-empty: %v", err)
	}
	stop()
	m, stop = startServer(t, data)
	defer stop()
	wantBody(t, m, "cdn.localhost", "/site/index.html", "<h1>from R2</h1>")
	mustCLI(t, m, "", "r2", "object", "delete", "cdn-files/raw.txt")
	if status, _ := get(t, m, "cdn.localhost", "/raw.txt"); status != 404 {
		t.Fatalf("deleted object: %d", status)
	}
}
