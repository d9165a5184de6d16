package wrangler

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/weft-dev/weft/models"
)

func load(t *testing.T, env string) *Config {
	t.Helper()
	cfg, err := Load(filepath.Join("testdata", "full.toml"), env)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestTopLevelIsProduction(t *testing.T) {
	cfg := load(t, "")
	if cfg.Name != "shop" || cfg.Main != "src/index.ts" || cfg.Environment != "production" {
		t.Fatalf("name/main/env = %q %q %q", cfg.Name, cfg.Main, cfg.Environment)
	}
	s := cfg.Settings
	wantVars := []models.Var{
		{Name: "GREETING", Type: "plain_text", Value: "hello"},
		{Name: "LIMITS", Type: "json", Value: `{"names":["a","b"],"max":3}`}, // file order, as Wrangler keeps it
		{Name: "RETRIES", Type: "json", Value: "2"},
		{Name: "DEBUG", Type: "json", Value: "false"},
	}
	if !reflect.DeepEqual(s.Vars, wantVars) {
		t.Errorf("vars = %+v", s.Vars)
	}
	types := map[string]models.Binding{}
	for _, b := range s.Bindings {
		types[b.Name] = b
	}
	if b := types["SESSIONS"]; b.Type != models.BindingKV || b.NamespaceID != "sessions-prod" {
		t.Errorf("SESSIONS = %+v", b)
	}
	if b := types["AUTH"]; b.Type != models.BindingService || b.Service != "auth" || b.Environment != "staging" || b.Entrypoint != "Checker" {
		t.Errorf("AUTH = %+v", b)
	}
	if b := types["COUNTER"]; b.Type != models.BindingDurable || b.ClassName != "Counter" {
		t.Errorf("COUNTER = %+v", b)
	}
	if b := types["FILES"]; b.Type != models.BindingR2 || b.BucketName != "files" {
		t.Errorf("FILES = %+v", b)
	}
	if b := types["JOBS"]; b.Type != models.BindingQueue || b.QueueName != "jobs" {
		t.Errorf("JOBS = %+v", b)
	}
	if len(s.QueueConsumers) != 1 || s.QueueConsumers[0].MaxBatchSize != 10 || s.QueueConsumers[0].MaxRetries == nil || *s.QueueConsumers[0].MaxRetries != 0 {
		t.Errorf("consumers = %+v", s.QueueConsumers)
	}
	if len(s.Migrations) != 2 || s.Migrations[1].RenamedClasses[0].To != "Tally" {
		t.Errorf("migrations = %+v", s.Migrations)
	}
	if !reflect.DeepEqual(s.Crons, []string{"*/5 * * * *"}) || s.Limits != (models.Limits{CPUMs: 100, Subrequests: 200, WallMs: 60000}) {
		t.Errorf("crons %v limits %+v", s.Crons, s.Limits)
	}
	if !reflect.DeepEqual(cfg.Routes, []string{"shop.example.com/*", "api.example.com/v1/*"}) {
		t.Errorf("routes = %v", cfg.Routes)
	}
	for _, w := range cfg.Warnings {
		if strings.Contains(w, "vars.") {
			t.Errorf("a JSON var's keys were reported as ignored: %s", w)
		}
	}
	if !reflect.DeepEqual(s.CompatibilityFlags, []string{"nodejs_compat"}) {
		t.Errorf("flags = %v", s.CompatibilityFlags)
	}
}

func TestEnvironmentInheritsOnlyWhatWranglerInherits(t *testing.T) {
	cfg := load(t, "staging")
	if cfg.Name != "shop" || cfg.Main != "src/index.ts" || cfg.Settings.CompatibilityDate != "2024-09-23" {
		t.Fatalf("inherited fields lost: %+v", cfg)
	}
	if cfg.Settings.Limits.CPUMs != 100 || len(cfg.Settings.Crons) != 1 {
		t.Errorf("limits and triggers are inherited: %+v", cfg.Settings)
	}
	if !reflect.DeepEqual(cfg.Routes, []string{"staging.example.com/*"}) {
		t.Errorf("routes = %v", cfg.Routes)
	}
	if len(cfg.Settings.Vars) != 1 || cfg.Settings.Vars[0].Value != "hello from staging" {
		t.Errorf("vars = %+v", cfg.Settings.Vars)
	}
	if len(cfg.Settings.Bindings) != 1 || cfg.Settings.Bindings[0].NamespaceID != "sessions-staging" {
		t.Errorf("bindings are not inherited: %+v", cfg.Settings.Bindings)
	}
	joined := strings.Join(cfg.Warnings, "\n")
	for _, field := range []string{`"services"`, `"durable_objects"`, `"r2_buckets"`, `"queues"`} {
		if !strings.Contains(joined, field+" exists at the top level but not in [env.staging]") {
			t.Errorf("no warning for %s in:\n%s", field, joined)
		}
	}
	if strings.Contains(joined, `"vars" exists`) || strings.Contains(joined, `"kv_namespaces" exists`) {
		t.Errorf("warned about a field staging sets:\n%s", joined)
	}

	bare := load(t, "bare")
	if bare.Main != "src/bare.js" || len(bare.Settings.Vars) != 0 || len(bare.Routes) != 2 {
		t.Errorf("bare = main %q vars %v routes %v", bare.Main, bare.Settings.Vars, bare.Routes)
	}
}

func TestMissingEnvironmentSectionUsesTopLevel(t *testing.T) {
	cfg := load(t, "preview")
	if cfg.Environment != "preview" || len(cfg.Settings.Vars) != 4 {
		t.Fatalf("preview = %+v", cfg)
	}
	names, err := Environments("full.toml", mustRead(t, "testdata/full.toml"))
	if err != nil || !reflect.DeepEqual(names, []string{"bare", "staging"}) {
		t.Fatalf("Environments = %v, %v", names, err)
	}
}

func TestUnknownFieldsWarn(t *testing.T) {
	cfg, err := Parse("wrangler.toml", []byte("name = \"a\"\nmain = \"i.js\"\ncompatibility_date = \"2024-01-01\"\n[[d1_databases]]\nbinding = \"DB\"\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Warnings) == 0 || !strings.Contains(cfg.Warnings[0], `"d1_databases`) {
		t.Fatalf("warnings = %v", cfg.Warnings)
	}
	if cfg.Settings.CompatibilityDate != "2024-01-01" {
		t.Fatal(cfg.Settings.CompatibilityDate)
	}
}

func TestBadInputSaysWhereAndWhat(t *testing.T) {
	cases := map[string]struct{ toml, want string }{
		"syntax":          {"name = \"a\"\nmain = [\n", "wrangler.toml:2:"},
		"type":            {"name = \"a\"\ncompatibility_date = 2024\n", "wrangler.toml:2: compatibility_date"},
		"bad name":        {"name = \"Not_A_Name\"\n", "name:"},
		"kv without id":   {"name = \"a\"\n[[kv_namespaces]]\nbinding = \"K\"\n", "kv_namespaces[0]: binding and id are required"},
		"env kv":          {"name = \"a\"\n[env.staging]\n[[env.staging.kv_namespaces]]\nid = \"x\"\n", "env.staging.kv_namespaces[0]"},
		"bad cron":        {"name = \"a\"\n[triggers]\ncrons = [\"every minute\"]\n", `invalid cron "every minute"`},
		"bad var name":    {"name = \"a\"\n[vars]\n\"1x\" = \"v\"\n", `"1x"`},
		"clash":           {"name = \"a\"\n[vars]\nK = \"v\"\n[[r2_buckets]]\nbinding = \"K\"\nbucket_name = \"b\"\n", "clashes"},
		"bad route":       {"name = \"a\"\nroutes = [3]\n", "routes[0]"},
		"bad date":        {"name = \"a\"\ncompatibility_date = \"yesterday\"\n", "compatibility_date"},
		"dup migration":   {"name = \"a\"\n[[migrations]]\ntag = \"v1\"\n[[migrations]]\ntag = \"v1\"\n", "unique tag"},
		"bad cpu":         {"name = \"a\"\n[limits]\ncpu_ms = -1\n", "cpu_ms"},
		"bad subrequests": {"name = \"a\"\n[limits]\nsubrequests = 100000\n", "subrequests"},
		"version meta":    {"name = \"a\"\n[version_metadata]\nbinding = \"\"\n", "version_metadata: binding is required"},
	}
	for name, c := range cases {
		_, err := Parse("wrangler.toml", []byte(c.toml), "staging")
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if models.ErrorCode(err) != models.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v (code %s), want %q", name, err, models.ErrorCode(err), c.want)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
