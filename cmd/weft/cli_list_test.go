package main

import (
	"strings"
	"testing"
)

// TestListingsRenderServerData runs each read-only command against canned API responses and checks
// the table shows what matters (and that secrets print no values).
func TestListingsRenderServerData(t *testing.T) {
	isolateEnv(t)
	env := `{"name":"staging","created_at":"2024-05-01T10:00:00Z","live":[{"version_id":3,"number":3,"percentage":100}],` +
		`"last_deployed_at":"2024-05-02T10:00:00Z","routes":["shop.example.com/*"]}`
	srv := newAPIServer(t, map[string]reply{
		"GET /api/v1/services":                  {200, `{"services":[{"name":"api","environments":[` + env + `]}]}`},
		"GET /api/v1/services/api/environments": {200, `{"environments":[` + env + `]}`},
		"GET /api/v1/routes":                    {200, `{"routes":[{"pattern":"shop.example.com/*","service":"api","environment":"staging"}]}`},
		"GET /api/v1/audit":                     {200, `{"events":[{"id":1,"time":"2024-05-01T10:00:00Z","actor":"admin","source":"cli","action":"secret.put","service":"api","environment":"staging","resource":"API_KEY","before":"","after":"set"}]}`},
		"GET /api/v1/services/api/environments/staging/versions/3": {200, `{"version":{"id":9,"number":3,"author":"admin","bundle_hash":"abc123",` +
			`"settings":{"compatibility_date":"2024-09-23","vars":[{"name":"GREETING","type":"plain_text","value":"hi"}],"secrets":[{"name":"API_KEY"}],` +
			`"bindings":[{"name":"AUTH","type":"service","service":"auth"}],"limits":{"cpu_ms":0}}}}`},
	})
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"services", "list"}, []string{"api", "staging", "v3 100%", "2024-05-0"}},
		{[]string{"env", "list", "--name", "api"}, []string{"staging", "v3 100%", "shop.example.com/*"}},
		{[]string{"routes", "list", "--name", "api", "--env", "staging"}, []string{"shop.example.com/*", "api", "staging"}},
		{[]string{"audit", "--service", "api", "--since", "7d"}, []string{"secret.put", "API_KEY", "admin"}},
		{[]string{"versions", "view", "3", "--name", "api", "--env", "staging"}, []string{"abc123", "GREETING (plain_text) = hi", "API_KEY", "AUTH (service) → auth (production)", "50ms"}},
	}
	for _, tc := range cases {
		out, _, err := runCLI(t, "", append(tc.args, "--api", srv.URL)...)
		if err != nil {
			t.Errorf("%v: %v", tc.args, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: output lacks %q:\n%s", tc.args, w, out)
			}
		}
	}
	var routeQuery, auditQuery string
	for _, r := range srv.seen() {
		switch r.Path {
		case "/api/v1/routes":
			routeQuery = r.Query
		case "/api/v1/audit":
			auditQuery = r.Query
		}
	}
	if routeQuery != "environment=staging&service=api" {
		t.Errorf("routes query = %q", routeQuery)
	}
	if !strings.Contains(auditQuery, "service=api") || !strings.Contains(auditQuery, "since=") {
		t.Errorf("audit query = %q", auditQuery)
	}
}
