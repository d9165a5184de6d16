package web

import (
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
