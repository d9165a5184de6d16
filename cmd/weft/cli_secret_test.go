package main

import (
	"strings"
	"testing"
)

func TestReadSecretStripsOneTrailingNewline(t *testing.T) {
	cases := map[string]string{
		"s3cret\n":         "s3cret",
		"s3cret\r\n":       "s3cret",
		"s3cret":           "s3cret",
		"line1\nline2\n\n": "line1\nline2\n",
		"  spaced  \n":     "  spaced  ",
		"":                 "",
	}
	for in, want := range cases {
		got, err := readSecret(strings.NewReader(in), nil)
		if err != nil || got != want {
			t.Errorf("%q: got %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestSecretPutSendsStdinValue(t *testing.T) {
	isolateEnv(t)
	srv := newAPIServer(t, map[string]reply{
		"PUT /api/v1/services/api/environments/staging/secrets/API_KEY": {200,
			`{"secret":{"name":"API_KEY"},"version":{"number":6},"deployment":{"id":4}}`},
	})
	out, stderr, err := runCLI(t, "hunter2\n", "secret", "put", "API_KEY", "--name", "api", "--env", "staging", "--api", srv.URL, "--token", "t")
	if err != nil {
		t.Fatal(err)
	}
	if body := srv.seen()[0].Body; body != `{"value":"hunter2"}` {
		t.Fatalf("body = %s", body)
	}
	if out != "Set secret API_KEY on api (staging): version 6 is live\n" {
		t.Fatalf("out = %q", out)
	}
	if strings.Contains(out+stderr, "hunter2") {
		t.Fatal("the secret value was printed")
	}
}

func TestSecretListNeverShowsValues(t *testing.T) {
	isolateEnv(t)
	srv := newAPIServer(t, map[string]reply{
		"GET /api/v1/services/api/environments/production/secrets": {200,
			`{"secrets":[{"name":"API_KEY","type":"secret_text","updated_at":"2024-05-01T10:00:00Z"}]}`},
	})
	out, _, err := runCLI(t, "", "secret", "list", "--name", "api", "--api", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "API_KEY") || !strings.Contains(out, "secret_text") || !strings.Contains(out, "2024-05-0") {
		t.Fatalf("out = %q", out)
	}
}
