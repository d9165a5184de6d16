package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const e2eToken = "e2e-admin-token-0123456789"

// startServer runs the real server on free ports with dataDir; the returned func stops it.
func startServer(t *testing.T, dataDir string) (*Main, func()) {
	t.Helper()
	m := &Main{Config: Config{DataDir: dataDir, AdminAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0", Domain: "localhost", AdminToken: e2eToken}}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("start server: %v", err)
	}
	return m, func() {
		if err := m.Close(); err != nil {
			t.Errorf("close server: %v", err)
		}
	}
}

// cli runs a weft CLI command in-process, exactly as the binary would, against m.
func cli(t *testing.T, m *Main, stdin string, args ...string) (string, error) {
	t.Helper()
	root := newRootCommand()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(append(args, "--api", "http://"+m.AdminAddr(), "--token", e2eToken))
	err := root.Execute()
	return out.String(), err
}

func mustCLI(t *testing.T, m *Main, stdin string, args ...string) string {
	t.Helper()
	out, err := cli(t, m, stdin, args...)
	if err != nil {
		t.Fatalf("weft %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// get requests path from the gateway with the given Host.
func get(t *testing.T, m *Main, host, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+m.GatewayAddr()+path, nil)
	req.Host = host
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s%s: %v", host, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func wantBody(t *testing.T, m *Main, host, path, want string) {
	t.Helper()
	status, body := get(t, m, host, path)
	if status != 200 || !strings.Contains(body, want) {
		t.Fatalf("GET %s%s = %d %q, want 200 containing %q", host, path, status, body, want)
	}
}

// copyExample copies testdata/example into a temp dir so the test can edit it.
func copyExample(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir("testdata/example", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("testdata/example", p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755)
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func setBuild(t *testing.T, project, build string) {
	t.Helper()
	p := filepath.Join(project, "src", "render.ts")
	b, _ := os.ReadFile(p)
	s := string(b)
	i := strings.Index(s, `BUILD = "`)
	s = s[:i] + `BUILD = "` + build + s[i+len(`BUILD = "v1`):]
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

type versionRows []struct {
	Number       int    `json:"number"`
	BundleHash   string `json:"bundle_hash"`
	PromotedFrom string `json:"promoted_from"`
	TriggeredBy  string `json:"triggered_by"`
	Source       string `json:"source"`
	Author       string `json:"author"`
}

func listVersions(t *testing.T, m *Main, toml, env string) versionRows {
	t.Helper()
	out := mustCLI(t, m, "", "versions", "list", "-c", toml, "--env", env, "--json")
	var vs versionRows
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		var wrapped struct{ Versions versionRows }
		if err2 := json.Unmarshal([]byte(out), &wrapped); err2 != nil {
			t.Fatalf("versions list --json: %v\n%s", err, out)
		}
		vs = wrapped.Versions
	}
	return vs
}

// TestWalkthrough is the README's walkthrough against the real server: deploy staging and production,
// promote, roll back, restart, and see everything still there.
func TestWalkthrough(t *testing.T) {
	data := t.TempDir()
	m, stop := startServer(t, data)
	project := copyExample(t)
	toml := filepath.Join(project, "wrangler.toml")

	mustCLI(t, m, "", "deploy", "-c", toml, "--env", "staging", "--message", "first cut")
	mustCLI(t, m, "", "deploy", "-c", toml, "--message", "first release", "--tag", "r1")
	wantBody(t, m, "staging.hello.localhost", "/", "Hello from staging (build v1) at /")
	wantBody(t, m, "hello.localhost", "/", "Hello from production (build v1) at /")
	wantBody(t, m, "production.hello.localhost", "/", "Hello from production (build v1)")

	mustCLI(t, m, "s3cr3t\n", "secret", "put", "API_KEY", "-c", toml)
	wantBody(t, m, "hello.localhost", "/json", `"apiKey":"set"`)
	if out := mustCLI(t, m, "", "secret", "list", "-c", toml); !strings.Contains(out, "API_KEY") || strings.Contains(out, "s3cr3t") {
		t.Fatalf("secret list: %s", out)
	}

	setBuild(t, project, "v2")
	mustCLI(t, m, "", "deploy", "-c", toml, "--env", "staging", "--message", "build v2")
	wantBody(t, m, "staging.hello.localhost", "/", "(build v2)")
	wantBody(t, m, "hello.localhost", "/", "(build v1)")

	mustCLI(t, m, "", "promote", "--from", "staging", "--to", "production", "-c", toml)
	wantBody(t, m, "hello.localhost", "/json", `{"build":"v2","greeting":"Hello from production","features":{"search":false,"beta":[]},"apiKey":"set"}`)
	stg, prod := listVersions(t, m, toml, "staging"), listVersions(t, m, toml, "production")
	for _, v := range append(stg, prod...) {
		if v.Source != "cli" || v.Author != "admin" {
			t.Errorf("v%d made by %s from %s, want admin from cli", v.Number, v.Author, v.Source)
		}
	}
	if prod[0].Number != 3 || prod[0].BundleHash != stg[0].BundleHash || prod[0].PromotedFrom != "staging@v2" {
		t.Fatalf("promoted version %+v, staging live %+v", prod[0], stg[0])
	}

	mustCLI(t, m, "", "rollback", "-c", toml, "--message", "bad release")
	wantBody(t, m, "hello.localhost", "/", "Hello from production (build v1)")
	wantBody(t, m, "hello.localhost", "/json", `"apiKey":"set"`) // v2 had the secret: no --force needed

	// Rolling back to v1 would drop API_KEY: refused without --force.
	out, err := cli(t, m, "", "rollback", "1", "-c", toml)
	if err == nil || !strings.Contains(out+err.Error(), "API_KEY") {
		t.Fatalf("rollback to v1 without --force: err=%v out=%s", err, out)
	}
	wantBody(t, m, "hello.localhost", "/", "(build v1)")

	// A syntax error is refused with its file and line, and changes nothing.
	before := len(listVersions(t, m, toml, "staging"))
	os.WriteFile(filepath.Join(project, "src", "render.ts"), []byte("export const BUILD = ;\n"), 0o644)
	out, err = cli(t, m, "", "deploy", "-c", toml, "--env", "staging")
	if err == nil || !strings.Contains(out+err.Error(), "render.ts:1") {
		t.Fatalf("syntax error deploy: err=%v out=%s", err, out)
	}
	if after := len(listVersions(t, m, toml, "staging")); after != before {
		t.Fatalf("failed deploy made a version: %d -> %d", before, after)
	}

	if status, body := get(t, m, "nothing.localhost", "/"); status != 404 || !strings.Contains(body, "nothing here") {
		t.Fatalf("unknown host: %d %q", status, body)
	}

	audit := mustCLI(t, m, "", "audit", "--service", "hello", "--json")
	for _, action := range []string{"promote", "rollback", "secret.put", "version.upload"} {
		if !strings.Contains(audit, `"`+action+`"`) {
			t.Fatalf("audit lacks %s:\n%s", action, audit)
		}
	}
	if strings.Contains(audit, "s3cr3t") {
		t.Fatal("secret value in the audit log")
	}

	stop()
	m, stop = startServer(t, data)
	defer stop()
	wantBody(t, m, "hello.localhost", "/json", `"build":"v1"`)
	wantBody(t, m, "staging.hello.localhost", "/", "Hello from staging (build v2)")
	if got := listVersions(t, m, toml, "production"); len(got) != 3 {
		t.Fatalf("after restart production has %d versions", len(got))
	}
}
