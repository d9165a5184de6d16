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

func TestCronFiresOnScheduleAndRunsOnDemand(t *testing.T) {
	ts := newTestServer(t)
	body := script(`export default {
  fetch() { return new Response("") },
  async scheduled(controller, env) {
    const n = Number(await env.KV.get("runs")) + 1;
    await env.KV.put("runs", String(n));
    console.log("run", n, controller.cron);
    if (n === 2) throw new Error("second run fails");
  },
}`)
	body["settings"] = models.Settings{Crons: []string{"*/5 * * * *"}, Bindings: []models.Binding{{Name: "KV", Type: models.BindingKV, NamespaceID: "cron-kv"}}}
	if st, out := ts.call(t, "POST", "/services/app/environments/production/versions", body); st != 201 {
		t.Fatalf("upload: %d %v", st, out)
	}
	runner := NewCronRunner(ts.store, ts.gw, slog.New(slog.NewTextHandler(io.Discard, nil)))
	base := time.Date(2026, 1, 1, 10, 1, 0, 0, time.UTC)
	runner.tick(base) // learns the next fire time: 10:05
	runner.tick(base.Add(2 * time.Minute))
	runner.done.Wait()
	if v, _, _, _ := ts.store.KVGet(context.Background(), "cron-kv", "runs"); v != nil {
		t.Fatalf("fired early: %s", v)
	}
	runner.tick(base.Add(4 * time.Minute)) // 10:05: due
	runner.done.Wait()
	runs, err := ts.store.ListCronRuns(context.Background(), "app", "production", 0)
	if err != nil || len(runs) != 1 || runs[0].Outcome != "ok" || runs[0].Trigger != "schedule" || !strings.Contains(runs[0].Logs, "run 1 */5 * * * *") {
		t.Fatalf("scheduled run: %v %+v", err, runs)
	}
	if !runs[0].ScheduledAt.Equal(time.Date(2026, 1, 1, 10, 5, 0, 0, time.UTC)) {
		t.Fatalf("scheduled at %v", runs[0].ScheduledAt)
	}

	st, out := ts.call(t, "POST", "/services/app/environments/production/cron-runs", map[string]string{})
	run, _ := out["run"].(map[string]any)
	if st != 201 || run["outcome"] != "exception" || !strings.Contains(run["error"].(string), "second run fails") || run["trigger"] != "manual" {
		t.Fatalf("run now: %d %v", st, out)
	}
	if st, out := ts.call(t, "POST", "/services/app/environments/production/cron-runs", map[string]string{"cron": "0 0 * * *"}); st != 400 {
		t.Fatalf("unknown cron: %d %v", st, out)
	}
	_, out = ts.call(t, "GET", "/services/app/environments/production/cron-runs", nil)
	if runs := out["runs"].([]any); len(runs) != 2 {
		t.Fatalf("history: %v", out)
	}
}
