package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/weft-dev/weft/models"
)

// A deploy switches traffic at once, while a request already running finishes on its own version.
func TestDeployIsAtomicForInFlightRequests(t *testing.T) {
	ts := newTestServer(t)
	slow := `export default { async fetch(req) {
  if (new URL(req.url).pathname === "/slow") await new Promise((r) => setTimeout(r, 300));
  return new Response("%s");
} }`
	if st, out := ts.call(t, "POST", "/services/app/environments/production/versions", script(strings.Replace(slow, "%s", "old", 1))); st != 201 {
		t.Fatalf("upload: %d %v", st, out)
	}
	done := make(chan string)
	go func() {
		_, body := ts.gatewayGet(t, "app.localhost", "/slow")
		done <- body
	}()
	time.Sleep(50 * time.Millisecond) // the slow request is now running on the old version
	if st, out := ts.call(t, "POST", "/services/app/environments/production/versions", script(strings.Replace(slow, "%s", "new", 1))); st != 201 {
		t.Fatalf("upload: %d %v", st, out)
	}
	// The API call has returned: the very next request is served by the new version.
	if _, body := ts.gatewayGet(t, "app.localhost", "/"); body != "new" {
		t.Fatalf("after deploy: %q", body)
	}
	if body := <-done; body != "old" {
		t.Fatalf("in-flight request answered %q", body)
	}
}

func TestDeployRefusesMissingBoundServiceAndChangesNothing(t *testing.T) {
	ts := newTestServer(t)
	ok := `export default { fetch() { return new Response("v1") } }`
	if st, out := ts.call(t, "POST", "/services/app/environments/production/versions", script(ok)); st != 201 {
		t.Fatalf("upload: %d %v", st, out)
	}
	body := script(`export default { fetch(r, env) { return env.AUTH.fetch(r) } }`)
	body["settings"] = models.Settings{Bindings: []models.Binding{{Name: "AUTH", Type: models.BindingService, Service: "auth"}}}
	st, out := ts.call(t, "POST", "/services/app/environments/production/versions", body)
	if st != 400 || !strings.Contains(errMessage(out), `"auth"`) {
		t.Fatalf("missing bound service: %d %v", st, out)
	}
	if _, got := ts.gatewayGet(t, "app.localhost", "/"); got != "v1" {
		t.Fatalf("production changed: %q", got)
	}
	_, out = ts.call(t, "GET", "/services/app/environments/production/versions", nil)
	if vs := out["versions"].([]any); len(vs) != 1 {
		t.Fatalf("versions: %d", len(vs))
	}
}

// Promotion runs the same compiled program: nothing is rebuilt or recompiled.
func TestPromoteNeverRecompiles(t *testing.T) {
	ts := newTestServer(t)
	code := `export default { fetch(r, env) { return new Response(env.WHO) } }`
	for _, env := range []string{"staging", "production"} {
		body := script(code + "\n// " + env) // different bundles, so production's first deploy compiles its own
		body["settings"] = models.Settings{Vars: []models.Var{{Name: "WHO", Value: env}}}
		if st, out := ts.call(t, "POST", "/services/app/environments/"+env+"/versions", body); st != 201 {
			t.Fatalf("upload %s: %d %v", env, st, out)
		}
		ts.gatewayGet(t, env+".app.localhost", "/")
	}
	before := ts.engine.Compiles()
	if st, out := ts.call(t, "POST", "/services/app/environments/production/promote", map[string]string{"from": "staging"}); st != 201 {
		t.Fatalf("promote: %d %v", st, out)
	}
	if _, got := ts.gatewayGet(t, "app.localhost", "/"); got != "production" {
		t.Fatalf("promoted production answers %q", got)
	}
	if n := ts.engine.Compiles() - before; n != 0 {
		t.Fatalf("promotion compiled %d programs", n)
	}
}

func TestVersionMetadataBinding(t *testing.T) {
	ts := newTestServer(t)
	body := script(`export default { fetch(r, env) { return Response.json(env.VERSION) } }`)
	body["tag"] = "release-7"
	body["settings"] = models.Settings{Bindings: []models.Binding{{Name: "VERSION", Type: models.BindingVersion}}}
	if st, out := ts.call(t, "POST", "/services/app/environments/production/versions", body); st != 201 {
		t.Fatalf("upload: %d %v", st, out)
	}
	_, got := ts.gatewayGet(t, "app.localhost", "/")
	var v struct{ ID, Tag, Timestamp string }
	if err := json.Unmarshal([]byte(got), &v); err != nil || v.Tag != "release-7" || len(v.ID) != 36 || !strings.HasSuffix(v.Timestamp, "Z") {
		t.Fatalf("version metadata: %s (%v)", got, err)
	}
}

// A promotion runs the source's code with the target's own bindings: staging's KV stays staging's.
func TestPromotionKeepsTargetBindings(t *testing.T) {
	ts := newTestServer(t)
	code := `export default { async fetch(r, env) { await env.SESSIONS.put("who", "written"); return new Response("ok") } }`
	for env, ns := range map[string]string{"staging": "sessions-staging", "production": "sessions-prod"} {
		body := script(code + "\n// " + env)
		body["settings"] = models.Settings{Bindings: []models.Binding{{Name: "SESSIONS", Type: models.BindingKV, NamespaceID: ns}}}
		if st, out := ts.call(t, "POST", "/services/app/environments/"+env+"/versions", body); st != 201 {
			t.Fatalf("upload %s: %d %v", env, st, out)
		}
	}
	if st, out := ts.call(t, "POST", "/services/app/environments/production/promote", map[string]string{"from": "staging"}); st != 201 {
		t.Fatalf("promote: %d %v", st, out)
	}
	ts.gatewayGet(t, "app.localhost", "/")
	ctx := context.Background()
	if _, _, ok, _ := ts.store.KVGet(ctx, "sessions-prod", "who"); !ok {
		t.Fatal("promoted production did not write to its own namespace")
	}
	if _, _, ok, _ := ts.store.KVGet(ctx, "sessions-staging", "who"); ok {
		t.Fatal("promoted production wrote to staging's namespace")
	}
}

// A [[migrations]] rename keeps a Durable Object class's storage under its new name.
func TestDurableObjectRenameMigrationKeepsStorage(t *testing.T) {
	ts := newTestServer(t)
	deploy := func(class string, migrations []models.DOMigration) {
		t.Helper()
		body := script(`export class ` + class + ` {
  constructor(state) { this.state = state; }
  async fetch() { const n = ((await this.state.storage.get("n")) || 0) + 1; await this.state.storage.put("n", n); return new Response("` + class + ` " + n); }
}
export default { fetch(req, env) { return env.COUNTER.getByName("one").fetch(req); } };`)
		body["settings"] = models.Settings{Migrations: migrations,
			Bindings: []models.Binding{{Name: "COUNTER", Type: models.BindingDurable, ClassName: class}}}
		if st, out := ts.call(t, "POST", "/services/app/environments/production/versions", body); st != 201 {
			t.Fatalf("upload: %d %v", st, out)
		}
	}
	v1 := models.DOMigration{Tag: "v1", NewClasses: []string{"Counter"}}
	deploy("Counter", []models.DOMigration{v1})
	ts.gatewayGet(t, "app.localhost", "/")
	if _, body := ts.gatewayGet(t, "app.localhost", "/"); body != "Counter 2" {
		t.Fatalf("before rename: %q", body)
	}
	deploy("Tally", []models.DOMigration{v1, {Tag: "v2", RenamedClasses: []models.RenamedClass{{From: "Counter", To: "Tally"}}}})
	if _, body := ts.gatewayGet(t, "app.localhost", "/"); body != "Tally 3" {
		t.Fatalf("after rename: %q", body)
	}
	_, out := ts.call(t, "GET", "/audit?action=durable.", nil)
	if raw, _ := json.Marshal(out); !strings.Contains(string(raw), "renamed Counter → Tally") {
		t.Fatalf("migration not audited: %s", raw)
	}
}

// A Durable Object binding with script_name reaches another service's class, run on that service's code.
func TestDurableObjectOfAnotherService(t *testing.T) {
	ts := newTestServer(t)
	host := script(`export class Room { constructor(s) { this.s = s } async join(who) { const n = ((await this.s.storage.get("n")) || 0) + 1; await this.s.storage.put("n", n); return who + " is #" + n } }
export default { fetch() { return new Response("rooms") } };`)
	host["settings"] = models.Settings{Migrations: []models.DOMigration{{Tag: "v1", NewClasses: []string{"Room"}}}}
	if st, out := ts.call(t, "POST", "/services/rooms/environments/production/versions", host); st != 201 {
		t.Fatalf("host: %d %v", st, out)
	}
	client := script(`export default { async fetch(req, env) { return new Response(await env.ROOMS.getByName("lobby").join("ada")) } }`)
	client["settings"] = models.Settings{Bindings: []models.Binding{{Name: "ROOMS", Type: models.BindingDurable, ClassName: "Room", ScriptName: "rooms"}}}
	if st, out := ts.call(t, "POST", "/services/chat/environments/production/versions", client); st != 201 {
		t.Fatalf("client: %d %v", st, out)
	}
	for i, want := range []string{"ada is #1", "ada is #2"} {
		if _, body := ts.gatewayGet(t, "chat.localhost", "/"); body != want {
			t.Fatalf("call %d: %q", i, body)
		}
	}
}
