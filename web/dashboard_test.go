package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

const testPassword = "dashboard-pass-1"

// browser is an HTTP client with cookies, as a browser without JavaScript is.
type browser struct {
	t      *testing.T
	ts     *testServer
	client *http.Client
	csrf   string
}

func newBrowser(t *testing.T, ts *testServer) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, ts: ts, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status   int
	location string
	doc      *goquery.Document
	body     string
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(string(raw)))
	if v, ok := doc.Find(`input[name="_csrf"]`).First().Attr("value"); ok {
		b.csrf = v
	}
	return page{status: res.StatusCode, location: res.Header.Get("Location"), doc: doc, body: string(raw)}
}

func (b *browser) get(path string) page {
	req, _ := http.NewRequest("GET", b.ts.admin.URL+path, nil)
	return b.do(req)
}

// post submits a form with the page's CSRF token unless form sets _csrf itself.
func (b *browser) post(path string, form url.Values) page {
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", b.csrf)
	}
	req, _ := http.NewRequest("POST", b.ts.admin.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) login() {
	b.t.Helper()
	if _, err := b.ts.store.EnsureUser(context.Background(), "admin", testPassword, true); err != nil {
		b.t.Fatal(err)
	}
	b.get("/login")
	if p := b.post("/login", url.Values{"name": {"admin"}, "password": {testPassword}}); p.status != http.StatusSeeOther || p.location != "/services" {
		b.t.Fatalf("login: %d %s", p.status, p.location)
	}
}

func text(p page, sel string) string {
	return strings.Join(strings.Fields(p.doc.Find(sel).Text()), " ")
}

func TestDashboardNeedsLoginAndCSRF(t *testing.T) {
	ts := newTestServer(t)
	b := newBrowser(t, ts)
	if p := b.get("/services/x/environments/production/settings"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login?next=") {
		t.Fatalf("not signed in: %d %q", p.status, p.location)
	}
	ts.store.EnsureUser(context.Background(), "admin", testPassword, true)
	b.get("/login")
	if p := b.post("/login", url.Values{"name": {"admin"}, "password": {"wrong password"}}); p.status != http.StatusUnauthorized ||
		!strings.Contains(text(p, ".field-error"), "wrong user name or password") {
		t.Fatalf("bad password: %d %q", p.status, text(p, ".field-error"))
	}
	if p := b.post("/login", url.Values{"name": {"admin"}, "password": {testPassword}, "_csrf": {""}}); p.status != http.StatusBadRequest && p.status != http.StatusForbidden {
		t.Fatalf("login without CSRF token: %d", p.status)
	}
	// A next= pointing off-site is ignored.
	if p := b.post("/login", url.Values{"name": {"admin"}, "password": {testPassword}, "next": {"//evil.example/"}}); p.location != "/services" {
		t.Fatalf("open redirect: %q", p.location)
	}
	p := b.get("/services")
	if p.status != 200 || text(p, `[data-testid="current-user"]`) != "admin" {
		t.Fatalf("services: %d user %q", p.status, text(p, `[data-testid="current-user"]`))
	}
	if p := b.post("/services", url.Values{"name": {"nocsrf"}, "template": {"hello"}, "_csrf": {"forged"}}); p.status != http.StatusForbidden {
		t.Fatalf("forged CSRF token: %d", p.status)
	}
	if _, err := ts.store.GetService(context.Background(), "nocsrf"); err == nil {
		t.Fatal("a request with a forged token changed something")
	}
	b.post("/logout", url.Values{})
	if p := b.get("/services"); p.status != http.StatusSeeOther {
		t.Fatalf("after logout: %d", p.status)
	}
}

func TestDashboardServicesAndEnvironments(t *testing.T) {
	ts := newTestServer(t)
	b := newBrowser(t, ts)
	b.login()
	if p := b.get("/services"); !strings.Contains(text(p, ".empty"), "No services yet") {
		t.Fatalf("empty state missing: %q", text(p, "main"))
	}
	p := b.post("/services", url.Values{"name": {"Bad Name"}, "template": {"hello"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(text(p, "#err-name"), "invalid service name") {
		t.Fatalf("bad name: %d %q", p.status, text(p, "#err-name"))
	}
	if v, _ := p.doc.Find("#service-name").Attr("value"); v != "Bad Name" {
		t.Fatalf("typed name lost: %q", v)
	}
	p = b.post("/services", url.Values{"name": {"shop"}, "template": {"json-api"}})
	if p.status != http.StatusSeeOther || p.location != "/services/shop" {
		t.Fatalf("create: %d %q", p.status, p.location)
	}
	p = b.get("/services/shop")
	if !strings.Contains(text(p, ".flash-ok"), "Created service shop") || !strings.Contains(text(p, `[data-env="production"]`), "v1 100%") {
		t.Fatalf("service page: flash %q production %q", text(p, ".flash"), text(p, `[data-env="production"]`))
	}
	if _, body := ts.gatewayGet(t, "shop.localhost", "/x"); !strings.Contains(body, `"path":"/x"`) {
		t.Fatalf("template not deployed: %q", body)
	}
	if p := b.post("/services", url.Values{"name": {"shop"}, "template": {"hello"}}); !strings.Contains(text(p, "#err-name"), "already exists") {
		t.Fatalf("duplicate: %q", text(p, "#err-name"))
	}

	p = b.post("/services/shop/environments", url.Values{"name": {"staging"}, "from": {"production"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("clone: %d %s", p.status, text(p, "main"))
	}
	if _, body := ts.gatewayGet(t, "staging.shop.localhost", "/y"); !strings.Contains(body, `"path":"/y"`) {
		t.Fatalf("clone not live: %q", body)
	}
	p = b.post("/services/shop/environments", url.Values{"name": {"v2"}, "from": {""}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(text(p, "#err-name"), "reserved") {
		t.Fatalf("reserved name: %d %q", p.status, text(p, "#err-name"))
	}
	b.post("/services/shop/environments/staging/rename", url.Values{"name": {"review"}})
	if p := b.get("/services/shop"); p.doc.Find(`[data-env="review"]`).Length() != 1 || !strings.Contains(text(p, ".flash-ok"), "review.shop.localhost") {
		t.Fatalf("rename: %q", text(p, "main"))
	}
	b.post("/services/shop/environments/production/delete", url.Values{})
	if p := b.get("/services/shop"); !strings.Contains(text(p, ".flash-error"), "cannot be deleted") {
		t.Fatalf("deleting production: %q", text(p, "#flash"))
	}
	b.post("/services/shop/environments/review/delete", url.Values{})
	if p := b.get("/services/shop"); p.doc.Find(`[data-env="review"]`).Length() != 0 {
		t.Fatal("review still listed")
	}
	if p := b.get("/services/ghost"); p.status != http.StatusNotFound || !strings.Contains(text(p, "h1"), `service "ghost" not found`) {
		t.Fatalf("unknown service: %d %q", p.status, text(p, "h1"))
	}
}
