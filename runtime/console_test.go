package runtime

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// console.log formats values as Node's util.format does, which workerd's console follows; the
// expected lines were recorded from Node by testdata/console/record.mjs.
func TestConsoleFormatsLikeNode(t *testing.T) {
	raw, err := os.ReadFile("testdata/console/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct{ Src, Want string }
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	src.WriteString("const values = [\n")
	for _, c := range cases {
		src.WriteString("  () => (" + c.Src + "),\n")
	}
	src.WriteString("];\nexport default { fetch() { for (const v of values) console.log(v()); return new Response(\"ok\"); } };\n")
	e := newTestEngine()
	w := e.load(t, "console", src.String(), nil)
	if r := get(w, "http://x/"); r.body != "ok" {
		t.Fatalf("worker: %q %s", r.body, e.logs.text())
	}
	e.logs.mu.Lock()
	var got []string
	for _, entry := range e.logs.entries {
		if entry.Level == "log" {
			got = append(got, entry.Message)
		}
	}
	e.logs.mu.Unlock()
	if len(got) != len(cases) {
		t.Fatalf("%d lines logged for %d values", len(got), len(cases))
	}
	for i, c := range cases {
		if got[i] != c.Want {
			t.Errorf("console.log(%s)\n  got  %s\n  want %s", c.Src, got[i], c.Want)
		}
	}
}
