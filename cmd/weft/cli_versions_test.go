package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/weft-dev/weft/models"
)

func TestParseSplits(t *testing.T) {
	ok := []struct {
		args []string
		want []models.SplitInput
	}{
		{[]string{"3"}, []models.SplitInput{{Number: 3, Percentage: 100}}},
		{[]string{"3@90", "4@10"}, []models.SplitInput{{Number: 3, Percentage: 90}, {Number: 4, Percentage: 10}}},
		{[]string{"v3@50%", "4@50"}, []models.SplitInput{{Number: 3, Percentage: 50}, {Number: 4, Percentage: 50}}},
		// Sums are the server's to judge, so they pass through untouched.
		{[]string{"3@70", "4@20"}, []models.SplitInput{{Number: 3, Percentage: 70}, {Number: 4, Percentage: 20}}},
	}
	for _, tc := range ok {
		got, err := parseSplits(tc.args)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%v: got %v, %v; want %v", tc.args, got, err, tc.want)
		}
	}
	bad := map[string]string{
		"abc":   `"abc": version "abc" is not a version number`,
		"0@100": `"0@100": version "0" is not a version number`,
		"@10":   `"@10": version "" is not a version number`,
		"3@":    `"3@": percentage "" is not a whole number`,
		"3@x":   `"3@x": percentage "x" is not a whole number`,
		"3@1.5": `"3@1.5": percentage "1.5" is not a whole number`,
	}
	for arg, want := range bad {
		_, err := parseSplits([]string{arg})
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: err = %v, want prefix %s", arg, err, want)
		}
	}
}

func TestVersionsDeploySendsSplits(t *testing.T) {
	isolateEnv(t)
	srv := newAPIServer(t, map[string]reply{
		"POST /api/v1/services/api/environments/staging/deployments": {201,
			`{"deployment":{"id":9,"versions":[{"version_id":1,"number":3,"percentage":90},{"version_id":2,"number":4,"percentage":10}]}}`},
	})
	out, _, err := runCLI(t, "", "versions", "deploy", "3@90", "4@10", "--name", "api", "--env", "staging", "--message", "canary", "--api", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Deployed api (staging): v3 90%, v4 10%\n"; out != want {
		t.Fatalf("out = %q, want %q", out, want)
	}
	if body := srv.seen()[0].Body; body != `{"versions":[{"version":3,"percentage":90},{"version":4,"percentage":10}],"message":"canary"}` {
		t.Fatalf("body = %s", body)
	}
}

const versionsJSON = `{"versions":[
 {"id":12,"number":4,"created_at":"2024-05-01T10:00:00Z","author":"admin","source":"cli","triggered_by":"upload","message":"new ui","tag":"v1.4","bundle_hash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","promoted_from":""},
 {"id":11,"number":3,"created_at":"2024-04-30T10:00:00Z","author":"admin","source":"cli","triggered_by":"promotion","message":"","tag":"","bundle_hash":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","promoted_from":"staging@v7"},
 {"id":10,"number":2,"created_at":"2024-04-29T10:00:00Z","author":"admin","source":"api","triggered_by":"secret","message":"","tag":"","bundle_hash":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","promoted_from":""}]}`

const deploymentsJSON = `{"deployments":[
 {"id":5,"versions":[{"version_id":11,"number":3,"percentage":90},{"version_id":12,"number":4,"percentage":10}]},
 {"id":4,"versions":[{"version_id":10,"number":2,"percentage":100}]}]}`

func TestVersionsListMarksLive(t *testing.T) {
	isolateEnv(t)
	srv := newAPIServer(t, map[string]reply{
		"GET /api/v1/services/api/environments/production/versions":    {200, versionsJSON},
		"GET /api/v1/services/api/environments/production/deployments": {200, deploymentsJSON},
	})
	out, _, err := runCLI(t, "", "versions", "list", "--name", "api", "--api", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "VERSION") {
		t.Fatalf("out:\n%s", out)
	}
	for i, want := range []string{"live 10%", "live 90%", "-"} {
		if !strings.HasSuffix(lines[i+1], want) {
			t.Errorf("line %q should end with %q", lines[i+1], want)
		}
	}
	if !strings.Contains(lines[1], "aaaaaaaaaaaa ") || strings.Contains(lines[1], "aaaaaaaaaaaaa") {
		t.Errorf("table should show a 12-character hash: %q", lines[1])
	}
	if !strings.Contains(lines[2], "staging@v7") || !strings.Contains(lines[1], "new ui") || !strings.Contains(lines[1], "v1.4") {
		t.Errorf("missing columns:\n%s", out)
	}

	out, _, err = runCLI(t, "", "versions", "list", "--name", "api", "--api", srv.URL, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	if rows[0]["bundle_hash"] != "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" || rows[1]["live_percentage"] != 90.0 || rows[2]["live_percentage"] != nil {
		t.Fatalf("json rows = %v", rows)
	}
}

func TestRollbackSecretsDifferExplainsForce(t *testing.T) {
	isolateEnv(t)
	srv := newAPIServer(t, map[string]reply{
		"POST /api/v1/services/api/environments/production/rollback": {409,
			`{"error":{"code":"conflict","message":"version 2 was deployed with different secrets","details":{"version":2,"secrets_differ":["API_KEY","DB_URL"]}}}`},
	})
	_, stderr, err := runCLI(t, "", "rollback", "2", "--name", "api", "--api", srv.URL)
	if err == nil || err.Error() != "version 2 was deployed with different secrets" {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(stderr, "API_KEY, DB_URL") || !strings.Contains(stderr, "--force") || !strings.Contains(stderr, "restores version 2's secrets exactly") {
		t.Fatalf("stderr = %q", stderr)
	}
	if body := srv.seen()[0].Body; body != `{"version":2,"message":"","force":false}` {
		t.Fatalf("body = %s", body)
	}
}

func TestPromoteReportsBundleAndKeptSettings(t *testing.T) {
	isolateEnv(t)
	srv := newAPIServer(t, map[string]reply{
		"POST /api/v1/services/api/environments/production/promote": {201,
			`{"version":{"number":5,"bundle_hash":"1a2b3c4d5e6f7a8b9c0d"},"deployment":{"id":3},"urls":["http://api.localhost:8787/"]}`},
	})
	out, _, err := runCLI(t, "", "promote", "--from", "staging", "--name", "api", "--api", srv.URL, "--message", "ship")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"version 5", "bundle 1a2b3c4d5e6f)", "settings kept: production's own", "http://api.localhost:8787/"} {
		if !strings.Contains(out, want) {
			t.Errorf("out lacks %q:\n%s", want, out)
		}
	}
	if body := srv.seen()[0].Body; body != `{"from":"staging","message":"ship"}` {
		t.Fatalf("body = %s", body)
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2024, 5, 10, 12, 0, 0, 0, time.UTC)
	cases := map[string]time.Time{
		"":                     {},
		"24h":                  now.Add(-24 * time.Hour),
		"90m":                  now.Add(-90 * time.Minute),
		"7d":                   now.Add(-7 * 24 * time.Hour),
		"2024-05-01T08:00:00Z": time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC),
		"2024-05-01":           time.Date(2024, 5, 1, 0, 0, 0, 0, time.Local),
	}
	for in, want := range cases {
		got, err := parseSince(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: got %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := parseSince("yesterday", now); err == nil {
		t.Error("yesterday: want an error")
	}
}
