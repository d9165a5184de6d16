package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/weft-dev/weft/models"
)

// postJSON sends Quick Edit's JSON requests with the CSRF header, as quickedit.js does.
func (b *browser) postJSON(path string, body any) (int, map[string]any) {
	b.t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", b.ts.admin.URL+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", b.csrf)
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out := map[string]any{}
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func newShop(t *testing.T) (*testServer, *browser) {
	ts := newTestServer(t)
	b := newBrowser(t, ts)
	b.login()
	if p := b.post("/services", url.Values{"name": {"shop"}, "template": {"hello"}}); p.status != http.StatusSeeOther {
		t.Fatalf("create: %d", p.status)
	}
	return ts, b
}

func TestQuickEditPreviewAndSave(t *testing.T) {
	ts, b := newShop(t)
	base := "/services/shop/environments/production"
	p := b.get(base + "/edit")
	var files struct {
		Modules []struct{ Name, Content string }
		Main    string
	}
	if err := json.Unmarshal([]byte(p.doc.Find("#qe-files").Text()), &files); err != nil || files.Main != "index.js" || !strings.Contains(files.Modules[0].Content, "Hello world") {
		t.Fatalf("editor files: %v %+v", err, files)
	}
	mods := []map[string]string{{"name": "index.js", "content": "import { msg } from './msg.js';\nexport default { fetch(req) { console.log('serving', new URL(req.url).pathname); return new Response(msg) } }"},
		{"name": "msg.js", "content": "export const msg = 'edited';\n"}}
	st, out := b.postJSON(base+"/edit/preview", map[string]any{"modules": mods, "main": "index.js", "method": "GET", "path": "/try"})
	if st != 200 || out["status"] != float64(200) || out["body"] != "edited" {
		t.Fatalf("preview: %d %v", st, out)
	}
	if logs, _ := json.Marshal(out["logs"]); !strings.Contains(string(logs), "serving /try") {
		t.Fatalf("console: %s", logs)
	}
	if _, body := ts.gatewayGet(t, "shop.localhost", "/"); body != "Hello world!" {
		t.Fatalf("a preview changed production: %q", body)
	}
	// An exception is reported with its file and line.
	bad := []map[string]string{{"name": "index.js", "content": "export default {\n  fetch() {\n    throw new Error('nope');\n  }\n}"}}
	_, out = b.postJSON(base+"/edit/preview", map[string]any{"modules": bad, "path": "/"})
	if probs, _ := json.Marshal(out["problems"]); out["status"] != float64(500) || !strings.Contains(string(probs), `"line":3`) {
		t.Fatalf("exception: %v", out)
	}
	// A syntax error is refused at its line, and nothing is saved.
	syntax := []map[string]string{{"name": "index.js", "content": "export default {\n  fetch() {\n    return new Response(;\n  }\n}"}}
	st, out = b.postJSON(base+"/edit/save", map[string]any{"modules": syntax, "main": "index.js", "deploy": true})
	if probs, _ := json.Marshal(out["problems"]); st != 400 || !strings.Contains(string(probs), `"file":"index.js","line":3`) {
		t.Fatalf("syntax error save: %d %v", st, out)
	}
	st, out = b.postJSON(base+"/edit/save", map[string]any{"modules": mods, "main": "index.js", "message": "edited in the browser", "deploy": false})
	if st != 201 || out["version"] != float64(2) || out["deployed"] != false {
		t.Fatalf("save: %d %v", st, out)
	}
	if _, body := ts.gatewayGet(t, "shop.localhost", "/"); body != "Hello world!" {
		t.Fatalf("Save deployed: %q", body)
	}
	st, out = b.postJSON(base+"/edit/save", map[string]any{"modules": mods, "main": "index.js", "deploy": true})
	if _, body := ts.gatewayGet(t, "shop.localhost", "/"); st != 201 || body != "edited" {
		t.Fatalf("Save and deploy: %d %v, production says %q", st, out, body)
	}
	p = b.get(base + "/deployments")
	if !strings.Contains(text(p, `tr[data-version="2"]`), "edited in the browser") || !strings.Contains(text(p, `tr[data-version="3"]`), "live 100%") {
		t.Fatalf("history: %q", text(p, "table.versions"))
	}
	if !strings.Contains(text(p, `tr[data-version="2"]`), "via dashboard") {
		t.Fatalf("source not recorded: %q", text(p, `tr[data-version="2"]`))
	}
}

func TestSettingsPageFormsAndErrors(t *testing.T) {
	ts, b := newShop(t)
	s := "/services/shop/environments/production/settings"
	p := b.post(s+"/vars", url.Values{"op": {"set"}, "name": {"CONFIG"}, "type": {"json"}, "value": {"{not json"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(text(p, "#err-var_value"), "not valid JSON") {
		t.Fatalf("bad JSON var: %d %q", p.status, text(p, ".field-error"))
	}
	if p.doc.Find("#new-var-value").Text() != "{not json" {
		t.Fatal("typed value lost")
	}
	if p := b.post(s+"/vars", url.Values{"op": {"set"}, "name": {"GREETING"}, "type": {"plain_text"}, "value": {"hi"}}); p.status != http.StatusSeeOther {
		t.Fatalf("var: %d", p.status)
	}
	b.post(s+"/secrets", url.Values{"op": {"set"}, "name": {"API_KEY"}, "value": {"very-secret-value"}})
	p = b.get(s)
	if !strings.Contains(text(p, ".flash-ok"), "version 3 is live") || p.doc.Find(`tr[data-secret="API_KEY"]`).Length() != 1 {
		t.Fatalf("after secret: %q", text(p, "#flash"))
	}
	if strings.Contains(p.body, "very-secret-value") {
		t.Fatal("a secret value was rendered")
	}
	// The binding form offers existing storage of every kind.
	if _, err := ts.store.CreateR2Bucket(context.Background(), models.Actor{Name: "test"}, "photos"); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.CreateQueue(context.Background(), models.Actor{Name: "test"}, "jobs"); err != nil {
		t.Fatal(err)
	}
	p = b.get(s)
	for value, kind := range map[string]string{"photos": "R2 bucket", "jobs": "queue"} {
		if label, _ := p.doc.Find(`#kv-namespaces option[value="` + value + `"]`).Attr("label"); label != kind {
			t.Fatalf("binding form offers %s as %q", value, label)
		}
	}
	if p := b.post(s+"/bindings", url.Values{"op": {"add"}, "name": {"AUTH"}, "type": {"service"}, "service": {"ghost"}}); !strings.Contains(text(p, "#err-binding"), "ghost") {
		t.Fatalf("binding to a missing service: %q", text(p, ".field-error"))
	}
	if p := b.post(s+"/bindings", url.Values{"op": {"add"}, "name": {"CACHE"}, "type": {"kv_namespace"}, "target": {"cache-prod"}}); p.status != http.StatusSeeOther {
		t.Fatalf("kv binding: %d %q", p.status, text(p, ".field-error"))
	}
	if p := b.post(s+"/routes", url.Values{"op": {"add"}, "pattern": {"shop.example.com/*"}}); p.status != http.StatusSeeOther {
		t.Fatalf("route: %d %q", p.status, text(p, ".field-error"))
	}
	b.post("/services", url.Values{"name": {"other"}, "template": {"hello"}})
	if p := b.post("/services/other/environments/production/settings/routes", url.Values{"op": {"add"}, "pattern": {"shop.example.com/*"}}); !strings.Contains(text(p, "#err-route"), "shop.example.com/*") {
		t.Fatalf("conflicting route: %q", text(p, ".field-error"))
	}
	if p := b.post(s+"/limits", url.Values{"cpu_ms": {"lots"}}); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad cpu: %d", p.status)
	}
	limits := url.Values{"cpu_ms": {"120"}, "wall_ms": {"5000"}, "subrequests": {"5000"}, "request_body_mib": {"8"}, "connections": {"3"}, "stack_depth": {"1500"}}
	if p := b.post(s+"/limits", limits); !strings.Contains(text(p, "#err-subrequests"), "between 1 and 1000") {
		t.Fatalf("too many subrequests: %d %q", p.status, text(p, ".field-error"))
	}
	limits.Set("subrequests", "200")
	b.post(s+"/limits", limits)
	p = b.get(s)
	for id, want := range map[string]string{"#cpu-ms": "120", "#wall-ms": "5000", "#subrequests": "200", "#request-body-mib": "8", "#connections": "3", "#stack-depth": "1500"} {
		if v, _ := p.doc.Find(id).Attr("value"); v != want {
			t.Fatalf("%s is %q, want %s", id, v, want)
		}
	}
	if p.doc.Find(`tr[data-binding="CACHE"]`).Length() != 1 {
		t.Fatalf("bindings %q", text(p, "#bindings"))
	}
	if _, body := ts.gatewayGet(t, "shop.example.com", "/"); body != "Hello world!" {
		t.Fatalf("route not serving: %q", body)
	}
}

func TestDeploymentsRollbackPromoteSplit(t *testing.T) {
	ts, b := newShop(t)
	prod := "/services/shop/environments/production"
	b.post(prod+"/settings/secrets", url.Values{"op": {"set"}, "name": {"KEY"}, "value": {"one-value"}}) // v2
	b.postJSON(prod+"/edit/save", map[string]any{"modules": []map[string]string{{"name": "index.js", "content": "export default { fetch() { return new Response('v3') } }"}}, "deploy": true})
	b.get(prod + "/deployments") // refresh the CSRF token from a page
	p := b.get(prod + "/deployments/rollback?version=1")
	if !strings.Contains(text(p, ".diff"), "Hello world") || !strings.Contains(text(p, ".warning"), "KEY") {
		t.Fatalf("rollback confirmation: diff %q warning %q", text(p, ".diff"), text(p, ".warning"))
	}
	if p := b.post(prod+"/deployments/rollback", url.Values{"version": {"1"}}); p.status != http.StatusSeeOther {
		t.Fatalf("rollback: %d", p.status)
	}
	if p := b.get(prod + "/deployments"); !strings.Contains(text(p, ".flash-error"), "KEY") {
		t.Fatalf("rollback with differing secrets did not ask: %q", text(p, "#flash"))
	}
	if _, body := ts.gatewayGet(t, "shop.localhost", "/"); body != "v3" {
		t.Fatalf("refused rollback changed production: %q", body)
	}
	b.post(prod+"/deployments/rollback", url.Values{"version": {"1"}, "force": {"1"}})
	if _, body := ts.gatewayGet(t, "shop.localhost", "/"); body != "Hello world!" {
		t.Fatalf("after rollback: %q", body)
	}

	b.post("/services/shop/environments", url.Values{"name": {"staging"}, "from": {""}})
	b.postJSON("/services/shop/environments/staging/edit/save", map[string]any{"modules": []map[string]string{{"name": "index.js", "content": "export default { fetch() { return new Response('staged') } }"}}, "deploy": true})
	p = b.get("/services/shop/environments/staging/deployments/promote?to=production")
	if !strings.Contains(text(p, ".diff"), "staged") || !strings.Contains(text(p, ".confirm"), "keeps its own variables") {
		t.Fatalf("promote confirmation: %q", text(p, ".confirm"))
	}
	if p := b.post("/services/shop/environments/staging/deployments/promote", url.Values{"to": {"production"}}); p.location != prod+"/deployments" {
		t.Fatalf("promote: %d %q", p.status, p.location)
	}
	if _, body := ts.gatewayGet(t, "shop.localhost", "/"); body != "staged" {
		t.Fatalf("after promote: %q", body)
	}
	p = b.get(prod + "/deployments")
	if !strings.Contains(text(p, "table.versions"), "from staging@v1") {
		t.Fatalf("promoted-from missing: %q", text(p, "table.versions"))
	}
	if p := b.get(prod + "/deployments/diff?from=1&to=4"); !strings.Contains(text(p, ".diff"), "staged") || !strings.Contains(text(p, "main"), "settings are the same") {
		t.Fatalf("diff page: %q", text(p, "main"))
	}
	if p := b.get(prod + "/deployments/diff?from=1&to=2"); !strings.Contains(text(p, ".diff"), `+ "KEY"`) || !strings.Contains(text(p, "main"), "code is the same") {
		t.Fatalf("settings diff: %q", text(p, "main"))
	}
	b.post(prod+"/deployments/split", url.Values{"a": {"4"}, "b": {"3"}, "percentage": {"30"}})
	if p := b.get(prod + "/deployments"); !strings.Contains(text(p, `[data-testid="live"]`), "v4 30%") || !strings.Contains(text(p, `[data-testid="live"]`), "v3 70%") {
		t.Fatalf("split: %q %q", text(p, `[data-testid="live"]`), text(p, "#flash"))
	}
}

func TestLogsStreamAndAuditAndTokens(t *testing.T) {
	ts, b := newShop(t)
	req, _ := http.NewRequest("GET", ts.admin.URL+"/services/shop/environments/production/logs/stream", nil)
	res, err := b.client.Do(req)
	if err != nil || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %v %v", err, res.Header)
	}
	defer res.Body.Close()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	<-lines // ": connected"
	ts.gatewayGet(t, "shop.localhost", "/streamed")
	deadline := time.After(5 * time.Second)
	for found := false; !found; {
		select {
		case l := <-lines:
			found = strings.HasPrefix(l, "data: ") && strings.Contains(l, "GET /streamed 200")
		case <-deadline:
			t.Fatal("no request line arrived on the stream")
		}
	}
	if p := b.get("/services/shop/environments/production/logs"); !strings.Contains(text(p, "#log-lines"), "GET /streamed 200") {
		t.Fatalf("recent logs: %q", text(p, "#log-lines"))
	}

	p := b.get("/audit?service=shop&action=service.")
	if !strings.Contains(text(p, "table.audit"), "service.create") || strings.Contains(text(p, "table.audit"), "version.upload") {
		t.Fatalf("audit filter: %q", text(p, "table.audit"))
	}
	if p := b.get("/audit?since=yesterday"); p.status != http.StatusBadRequest {
		t.Fatalf("bad since: %d", p.status)
	}

	p = b.post("/account/tokens", url.Values{"name": {"ci"}})
	token := text(p, `[data-testid="new-token"]`)
	if p.status != http.StatusCreated || !strings.HasPrefix(token, "weft_") {
		t.Fatalf("token: %d %q", p.status, token)
	}
	if st, _ := ts.callWith(t, token, "GET", "/services", nil); st != 200 {
		t.Fatalf("new token refused: %d", st)
	}
	if p := b.get("/account"); strings.Contains(p.body, token) {
		t.Fatal("token shown twice")
	}
	p = b.post("/account/password", url.Values{"current": {"nope nope nope"}, "new": {"another-password"}})
	if !strings.Contains(text(p, "#err-current"), "wrong") {
		t.Fatalf("password: %q", text(p, ".field-error"))
	}
}

func TestEnvironmentSwitcherKeepsThePage(t *testing.T) {
	_, b := newShop(t)
	b.post("/services/shop/environments", url.Values{"name": {"staging"}, "from": {"production"}})
	p := b.get("/services/shop/environments/staging/settings")
	links := p.doc.Find(".env-switch a")
	if links.Length() != 2 || links.First().Text() != "production" {
		t.Fatalf("switcher: %q", text(p, ".env-switch"))
	}
	if href, _ := links.First().Attr("href"); href != "/services/shop/environments/production/settings" {
		t.Fatalf("production tab goes to %q", href)
	}
	if cur := text(p, `.env-switch a[aria-current="page"]`); cur != "staging" {
		t.Fatalf("current tab %q", cur)
	}
}

func TestKVBrowser(t *testing.T) {
	ts, b := newShop(t)
	if p := b.post("/kv", url.Values{"name": {"bad name!"}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(text(p, "#err-name"), "invalid KV namespace") {
		t.Fatalf("bad name: %d %q", p.status, text(p, ".field-error"))
	}
	if p := b.post("/kv", url.Values{"name": {"sessions"}}); p.location != "/kv/sessions" {
		t.Fatalf("create: %d %q", p.status, p.location)
	}
	for _, k := range []string{"user:1", "user:2", "other"} {
		b.post("/kv/sessions/put", url.Values{"key": {k}, "value": {"value of " + k}})
	}
	p := b.get("/kv/sessions?prefix=user:")
	if p.doc.Find(".kv-keys li").Length() != 2 {
		t.Fatalf("prefix listing: %q", text(p, ".kv-keys"))
	}
	p = b.get("/kv/sessions?key=user:2")
	if p.doc.Find("#kv-value").Text() != "value of user:2" {
		t.Fatalf("view: %q", p.doc.Find("#kv-value").Text())
	}
	if p := b.post("/kv/sessions/put", url.Values{"key": {strings.Repeat("k", 600)}, "value": {"v"}}); !strings.Contains(text(p, "#err-key"), "at most 512 bytes") {
		t.Fatalf("long key: %q", text(p, ".field-error"))
	}
	b.post("/kv/sessions/delete-key", url.Values{"key": {"other"}})
	if _, _, ok, _ := ts.store.KVGet(context.Background(), "sessions", "other"); ok {
		t.Fatal("key not deleted")
	}
	// A namespace bound by a live version is not deleted, and the page says who binds it.
	b.post("/services/shop/environments/production/settings/bindings", url.Values{"op": {"add"}, "name": {"SESSIONS"}, "type": {"kv_namespace"}, "target": {"sessions"}})
	p = b.get("/kv")
	if !strings.Contains(text(p, `tr[data-namespace="sessions"]`), "shop/production as SESSIONS") {
		t.Fatalf("bound by: %q", text(p, "table"))
	}
	b.post("/kv/sessions/delete", url.Values{})
	if p := b.get("/kv"); !strings.Contains(text(p, ".flash-error"), "bound as SESSIONS") {
		t.Fatalf("delete bound namespace: %q", text(p, "#flash"))
	}
}

func TestCronRunNowFromDashboard(t *testing.T) {
	ts, b := newShop(t)
	body := script(`export default { fetch() { return new Response("") }, scheduled(c) { console.log("cron says hi", c.cron) } }`)
	body["settings"] = models.Settings{Crons: []string{"0 * * * *"}}
	if st, out := ts.call(t, "POST", "/services/shop/environments/production/versions", body); st != 201 {
		t.Fatalf("upload: %d %v", st, out)
	}
	s := "/services/shop/environments/production/settings"
	b.get(s)
	if p := b.post(s+"/cron-run", url.Values{"cron": {"0 * * * *"}}); p.status != http.StatusSeeOther {
		t.Fatalf("run now: %d", p.status)
	}
	p := b.get(s)
	if !strings.Contains(text(p, ".flash-ok"), "Ran scheduled(0 * * * *): ok") || !strings.Contains(p.doc.Find(`[data-testid="cron-runs"] pre`).Text(), "cron says hi 0 * * * *") {
		t.Fatalf("flash %q runs %q", text(p, "#flash"), text(p, `[data-testid="cron-runs"]`))
	}
}

func TestR2Browser(t *testing.T) {
	ts, b := newShop(t)
	if p := b.post("/r2", url.Values{"name": {"x"}}); !strings.Contains(text(p, "#err-name"), "invalid R2 bucket name") {
		t.Fatalf("bad name: %q", text(p, ".field-error"))
	}
	b.post("/r2", url.Values{"name": {"photos"}})
	for _, k := range []string{"2024/a.jpg", "2024/b.jpg", "readme.txt"} {
		ts.store.R2Put(context.Background(), "photos", k, strings.NewReader("data of "+k), models.R2PutOptions{HTTPMetadata: `{"contentType":"text/html"}`})
	}
	// Upload through the form, as a browser sends it.
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	mw.WriteField("_csrf", b.csrf)
	mw.WriteField("prefix", "2024/")
	fw, _ := mw.CreateFormFile("file", "c.jpg")
	fw.Write([]byte("uploaded bytes"))
	mw.Close()
	req, _ := http.NewRequest("POST", ts.admin.URL+"/r2/photos/upload", &form)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if p := b.do(req); p.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", p.status, text(p, ".field-error"))
	}
	if o, err := ts.store.R2Head(context.Background(), "photos", "2024/c.jpg"); err != nil || o.Size != 14 {
		t.Fatalf("uploaded object: %+v %v", o, err)
	}
	p := b.get("/r2/photos")
	if p.doc.Find(`tr[data-key]`).Length() != 1 || !strings.Contains(text(p, ".r2-objects"), "2024/") {
		t.Fatalf("root listing: %q", text(p, ".r2-objects"))
	}
	if p := b.get("/r2/photos?prefix=2024/"); p.doc.Find(`tr[data-key]`).Length() != 3 {
		t.Fatalf("folder listing: %q", text(p, ".r2-objects"))
	}
	req, _ = http.NewRequest("GET", ts.admin.URL+"/r2/photos/download?key=readme.txt", nil)
	res, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(raw) != "data of readme.txt" || res.Header.Get("Content-Security-Policy") != "sandbox" {
		t.Fatalf("download: %q %v", raw, res.Header)
	}
	b.post("/r2/photos/delete-object", url.Values{"key": {"readme.txt"}})
	if _, err := ts.store.R2Head(context.Background(), "photos", "readme.txt"); models.ErrorCode(err) != models.ENOTFOUND {
		t.Fatalf("not deleted: %v", err)
	}
}

func TestQueuesPage(t *testing.T) {
	ts, b := newShop(t)
	body := script(`export default { async fetch(r, env) { await env.Q.send(1); return new Response("") }, queue() {} }`)
	body["settings"] = models.Settings{Bindings: []models.Binding{{Name: "Q", Type: models.BindingQueue, QueueName: "jobs"}},
		QueueConsumers: []models.QueueConsumer{{Queue: "jobs"}}}
	if st, out := ts.call(t, "POST", "/services/shop/environments/production/versions", body); st != 201 {
		t.Fatalf("upload: %d %v", st, out)
	}
	ts.gatewayGet(t, "shop.localhost", "/")
	p := b.get("/queues")
	var cells []string
	p.doc.Find(`tr[data-queue="jobs"] td`).Each(func(_ int, s *goquery.Selection) { cells = append(cells, strings.TrimSpace(s.Text())) })
	if row := strings.Join(cells, "|"); !strings.HasPrefix(row, "jobs|1|shop/production as Q|shop/production|") {
		t.Fatalf("queue row: %q", row)
	}
	if p := b.post("/queues", url.Values{"name": {"Bad Name"}}); !strings.Contains(text(p, "#err-name"), "invalid queue name") {
		t.Fatalf("bad name: %q", text(p, ".field-error"))
	}
}
