package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestQueuedMessagesSurviveRestart: messages sent while nothing consumes the queue are persisted,
// survive a restart, and are delivered once a consumer is deployed.
func TestQueuedMessagesSurviveRestart(t *testing.T) {
	data := t.TempDir()
	m, stop := startServer(t, data)
	project := t.TempDir()
	toml := filepath.Join(project, "wrangler.toml")
	write := func(consumer string) {
		os.WriteFile(toml, []byte(`name = "mailer"
main = "index.js"
compatibility_date = "2024-09-23"
[[queues.producers]]
binding = "OUTBOX"
queue = "outbox"
[[kv_namespaces]]
binding = "SENT"
id = "mailer-sent"
`+consumer), 0o644)
	}
	os.WriteFile(filepath.Join(project, "index.js"), []byte(`export default {
  async fetch(req, env) {
    const to = new URL(req.url).searchParams.get("to");
    if (to) { await env.OUTBOX.send({ to }); return new Response("queued " + to); }
    const sent = await env.SENT.list();
    return new Response(sent.keys.map((k) => k.name).join(","));
  },
  async queue(batch, env) { for (const m of batch.messages) await env.SENT.put(m.body.to, "1"); },
};`), 0o644)
	write("")
	mustCLI(t, m, "", "deploy", "-c", toml)
	wantBody(t, m, "mailer.localhost", "/?to=ada", "queued ada")
	wantBody(t, m, "mailer.localhost", "/?to=bob", "queued bob")
	stop()

	m, stop = startServer(t, data)
	defer stop()
	write("[[queues.consumers]]\nqueue = \"outbox\"\nmax_batch_timeout = 1\n")
	mustCLI(t, m, "", "deploy", "-c", toml)
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, body := get(t, m, "mailer.localhost", "/")
		if body == "ada,bob" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after restart and consumer deploy, sent = %q", body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if out := mustCLI(t, m, "", "queues", "list"); !strings.Contains(out, "outbox") {
		t.Fatalf("queues list:\n%s", out)
	}
	if out := mustCLI(t, m, "", "audit", "--action", "queue.", "--json"); !strings.Contains(out, "outbox") {
		t.Fatalf("queue creation not audited:\n%s", out)
	}
}

// TestTriggersRunFromCLI: crons from wrangler.toml, "run now" from the CLI, and the run history.
func TestTriggersRunFromCLI(t *testing.T) {
	m, stop := startServer(t, t.TempDir())
	defer stop()
	project := t.TempDir()
	toml := filepath.Join(project, "wrangler.toml")
	os.WriteFile(toml, []byte("name = \"ticker\"\nmain = \"index.js\"\ncompatibility_date = \"2024-09-23\"\n[triggers]\ncrons = [\"*/10 * * * *\", \"0 3 * * *\"]\n"), 0o644)
	os.WriteFile(filepath.Join(project, "index.js"), []byte(`export default {
  fetch() { return new Response("ok") },
  scheduled(controller) { console.log("scheduled", controller.cron); },
};`), 0o644)
	mustCLI(t, m, "", "deploy", "-c", toml)
	if out := mustCLI(t, m, "", "triggers", "run", "0 3 * * *", "-c", toml); !strings.Contains(out, "ok") || !strings.Contains(out, "log scheduled 0 3 * * *") {
		t.Fatalf("run now:\n%s", out)
	}
	if _, err := cli(t, m, "", "triggers", "run", "1 1 1 1 1", "-c", toml); err == nil || !strings.Contains(err.Error(), "not one of") {
		t.Fatalf("unknown cron: %v", err)
	}
	if out := mustCLI(t, m, "", "triggers", "list", "-c", toml); !strings.Contains(out, "*/10 * * * *, 0 3 * * *") || !strings.Contains(out, "manual") {
		t.Fatalf("list:\n%s", out)
	}
}
