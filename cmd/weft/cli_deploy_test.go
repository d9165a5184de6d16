package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const projectToml = `name = "hello"
main = "src/index.ts"
compatibility_date = "2024-09-23"

[vars]
GREETING = "hi"

[env.staging]
[env.staging.vars]
GREETING = "hi from staging"
`

// writeProject makes a real two-file TypeScript project so the test exercises the bundler.
func writeProject(t *testing.T, index string) (dir, toml string) {
	t.Helper()
	dir = t.TempDir()
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	files := map[string]string{
		"wrangler.toml": projectToml,
		"src/index.ts":  index,
		"src/render.ts": "export function render(name: string): string {\n  return `rendered-by-helper ${name}`;\n}\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, filepath.Join(dir, "wrangler.toml")
}

const goodIndex = `import { render } from "./render";

export default {
  async fetch(request: Request, env: { GREETING: string }): Promise<Response> {
    return new Response(render(env.GREETING));
  },
};
`

func TestDeployUploadsBundleAndToml(t *testing.T) {
	isolateEnv(t)
	_, toml := writeProject(t, goodIndex)
	srv := newAPIServer(t, map[string]reply{
		"POST /api/v1/services/hello/environments/staging/versions": {201, `{
			"version":{"number":3,"bundle_hash":"1a2b3c4d5e6f00112233"},"deployment":{"id":2},
			"created":["environment staging"],"warnings":["route ignored"],
			"urls":["http://staging.hello.localhost:8787/"]}`},
	})

	out, stderr, err := runCLI(t, "", "deploy", "-c", toml, "--env", "staging", "--message", "first", "--tag", "v1", "--api", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.seen()
	if len(reqs) != 1 {
		t.Fatalf("requests = %+v", reqs)
	}
	var body struct {
		Modules []struct {
			Name, Content string
		}
		Main, Message, Tag string
		WranglerTOML       string `json:"wrangler_toml"`
		Deploy             bool
	}
	if err := json.Unmarshal([]byte(reqs[0].Body), &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Modules) != 1 || body.Main != body.Modules[0].Name {
		t.Fatalf("modules = %+v, main = %q", body.Modules, body.Main)
	}
	// The helper module's code is inside the one bundled module: the CLI bundled, not just read the entry.
	if c := body.Modules[0].Content; !strings.Contains(c, "rendered-by-helper") || strings.Contains(c, "import {") {
		t.Fatalf("bundle content:\n%s", c)
	}
	if body.WranglerTOML != projectToml || !body.Deploy || body.Message != "first" || body.Tag != "v1" {
		t.Fatalf("body = %+v", body)
	}
	for _, want := range []string{"Created environment staging", "Deployed hello (staging) as version 3 (bundle 1a2b3c4d5e6f)", "  http://staging.hello.localhost:8787/"} {
		if !strings.Contains(out, want) {
			t.Errorf("out lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr, "warning: route ignored") {
		t.Errorf("stderr = %q", stderr)
	}
}

func TestVersionsUploadDoesNotDeploy(t *testing.T) {
	isolateEnv(t)
	_, toml := writeProject(t, goodIndex)
	srv := newAPIServer(t, map[string]reply{
		"POST /api/v1/services/hello/environments/production/versions": {201, `{
			"version":{"number":4,"bundle_hash":"ffeeddccbbaa99887766"},"deployment":null,
			"urls":["http://v4.production.hello.localhost:8787/"]}`},
	})
	out, _, err := runCLI(t, "", "versions", "upload", "-c", toml, "--api", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(srv.seen()[0].Body, `"deploy":false`) {
		t.Fatalf("body = %s", srv.seen()[0].Body)
	}
	for _, want := range []string{"version 4", "live traffic is unchanged", "http://v4.production.hello.localhost:8787/", "weft versions deploy 4"} {
		if !strings.Contains(out, want) {
			t.Errorf("out lacks %q:\n%s", want, out)
		}
	}
}

func TestDeploySyntaxErrorFailsBeforeUpload(t *testing.T) {
	isolateEnv(t)
	_, toml := writeProject(t, "export default {\n  fetch() { return new Response(\"x\" }\n};\n")
	srv := newAPIServer(t, map[string]reply{})
	_, _, err := runCLI(t, "", "deploy", "-c", toml, "--api", srv.URL)
	if err == nil || !strings.Contains(err.Error(), "index.ts:2:") {
		t.Fatalf("err = %v, want a file:line build error", err)
	}
	if n := len(srv.seen()); n != 0 {
		t.Fatalf("server saw %d requests", n)
	}
}

func TestDeployWithoutConfigIsExplained(t *testing.T) {
	isolateEnv(t)
	t.Chdir(t.TempDir())
	_, _, err := runCLI(t, "", "deploy", "--api", "http://127.0.0.1:1")
	if err == nil || !strings.Contains(err.Error(), "wrangler.toml not found") || !strings.Contains(err.Error(), "-c") {
		t.Fatalf("err = %v", err)
	}
}
