package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestEnvironmentsSplitsAndRoutes drives the rest of the CLI against the real server: cloned, renamed
// and deleted environments, preview URLs of undeployed versions, traffic splits and custom routes.
func TestEnvironmentsSplitsAndRoutes(t *testing.T) {
	m, stop := startServer(t, t.TempDir())
	defer stop()
	project := copyExample(t)
	toml := filepath.Join(project, "wrangler.toml")
	mustCLI(t, m, "", "deploy", "-c", toml, "--env", "staging")

	// A clone starts with the source's code and settings as its version 1, live at its own hostname.
	mustCLI(t, m, "", "env", "create", "preview", "--from", "staging", "-c", toml)
	wantBody(t, m, "preview.hello.localhost", "/", "Hello from staging (build v1)")
	stg, pre := listVersions(t, m, toml, "staging"), listVersions(t, m, toml, "preview")
	if len(pre) != 1 || pre[0].Number != 1 || pre[0].BundleHash != stg[0].BundleHash || pre[0].TriggeredBy != "clone" {
		t.Fatalf("clone versions %+v (staging %+v)", pre, stg)
	}

	mustCLI(t, m, "", "env", "rename", "preview", "review", "--name", "hello")
	wantBody(t, m, "review.hello.localhost", "/", "Hello from staging")
	if status, _ := get(t, m, "preview.hello.localhost", "/"); status != http.StatusNotFound {
		t.Fatalf("old hostname still answers: %d", status)
	}
	if out, err := cli(t, m, "", "env", "delete", "production", "--name", "hello", "--yes"); err == nil || !strings.Contains(err.Error(), "production cannot be deleted") {
		t.Fatalf("deleting production: %v %s", err, out)
	}
	mustCLI(t, m, "", "env", "delete", "review", "--name", "hello", "--yes")
	if status, _ := get(t, m, "review.hello.localhost", "/"); status != http.StatusNotFound {
		t.Fatalf("deleted environment answers: %d", status)
	}
	if out := mustCLI(t, m, "", "env", "list", "--name", "hello"); strings.Contains(out, "review") || !strings.Contains(out, "staging") {
		t.Fatalf("env list:\n%s", out)
	}

	// An uploaded version is not live, but answers at its own preview hostname.
	setBuild(t, project, "v2")
	mustCLI(t, m, "", "versions", "upload", "-c", toml, "--env", "staging", "--message", "try v2")
	wantBody(t, m, "staging.hello.localhost", "/", "(build v1)")
	wantBody(t, m, "v2.staging.hello.localhost", "/", "(build v2)")

	// A split: pinning picks a version; a sticky key always lands on the same one; both are served.
	mustCLI(t, m, "", "versions", "deploy", "1@50", "2@50", "-c", toml, "--env", "staging")
	pinned := func(header, value string) string {
		req, _ := http.NewRequest("GET", "http://"+m.GatewayAddr()+"/", nil)
		req.Host = "staging.hello.localhost"
		req.Header.Set(header, value)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		return res.Header.Get("Weft-Version")
	}
	if v := pinned("Weft-Version", "2"); v != "2" {
		t.Fatalf("pinned to 2, served by %q", v)
	}
	seen := map[string]bool{}
	for i := 0; i < 40; i++ {
		key := "client-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		first := pinned("Weft-Version-Key", key)
		if again := pinned("Weft-Version-Key", key); again != first {
			t.Fatalf("sticky key %s moved from %s to %s", key, first, again)
		}
		seen[first] = true
	}
	if !seen["1"] || !seen["2"] {
		t.Fatalf("a 50/50 split served only %v", seen)
	}
	if _, err := cli(t, m, "", "versions", "deploy", "1@60", "2@60", "-c", toml, "--env", "staging"); err == nil {
		t.Fatal("a split over 100% was accepted")
	}

	// Custom routes: served by the environment; a route another environment holds is refused.
	mustCLI(t, m, "", "routes", "add", "shop.example.com/*", "-c", toml, "--env", "staging")
	wantBody(t, m, "shop.example.com", "/anything", "Hello from staging")
	mustCLI(t, m, "", "deploy", "-c", toml)
	if out, err := cli(t, m, "", "routes", "add", "shop.example.com/*", "-c", toml); err == nil || !strings.Contains(err.Error(), "shop.example.com/*") {
		t.Fatalf("conflicting route: %v %s", err, out)
	}
	mustCLI(t, m, "", "routes", "add", "shop.example.com/api/*", "-c", toml)
	wantBody(t, m, "shop.example.com", "/api/x", "Hello from production")
	wantBody(t, m, "shop.example.com", "/other", "Hello from staging")
}
