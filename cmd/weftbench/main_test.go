package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The whole benchmark in a tiny mode against a real Weft: every scenario answers without errors,
// and cold start, deploy-to-live and the many-environment run produce figures.
func TestBenchmarkRunsEveryScenarioOnWeft(t *testing.T) {
	out := t.TempDir()
	r, err := run(context.Background(), options{connections: 4, duration: 300 * time.Millisecond, workerd: false, out: out,
		environments: 5, hot: 2, coldRounds: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Scenarios) != len(scenarios()) {
		t.Fatalf("%d scenarios ran, want %d", len(r.Scenarios), len(scenarios()))
	}
	for _, s := range r.Scenarios {
		if s.Weft.Requests == 0 || s.Weft.Errors != 0 || s.Weft.PeakRSSMiB <= 0 {
			t.Errorf("%s: %+v", s.Name, s.Weft)
		}
	}
	if len(r.Cold) != 2 || r.Cold[0].FirstReqMs <= 0 || r.Cold[1].BundleKiB < 1000 {
		t.Errorf("cold start: %+v", r.Cold)
	}
	if r.Fleet == nil || r.Fleet.Environments != 5 || r.Fleet.Load.Requests == 0 || r.Fleet.Load.Errors != 0 {
		t.Errorf("fleet: %+v", r.Fleet)
	}
	md, err := os.ReadFile(filepath.Join(out, "results.md"))
	if err != nil || !strings.Contains(string(md), "| hello |") || !strings.Contains(string(md), "deploy-to-live") {
		t.Fatalf("results.md: %v\n%s", err, md)
	}
	if _, err := os.Stat(filepath.Join(out, "results.json")); err != nil {
		t.Fatal(err)
	}
}

// workerd is given every scenario, with its bindings, on its own socket.
func TestWorkerdConfigServesEveryScenario(t *testing.T) {
	dir := t.TempDir()
	ports := map[string]int{}
	for i, s := range scenarios() {
		ports[s.name] = 9000 + i
	}
	cfg, err := workerdConfig(dir, scenarios(), ports)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`address = "127.0.0.1:9000", http = (), service = "hello"`, `service = "chainA"`, `(name = "NEXT", service = "chainD")`,
		`kvNamespace = "kvStore"`, `durableObjectNamespace = "Counter"`, `durableObjectStorage = (inMemory = void)`, `embed "rewrite.js"`} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %s", want)
		}
	}
	for _, s := range scenarios() {
		if b, err := os.ReadFile(filepath.Join(dir, s.name+".js")); err != nil || string(b) != s.src {
			t.Errorf("%s.js: %v", s.name, err)
		}
	}
}
