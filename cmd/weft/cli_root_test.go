package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolveAPIURL(t *testing.T) {
	isolateEnv(t)
	g := &globals{}
	if api, _, _ := g.resolve(); api != "http://127.0.0.1:8080" {
		t.Fatalf("default api = %q", api)
	}
	t.Setenv("WEFT_API_URL", "http://weft.internal:9000")
	if api, _, _ := g.resolve(); api != "http://weft.internal:9000" {
		t.Fatalf("env api = %q", api)
	}
	g.api = "127.0.0.1:9999" // flag wins, and a bare host:port gets a scheme
	if api, _, _ := g.resolve(); api != "http://127.0.0.1:9999" {
		t.Fatalf("flag api = %q", api)
	}
	g.api = "https://weft.example.com/api/v1/"
	if api, _, _ := g.resolve(); api != "https://weft.example.com" {
		t.Fatalf("api base = %q", api)
	}
}

func TestResolveToken(t *testing.T) {
	isolateEnv(t)
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "admin-token"), []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	g := &globals{}
	if _, tok, _ := g.resolve(); tok != "" {
		t.Fatalf("no token anywhere: got %q", tok)
	}
	g.data = data
	if _, tok, _ := g.resolve(); tok != "from-file" || g.tokenFrom != filepath.Join(data, "admin-token") {
		t.Fatalf("--data file: got %q from %q", tok, g.tokenFrom)
	}
	g.data = ""
	t.Setenv("WEFT_DATA", data)
	if _, tok, _ := g.resolve(); tok != "from-file" {
		t.Fatalf("WEFT_DATA file: got %q", tok)
	}
	t.Setenv("WEFT_API_TOKEN", "from-env")
	if _, tok, _ := g.resolve(); tok != "from-env" {
		t.Fatalf("env beats file: got %q", tok)
	}
	g.token = "from-flag"
	if _, tok, _ := g.resolve(); tok != "from-flag" || g.tokenFrom != "--token" {
		t.Fatalf("flag beats env: got %q", tok)
	}
}

func TestTokenFileUsedByCommands(t *testing.T) {
	isolateEnv(t)
	data := t.TempDir()
	os.WriteFile(filepath.Join(data, "admin-token"), []byte("tok123\n"), 0o600)
	srv := newAPIServer(t, map[string]reply{"GET /api/v1/services": {200, `{"services":[]}`}})

	if _, _, err := runCLI(t, "", "services", "list", "--api", srv.URL, "--data", data); err != nil {
		t.Fatal(err)
	}
	if got := srv.seen()[0].Auth; got != "Bearer tok123" {
		t.Fatalf("Authorization = %q", got)
	}
}

func writeToml(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, "wrangler.toml")
	text := "name = \"" + name + "\"\nmain = \"src/index.ts\"\ncompatibility_date = \"2024-09-23\"\n\n[env.staging]\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestServiceAndEnvironmentResolution(t *testing.T) {
	isolateEnv(t)
	dir := t.TempDir()
	other := writeToml(t, t.TempDir(), "from-dash-c")
	writeToml(t, dir, "from-cwd")
	t.Chdir(dir)
	srv := newAPIServer(t, map[string]reply{})

	cases := []struct {
		args     []string
		wantPath string
	}{
		{nil, "/api/v1/services/from-cwd/environments/production/secrets"},
		{[]string{"--env", "staging"}, "/api/v1/services/from-cwd/environments/staging/secrets"},
		{[]string{"-c", other}, "/api/v1/services/from-dash-c/environments/production/secrets"},
		{[]string{"-c", other, "--name", "named"}, "/api/v1/services/named/environments/production/secrets"},
	}
	for _, tc := range cases {
		args := append([]string{"secret", "list", "--api", srv.URL}, tc.args...)
		runCLI(t, "", args...) // the server answers 404; only the path matters here
		reqs := srv.seen()
		if got := reqs[len(reqs)-1].Path; got != tc.wantPath {
			t.Errorf("%v: path = %s, want %s", tc.args, got, tc.wantPath)
		}
	}
}

func TestNoServiceGivenIsExplained(t *testing.T) {
	isolateEnv(t)
	t.Chdir(t.TempDir())
	_, _, err := runCLI(t, "", "versions", "list", "--api", "http://127.0.0.1:1")
	if err == nil || !strings.Contains(err.Error(), "--name SERVICE") || !strings.Contains(err.Error(), "wrangler.toml") {
		t.Fatalf("err = %v", err)
	}
	_, _, err = runCLI(t, "", "versions", "list", "-c", "missing/wrangler.toml")
	if err == nil || !strings.Contains(err.Error(), "missing/wrangler.toml not found") {
		t.Fatalf("err = %v", err)
	}
}

func TestServerErrorMessageIsTheError(t *testing.T) {
	isolateEnv(t)
	srv := newAPIServer(t, map[string]reply{
		"POST /api/v1/services/api/environments": {409, `{"error":{"code":"conflict","message":"environment \"staging\" already exists"}}`},
	})
	_, _, err := runCLI(t, "", "env", "create", "staging", "--name", "api", "--api", srv.URL)
	if err == nil || err.Error() != `environment "staging" already exists` {
		t.Fatalf("err = %v", err)
	}
}

func TestUnauthorizedWithoutTokenSaysHowToGetOne(t *testing.T) {
	isolateEnv(t)
	srv := newAPIServer(t, map[string]reply{
		"GET /api/v1/services": {401, `{"error":{"code":"unauthorized","message":"missing or invalid API token"}}`},
	})
	_, _, err := runCLI(t, "", "services", "list", "--api", srv.URL)
	if err == nil || !strings.HasPrefix(err.Error(), "missing or invalid API token") || !strings.Contains(err.Error(), "WEFT_API_TOKEN") {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectionRefusedThroughCLI(t *testing.T) {
	isolateEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	_, _, err = runCLI(t, "", "services", "list", "--api", url)
	if err == nil || !strings.Contains(err.Error(), "no Weft server answered at "+url) || !strings.Contains(err.Error(), "weft serve") {
		t.Fatalf("err = %v", err)
	}
}

func TestDeleteNeedsConfirmation(t *testing.T) {
	isolateEnv(t)
	srv := newAPIServer(t, map[string]reply{
		"DELETE /api/v1/services/api/environments/pr-42": {204, ""},
		"DELETE /api/v1/services/api":                    {204, ""},
	})
	_, _, err := runCLI(t, "y\n", "env", "delete", "pr-42", "--name", "api", "--api", srv.URL)
	if err == nil || !strings.Contains(err.Error(), "not a terminal") || !strings.Contains(err.Error(), "--yes") {
		t.Fatalf("err = %v", err)
	}
	_, _, err = runCLI(t, "", "services", "delete", "api", "--api", srv.URL)
	if err == nil || !strings.Contains(err.Error(), "--yes") {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.seen()); n != 0 {
		t.Fatalf("server saw %d requests before confirmation", n)
	}
	out, _, err := runCLI(t, "", "env", "delete", "pr-42", "--name", "api", "--api", srv.URL, "--yes")
	if err != nil || !strings.Contains(out, "Deleted environment pr-42 of api") {
		t.Fatalf("out = %q, err = %v", out, err)
	}
	if r := srv.seen()[0]; r.Method != "DELETE" || r.Path != "/api/v1/services/api/environments/pr-42" {
		t.Fatalf("request = %+v", r)
	}
}
