package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/weft-dev/weft/models"
)

func TestErrorEnvelopeBecomesAPIError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, `{"error":{"code":"conflict","message":"version 2's secrets differ from the live version's","details":{"version":2,"secrets_differ":["API_KEY"]}}}`)
	}))
	defer srv.Close()

	_, err := New(srv.URL, "t").Rollback(context.Background(), "api", "production", RollbackRequest{})
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %T %v, want *APIError", err, err)
	}
	if ae.Error() != "version 2's secrets differ from the live version's" || ae.Code != models.ECONFLICT || ae.Status != 409 {
		t.Fatalf("got %+v", ae)
	}
	var d models.SecretsDiffer
	if !ae.DecodeDetails(&d) || d.Version != 2 || len(d.SecretsDiffer) != 1 || d.SecretsDiffer[0] != "API_KEY" {
		t.Fatalf("details = %+v", d)
	}
}

func TestNonEnvelopeErrorSaysWhatCameBack(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream down", http.StatusBadGateway)
	}))
	defer srv.Close()

	_, err := New(srv.URL, "").ListServices(context.Background())
	if err == nil || !strings.Contains(err.Error(), "502") || !strings.Contains(err.Error(), "upstream down") {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectionRefusedNamesTheURL(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now

	_, err = New(addr, "").ListServices(context.Background())
	var ce *ConnError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %T %v, want *ConnError", err, err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "no Weft server answered at "+addr) || !strings.Contains(msg, "weft serve") || !strings.Contains(msg, "--api") {
		t.Fatalf("message = %q", msg)
	}
}

func TestRequestsCarryTokenEscapedPathsAndBody(t *testing.T) {
	type seen struct{ method, rawPath, query, auth, body string }
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, seen{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Authorization"), string(b)})
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/deployments"):
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"deployment":{"id":7,"versions":[{"version_id":11,"number":3,"percentage":90},{"version_id":12,"number":4,"percentage":10}]}}`)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	defer srv.Close()
	c := New(srv.URL+"/", "sekrit")
	ctx := context.Background()

	d, err := c.CreateDeployment(ctx, "api", "pr 42", []models.SplitInput{{Number: 3, Percentage: 90}, {Number: 4, Percentage: 10}}, "canary")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Splits) != 2 || d.Splits[1].Number != 4 || d.Splits[1].Percentage != 10 {
		t.Fatalf("deployment = %+v", d)
	}
	if err := c.DeleteRoute(ctx, "api", "staging", "example.com/api/*"); err != nil {
		t.Fatal(err)
	}

	if got[0].method != "POST" || got[0].rawPath != "/api/v1/services/api/environments/pr%2042/deployments" || got[0].auth != "Bearer sekrit" {
		t.Fatalf("deploy request = %+v", got[0])
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(got[0].body), &body); err != nil {
		t.Fatal(err)
	}
	want := `{"message":"canary","versions":[{"percentage":90,"version":3},{"percentage":10,"version":4}]}`
	if b, _ := json.Marshal(body); string(b) != want {
		t.Fatalf("body = %s, want %s", b, want)
	}
	if got[1].method != "DELETE" || got[1].rawPath != "/api/v1/services/api/environments/staging/routes" ||
		got[1].query != "pattern=example.com%2Fapi%2F%2A" {
		t.Fatalf("route delete = %+v", got[1])
	}
}

func TestAuditQueryString(t *testing.T) {
	var query string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		io.WriteString(w, `{"events":[{"id":1,"actor":"admin","action":"secret.put","service":"api"}]}`)
	}))
	defer srv.Close()

	evs, err := New(srv.URL, "").ListAudit(context.Background(), AuditQuery{Service: "api", Action: "secret.", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if query != "action=secret.&limit=5&service=api" {
		t.Fatalf("query = %q", query)
	}
	if len(evs) != 1 || evs[0].Action != "secret.put" {
		t.Fatalf("events = %+v", evs)
	}
}
