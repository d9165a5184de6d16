package web

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/weft-dev/weft/models"
)

func liveFixture() []models.LiveEnvironment {
	v := func(id uint, n int) models.Version { return models.Version{ID: id, Number: n} }
	return []models.LiveEnvironment{
		{Service: "api", Environment: "production", Splits: []models.LiveSplit{{Version: v(1, 1), Percentage: 100}},
			Routes: []string{"example.com/*", "example.com/api/*", "*.example.org/*", "example.com/exact"}},
		{Service: "api", Environment: "staging", Splits: []models.LiveSplit{{Version: v(2, 4), Percentage: 90}, {Version: v(3, 5), Percentage: 10}},
			Routes: []string{"example.com/api/v2/*"}},
		{Service: "web", Environment: "production", Routes: []string{"www.example.org/*"}},
	}
}

func TestResolveHostnames(t *testing.T) {
	tb := buildTable(liveFixture())
	cases := []struct {
		host, path   string
		service, env string
		version      int
		known        bool
	}{
		{"api.localhost", "/", "api", "production", 0, true},
		{"staging.api.localhost", "/x", "api", "staging", 0, true},
		{"v3.staging.api.localhost", "/", "api", "staging", 3, true},
		{"nope.api.localhost", "/", "api", "nope", 0, false},
		{"vx.staging.api.localhost", "/", "", "", 0, false},
		{"a.b.c.d.localhost", "/", "", "", 0, false},
		{"localhost", "/", "", "", 0, false},
		{"example.com", "/anything", "api", "production", 0, true},
		{"example.com", "/api/v2/users", "api", "staging", 0, true},
		{"example.com", "/exact", "api", "production", 0, true},
		{"deep.sub.example.org", "/", "api", "production", 0, true},
		{"www.example.org", "/", "web", "production", 0, true},
		{"example.net", "/", "", "", 0, false},
	}
	for _, c := range cases {
		got := tb.resolve(c.host, c.path, "localhost")
		if (got.env != nil) != c.known || got.service != c.service || got.envName != c.env || got.version != c.version {
			t.Errorf("%s%s: got env=%v service=%q env=%q version=%d", c.host, c.path, got.env != nil, got.service, got.envName, got.version)
		}
	}
}

func TestPickHonoursPinStickyKeyAndPercentages(t *testing.T) {
	e := buildTable(liveFixture()).envs["api/staging"]
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set(headerVersionOverride, "5")
	if v := e.pick(r); v.Number != 5 {
		t.Fatalf("pinned version 5, got %d", v.Number)
	}
	r.Header.Set(headerVersionOverride, "99") // not live: ignored
	counts := map[int]int{}
	for i := 0; i < 2000; i++ {
		counts[e.pick(r).Number]++
	}
	if counts[4] < 1600 || counts[5] < 100 {
		t.Fatalf("a 90/10 split gave %v", counts)
	}
	sticky := httptest.NewRequest("GET", "/", nil)
	sticky.Header.Set(headerVersionKey, "user-42")
	first := e.pick(sticky).Number
	for i := 0; i < 50; i++ {
		if e.pick(sticky).Number != first {
			t.Fatal("a sticky key moved between versions")
		}
	}
}

func TestRequestLine(t *testing.T) {
	r := httptest.NewRequest("POST", "http://a.localhost/p/q?x=1", nil)
	for _, c := range []struct {
		status int
		took   time.Duration
		suffix string
		want   string
	}{
		{200, 1234567 * time.Nanosecond, "", "POST /p/q?x=1 200 1.23ms"},
		{404, 3 * time.Microsecond, " (service binding)", "POST /p/q?x=1 404 0s (service binding)"},
		{0, 2 * time.Second, " (service binding)", "POST /p/q?x=1 error 2s (service binding)"},
	} {
		if got := requestLine(r, c.status, c.took, c.suffix); got != c.want {
			t.Errorf("requestLine(%d, %v, %q) = %q, want %q", c.status, c.took, c.suffix, got, c.want)
		}
	}
}
