package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/weft-dev/weft/migrations"
	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/runtime"
)

const testToken = "test-token"

type testServer struct {
	admin, gateway *httptest.Server
	store          *models.Store
	engine         *runtime.Engine
	gw             *Gateway
}

func newTestServer(t testing.TB) *testServer {
	t.Helper()
	db, err := models.OpenDB(filepath.Join(t.TempDir(), "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrations.Apply(db); err != nil {
		t.Fatal(err)
	}
	store, err := models.NewStore(db, bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	store.SetBlobDir(filepath.Join(t.TempDir(), "r2"))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	gw := NewGateway(GatewayConfig{Store: store, Domain: "localhost", Logs: NewLogBuffer(), Log: log})
	engine := runtime.NewEngine(runtime.EngineConfig{Logs: gw.cfg.Logs, Services: gw, KV: store, Durable: store, Queues: store, R2: store, Cache: store, Hosts: gw})
	gw.SetEngine(engine)
	store.OnChange(func() { gw.Reload(context.Background()) })
	if err := gw.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts := &testServer{store: store, engine: engine, gw: gw,
		admin:   httptest.NewServer(NewAdminServer(AdminConfig{Store: store, Engine: engine, Gateway: gw, AdminToken: testToken, Log: log})),
		gateway: httptest.NewServer(gw)}
	t.Cleanup(func() { ts.admin.Close(); ts.gateway.Close(); store.Close() })
	return ts
}

// call sends a JSON request to the API and decodes the JSON answer.
func (ts *testServer) call(t testing.TB, method, path string, body any) (int, map[string]any) {
	t.Helper()
	return ts.callWith(t, testToken, method, path, body)
}

func (ts *testServer) callWith(t testing.TB, token, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, ts.admin.URL+"/api/v1"+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out := map[string]any{}
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func (ts *testServer) gatewayGet(t *testing.T, host, path string, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", ts.gateway.URL+path, nil)
	req.Host = host
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func script(body string) map[string]any {
	return map[string]any{"modules": []map[string]string{{"name": "index.js", "content": body}}, "main": "index.js", "deploy": true}
}

func errCode(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func errMessage(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	msg, _ := e["message"].(string)
	return msg
}

func TestAPIRequiresToken(t *testing.T) {
	ts := newTestServer(t)
	for _, h := range []string{"", "Bearer wrong", "Basic x"} {
		req, _ := http.NewRequest("GET", ts.admin.URL+"/api/v1/services", nil)
		if h != "" {
			req.Header.Set("Authorization", h)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		json.NewDecoder(res.Body).Decode(&out)
		res.Body.Close()
		if res.StatusCode != 401 || errCode(out) != "unauthorized" {
			t.Fatalf("Authorization %q: %d %v", h, res.StatusCode, out)
		}
	}
}

func TestAPIErrorsAreEnvelopedWithMatchingStatus(t *testing.T) {
	ts := newTestServer(t)
	if st, _ := ts.call(t, "POST", "/services/api/environments/production/versions", script(`export default {fetch(){return new Response("ok")}}`)); st != 201 {
		t.Fatalf("upload: %d", st)
	}
	cases := []struct {
		method, path string
		body         any
		status       int
		code, msg    string
	}{
		{"GET", "/services/ghost", nil, 404, "not_found", `service "ghost" not found`},
		{"GET", "/nope", nil, 404, "not_found", "no such API endpoint"},
		{"POST", "/services", "{not json", 400, "invalid", "malformed JSON"},
		{"POST", "/services", map[string]string{"name": "Bad_Name"}, 400, "invalid", "invalid service name"},
		{"POST", "/services", map[string]string{"name": "api"}, 409, "conflict", "already exists"},
		{"POST", "/services/api/environments/production/versions", script("export default {fetch( {"), 400, "invalid", "index.js:1"},
		{"POST", "/services/api/environments/production/versions", script("throw new Error('at start')"), 400, "invalid", "at start"},
		{"POST", "/services/api/environments/production/versions", map[string]any{"modules": []any{}}, 400, "invalid", "at least one module"},
		{"POST", "/services/api/environments/production/versions", map[string]any{"modules": []map[string]string{{"name": "i.js", "content": "export default {}"}},
			"wrangler_toml": "name = \"api\"\nmain = ["}, 400, "invalid", "wrangler.toml:2"},
		{"POST", "/services/api/environments/production/versions", map[string]any{"modules": []map[string]string{{"name": "i.js", "content": strings.Repeat("x", 33<<20)}}}, 413, "too_large", "too large"},
		{"DELETE", "/services/api/environments/production", nil, 400, "invalid", "cannot be deleted"},
		{"POST", "/services/api/environments/production/rollback", map[string]any{}, 400, "invalid", "no version before"},
		{"POST", "/services/api/environments/production/deployments", map[string]any{"versions": []map[string]int{{"version": 1, "percentage": 60}}}, 400, "invalid", "add up to 60"},
		{"POST", "/services/api/environments/production/routes", map[string]string{"pattern": "x.api.localhost/*"}, 400, "invalid", "inside Weft's domain"},
		{"PUT", "/services/api/environments/production/secrets/bad-name", map[string]string{"value": "x"}, 400, "invalid", "invalid secret name"},
		{"GET", "/audit?since=yesterday", nil, 400, "invalid", "RFC 3339"},
	}
	for _, c := range cases {
		st, out := ts.call(t, c.method, c.path, c.body)
		if st != c.status || errCode(out) != c.code || !strings.Contains(errMessage(out), c.msg) {
			t.Errorf("%s %s: %d %v; want %d %s containing %q", c.method, c.path, st, out, c.status, c.code, c.msg)
		}
	}
	// None of the failures above changed anything.
	_, out := ts.call(t, "GET", "/services/api/environments/production/versions", nil)
	if vs := out["versions"].([]any); len(vs) != 1 {
		t.Fatalf("failed requests created versions: %d", len(vs))
	}
}

func TestUploadPromoteRollbackThroughAPIAndGateway(t *testing.T) {
	ts := newTestServer(t)
	up := func(env, code string, vars ...models.Var) {
		t.Helper()
		body := script(code)
		body["settings"] = models.Settings{Vars: vars}
		if st, out := ts.call(t, "POST", "/services/app/environments/"+env+"/versions", body); st != 201 {
			t.Fatalf("upload %s: %d %v", env, st, out)
		}
	}
	up("production", `export default {fetch(r, env){return new Response("one:" + env.WHO)}}`, models.Var{Name: "WHO", Value: "prod"})
	up("staging", `export default {fetch(r, env){return new Response("two:" + env.WHO)}}`, models.Var{Name: "WHO", Value: "stg"})
	if _, body := ts.gatewayGet(t, "staging.app.localhost", "/"); body != "two:stg" {
		t.Fatalf("staging: %q", body)
	}
	if st, out := ts.call(t, "POST", "/services/app/environments/production/promote", map[string]string{"from": "staging"}); st != 201 {
		t.Fatalf("promote: %d %v", st, out)
	}
	if _, body := ts.gatewayGet(t, "app.localhost", "/"); body != "two:prod" {
		t.Fatalf("after promote production answers %q", body)
	}
	if _, body := ts.gatewayGet(t, "v1.production.app.localhost", "/"); body != "one:prod" {
		t.Fatalf("version preview: %q", body)
	}
	if st, out := ts.call(t, "POST", "/services/app/environments/production/rollback", map[string]any{}); st != 201 {
		t.Fatalf("rollback: %d %v", st, out)
	}
	if _, body := ts.gatewayGet(t, "app.localhost", "/"); body != "one:prod" {
		t.Fatalf("after rollback production answers %q", body)
	}
	// Split 50/50 and pin each side with the override header.
	if st, out := ts.call(t, "POST", "/services/app/environments/production/deployments",
		map[string]any{"versions": []map[string]int{{"version": 1, "percentage": 50}, {"version": 2, "percentage": 50}}}); st != 201 {
		t.Fatalf("split: %d %v", st, out)
	}
	for n, want := range map[string]string{"1": "one:prod", "2": "two:prod"} {
		if _, body := ts.gatewayGet(t, "app.localhost", "/", headerVersionOverride, n); body != want {
			t.Fatalf("pinned v%s: %q", n, body)
		}
	}
}

func TestRoutesServeAndConflict(t *testing.T) {
	ts := newTestServer(t)
	ts.call(t, "POST", "/services/a/environments/production/versions", script(`export default {fetch(){return new Response("a")}}`))
	ts.call(t, "POST", "/services/b/environments/production/versions", script(`export default {fetch(){return new Response("b")}}`))
	if st, out := ts.call(t, "POST", "/services/a/environments/production/routes", map[string]string{"pattern": "example.com/*"}); st != 201 {
		t.Fatalf("add route: %d %v", st, out)
	}
	ts.call(t, "POST", "/services/b/environments/production/routes", map[string]string{"pattern": "example.com/b/*"})
	if st, out := ts.call(t, "POST", "/services/b/environments/production/routes", map[string]string{"pattern": "example.com/*"}); st != 409 {
		t.Fatalf("conflicting route: %d %v", st, out)
	}
	for path, want := range map[string]string{"/": "a", "/b/x": "b", "/bx": "a"} {
		if _, body := ts.gatewayGet(t, "example.com", path); body != want {
			t.Fatalf("example.com%s: %q want %q", path, body, want)
		}
	}
}

func TestSecretsNeverReturned(t *testing.T) {
	ts := newTestServer(t)
	ts.call(t, "POST", "/services/s/environments/production/versions", script(`export default {fetch(r, env){return new Response(env.TOKEN.length + "")}}`))
	if st, out := ts.call(t, "PUT", "/services/s/environments/production/secrets/TOKEN", map[string]string{"value": "hunter2hunter2"}); st != 200 {
		t.Fatalf("put secret: %d %v", st, out)
	}
	if _, body := ts.gatewayGet(t, "s.localhost", "/"); body != "14" {
		t.Fatalf("worker sees secret of length %q", body)
	}
	for _, p := range []string{"/services/s/environments/production/versions", "/services/s/environments/production/settings",
		"/services/s/environments/production/secrets", "/audit", "/services/s/environments/production/logs"} {
		req, _ := http.NewRequest("GET", ts.admin.URL+"/api/v1"+p, nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		res, _ := http.DefaultClient.Do(req)
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(raw), "hunter2") || strings.Contains(string(raw), "value_id") {
			t.Fatalf("%s leaks the secret: %s", p, raw)
		}
	}
}

// TestOpenAPIListsEveryRoute keeps the served description in step with the server's routes.
func TestOpenAPIListsEveryRoute(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			if m != "parameters" {
				documented[strings.ToUpper(m)+" /api/v1"+p] = true
			}
		}
	}
	e := NewAdminServer(AdminConfig{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var missing []string
	for _, r := range e.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == "echo_route_not_found" {
			continue // echo's own not-found handlers for the group
		}
		key := r.Method + " " + openAPIPath(r.Path)
		if !documented[key] {
			missing = append(missing, key)
		}
		delete(documented, key)
	}
	sort.Strings(missing)
	if len(missing) > 0 || len(documented) > 0 {
		t.Fatalf("undocumented routes %v; documented but not served %v", missing, documented)
	}
}

// openAPIPath turns echo's :param segments into OpenAPI's {param}.
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// An R2 object larger than the API's body limit uploads: it streams to disk under R2's own limit.
func TestAPIUploadsLargeR2Objects(t *testing.T) {
	ts := newTestServer(t)
	if code, out := ts.call(t, "POST", "/r2/buckets", map[string]string{"name": "big"}); code != http.StatusCreated {
		t.Fatalf("create bucket: %d %v", code, out)
	}
	size := 40 << 20
	req, _ := http.NewRequest("PUT", ts.admin.URL+"/api/v1/r2/buckets/big/objects/blob.bin", io.LimitReader(zeros{}, int64(size)))
	req.Header.Set("Authorization", "Bearer "+testToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusCreated {
		t.Fatalf("upload of %d bytes: %d", size, res.StatusCode)
	}
	o, body, err := ts.store.R2Get(context.Background(), "big", "blob.bin", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	body.Close()
	if o.Size != int64(size) {
		t.Fatalf("stored %d bytes, want %d", o.Size, size)
	}
	// Other API calls keep the limit.
	if code, _ := ts.call(t, "POST", "/services/x/environments/production/versions", strings.Repeat("x", 33<<20)); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("a 33 MiB upload of code: %d", code)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// After an environment is renamed, its requests and its script's console lines are filed under the
// new name (a worker loaded before the rename carried the old one in its label). An environment
// whose Durable Objects hold storage keeps its name: their ids and storage derive from it.
func TestRenamedEnvironmentLogsUnderItsNewName(t *testing.T) {
	ts := newTestServer(t)
	body := script(`export class Counter {
  constructor(state) { this.state = state; }
  async fetch() { await this.state.storage.put("n", 1); return new Response("stored"); }
}
export default { fetch(req, env) {
  console.log("served");
  return new URL(req.url).pathname === "/store" ? env.COUNTER.getByName("one").fetch(req) : new Response("ok");
} };`)
	body["settings"] = models.Settings{Bindings: []models.Binding{{Name: "COUNTER", Type: models.BindingDurable, ClassName: "Counter"}}}
	for _, env := range []string{"preview", "objects"} {
		if st, out := ts.call(t, "POST", "/services/app/environments/"+env+"/versions", body); st != 201 {
			t.Fatalf("deploy: %d %v", st, out)
		}
	}
	if st, _ := ts.gatewayGet(t, "preview.app.localhost", "/"); st != 200 {
		t.Fatalf("before rename: %d", st)
	}
	if st, out := ts.call(t, "PATCH", "/services/app/environments/preview", map[string]string{"name": "review"}); st != 200 {
		t.Fatalf("rename: %d %v", st, out)
	}
	if st, _ := ts.gatewayGet(t, "review.app.localhost", "/"); st != 200 {
		t.Fatalf("after rename: %d", st)
	}
	var lines []string
	for _, e := range ts.gw.cfg.Logs.Recent("app", "review", 10) {
		lines = append(lines, e.Level+": "+e.Message)
		if !strings.HasPrefix(e.Label, "app/review@") {
			t.Errorf("line %q labelled %q", e.Message, e.Label)
		}
	}
	if len(lines) != 2 || !strings.Contains(lines[0], "served") || !strings.HasPrefix(lines[1], "request: GET / 200") {
		t.Fatalf("review's log: %q", lines)
	}

	if _, got := ts.gatewayGet(t, "objects.app.localhost", "/store"); got != "stored" {
		t.Fatalf("store: %q", got)
	}
	st, out := ts.call(t, "PATCH", "/services/app/environments/objects", map[string]string{"name": "renamed"})
	if msg, _ := out["error"].(map[string]any)["message"].(string); st != 409 || !strings.Contains(msg, "Durable Object") {
		t.Fatalf("renaming an environment with objects: %d %v", st, out)
	}
	if st, _ := ts.gatewayGet(t, "objects.app.localhost", "/"); st != 200 {
		t.Fatalf("after the refused rename: %d", st)
	}
}
