package web

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/weft-dev/weft/models"
)

func TestQueueBatchesRetriesAndDeadLetters(t *testing.T) {
	ts := newTestServer(t)
	retries := 1
	body := script(`export default {
  async fetch(req, env) {
    await env.JOBS.sendBatch([{ body: { n: 1 } }, { body: { n: 2, fail: true } }, { body: { n: 3 } }]);
    await env.JOBS.send("plain text", { contentType: "text" });
    return new Response("sent");
  },
  async queue(batch, env) {
    for (const m of batch.messages) {
      if (m.body && m.body.fail) { m.retry(); continue; }
      await env.KV.put("done:" + (m.body.n || m.body), String(m.attempts));
    }
  },
}`)
	body["settings"] = models.Settings{
		Bindings:       []models.Binding{{Name: "JOBS", Type: models.BindingQueue, QueueName: "jobs"}, {Name: "KV", Type: models.BindingKV, NamespaceID: "results"}},
		QueueConsumers: []models.QueueConsumer{{Queue: "jobs", MaxBatchSize: 10, MaxBatchTimeout: 1, MaxRetries: &retries, DeadLetterQueue: "jobs-dlq"}},
	}
	if st, out := ts.call(t, "POST", "/services/app/environments/production/versions", body); st != 201 {
		t.Fatalf("upload: %d %v", st, out)
	}
	// A second environment cannot consume the same queue.
	other := script(`export default { fetch() { return new Response("") }, queue() {} }`)
	other["settings"] = models.Settings{QueueConsumers: []models.QueueConsumer{{Queue: "jobs"}}}
	if st, out := ts.call(t, "POST", "/services/app/environments/staging/versions", other); st != 409 || !strings.Contains(errMessage(out), "already consumed by app/production") {
		t.Fatalf("second consumer: %d %v", st, out)
	}
	runner := NewQueueRunner(ts.store, ts.gw, slog.New(slog.NewTextHandler(io.Discard, nil)))
	runner.Start()
	defer runner.Stop()
	if _, got := ts.gatewayGet(t, "app.localhost", "/"); got != "sent" {
		t.Fatalf("send: %q", got)
	}
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	for {
		page, err := ts.store.KVList(ctx, "results", "done:", 0, "")
		qs, _ := ts.store.ListQueues(ctx)
		dlq := int64(-1)
		for _, q := range qs {
			if q.Name == "jobs-dlq" {
				dlq = q.Messages
			}
		}
		if err == nil && len(page.Keys) == 3 && dlq == 1 {
			names := []string{}
			for _, k := range page.Keys {
				names = append(names, k.Name)
			}
			if strings.Join(names, ",") != "done:1,done:3,done:plain text" {
				t.Fatalf("processed %v", names)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10s: keys %v, dead letters %d; logs: %v", page, dlq, ts.gw.cfg.Logs.Recent("app", "production", 20))
		}
		time.Sleep(100 * time.Millisecond)
	}
	logs := ts.gw.cfg.Logs.Recent("app", "production", 50)
	var text strings.Builder
	for _, l := range logs {
		text.WriteString(l.Message + "\n")
	}
	if !strings.Contains(text.String(), "moved to jobs-dlq after 2 attempts") {
		t.Fatalf("logs:\n%s", text.String())
	}
}
