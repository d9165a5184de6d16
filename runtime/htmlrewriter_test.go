package runtime

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func rewrite(t *testing.T, page, chain string) string {
	t.Helper()
	e := newTestEngine()
	w := e.load(t, "hr", "const page = "+jsString(page)+`;
export default { async fetch() {
  const res = new Response(page, { headers: { "content-type": "text/html" } });
  return new HTMLRewriter()`+chain+`.transform(res);
} }`, nil)
	r := get(w, "http://hr/")
	if r.status != 200 {
		t.Fatalf("status %d: %s\n%s", r.status, r.body, e.logs.text())
	}
	return r.body
}

func jsString(s string) string {
	return "`" + strings.ReplaceAll(strings.ReplaceAll(s, "\\", "\\\\"), "`", "\\`") + "`"
}

func TestHTMLRewriterSelectorsAndMutations(t *testing.T) {
	page := `<!DOCTYPE html><html><body><ul id="list"><li>one</li><li class="x">two</li><li>three</li></ul>` +
		`<div><p>child</p><section><p>grandchild</p></section></div><!-- note --><img src="a.png"><span>keep <b>me</b></span></body></html>`
	cases := []struct{ name, chain, want string }{
		{"nth-child", `.on("li:nth-child(2)", { element(e) { e.setAttribute("data-n", "2") } })`,
			`<li class="x" data-n="2">two</li>`},
		{"not", `.on("li:not(.x)", { element(e) { e.setInnerContent("<i>x</i>", { html: true }) } })`,
			`<li><i>x</i></li><li class="x">two</li><li><i>x</i></li>`},
		{"child combinator", `.on("div > p", { element(e) { e.setInnerContent("direct & escaped") } })`,
			`<div><p>direct &amp; escaped</p><section><p>grandchild</p></section></div>`},
		{"descendant", `.on("div p", { element(e) { e.prepend("[").append("]") } })`,
			`<p>[child]</p><section><p>[grandchild]</p></section>`},
		{"before after", `.on("#list", { element(e) { e.before("<hr>", { html: true }).after("<hr>", { html: true }) } })`,
			`<body><hr><ul id="list">`},
		{"remove", `.on("section", { element(e) { e.remove() } })`,
			`<div><p>child</p></div>`},
		{"replace", `.on("img", { element(e) { e.replace("<picture></picture>", { html: true }) } })`,
			`--><picture></picture><span>`},
		{"unwrap", `.on("span", { element(e) { e.removeAndKeepContent() } })`,
			`keep <b>me</b></body>`},
		{"attribute selector and removal", `.on("img[src$='.png']", { element(e) { e.removeAttribute("src"); e.setAttribute("alt", "a \"b\"") } })`,
			`<img alt="a &quot;b&quot;">`},
		{"text and comments", `.on("li", { text(t) { if (t.text) t.replace(t.text.toUpperCase()) } }).onDocument({ comments(c) { c.remove() } })`,
			`<li>ONE</li><li class="x">TWO</li><li>THREE</li></ul><div><p>child</p><section><p>grandchild</p></section></div><img src="a.png">`},
		{"end tag and document end", `.on("ul", { element(e) { e.onEndTag((end) => { end.before("<li>four</li>", { html: true }) }) } }).onDocument({ end(end) { end.append("<!-- done -->", { html: true }) } })`,
			`<li>three</li><li>four</li></ul>`},
		{"async handler", `.on("b", { async element(e) { await new Promise((r) => setTimeout(r, 1)); e.tagName = "strong" } })`,
			`keep <strong>me</strong>`},
	}
	for _, c := range cases {
		got := rewrite(t, page, c.chain)
		if !strings.Contains(got, c.want) {
			t.Errorf("%s:\n got %s\nwant ...%s...", c.name, got, c.want)
		}
	}
	if got := rewrite(t, page, `.onDocument({ end(end) { end.append("<!-- done -->", { html: true }) } })`); !strings.HasSuffix(got, "</html><!-- done -->") {
		t.Errorf("document end: %s", got)
	}
	// Untouched input comes out byte for byte.
	if got := rewrite(t, page, `.on("nothing", { element() {} })`); got != page {
		t.Errorf("passthrough changed the page:\n%s", got)
	}
}

func TestHTMLRewriterDoctypeAndBadSelector(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "hr2", `export default { async fetch() {
  let doctype = null, err;
  try { new HTMLRewriter().on("p[", {}).transform(new Response("<p>x</p>")); } catch (e) { err = e.constructor.name; }
  const out = await new HTMLRewriter().onDocument({ doctype(d) { doctype = d.name } }).transform(new Response("<!doctype html><p>x</p>")).text();
  return Response.json({ doctype, err, out });
} }`, nil)
	r := get(w, "http://hr2/")
	if r.body != `{"doctype":"html","err":"TypeError","out":"<!doctype html><p>x</p>"}` {
		t.Fatalf("got %s %s", r.body, e.logs.text())
	}
}

// A page made whole in memory is one chunk; the pass takes it a slice at a time (htmlFeedSlice), and
// tags and multi-byte text cut by a slice boundary come out whole.
func TestHTMLRewriterLargeChunkComesOutWhole(t *testing.T) {
	pad := strings.Repeat("plain text that no handler reads ", 6)
	row, want := `<li><a href="/p">x</a> <b>été</b>`+pad+`</li>`, `<li><a href="https://x.test/p">x</a> <b>ÉTÉ</b>`+pad+`</li>`
	n := 3*16384/len(row) + 7 // the rows' length does not divide the slice size: boundaries cut tags
	got := rewrite(t, "<ul>"+strings.Repeat(row, n)+"</ul>", `
    .on("a", { element(e) { e.setAttribute("href", "https://x.test" + e.getAttribute("href")); } })
    .on("b", { text(c) { if (c.text) c.replace(c.text.toUpperCase()); } })`)
	if got != "<ul>"+strings.Repeat(want, n)+"</ul>" {
		i := 0
		for i < len(got) && i < len(want)*n && got[i] == ("<ul>" + strings.Repeat(want, n))[i] {
			i++
		}
		t.Fatalf("output differs at byte %d of %d: %.120q", i, len(got), got[max(0, i-40):])
	}
}

// The rewriter streams: an endless page is rewritten and sent as it is produced (a rewriter that
// waited for the end would never answer), and tags cut by chunk boundaries are rewritten whole.
func TestHTMLRewriterStreamsAcrossChunks(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "endless", `export default { fetch() {
  const enc = new TextEncoder();
  let i = 0;
  const pieces = ['<li><a hr', 'ef="/item">it', 'em</a><!-- c', ' --></li>'];
  const page = new ReadableStream({ pull(c) {
    if (i === 0) c.enqueue(enc.encode("<!doctype html><ul>"));
    c.enqueue(enc.encode(pieces[i++ % pieces.length]));
  } });
  return new HTMLRewriter()
    .on("a", { element(e) { e.setAttribute("href", "https://x.test" + e.getAttribute("href")); } })
    .transform(new Response(page, { headers: { "content-type": "text/html" } }));
} }`, func(s *WorkerSpec) { s.CPULimit = time.Minute })
	srv := httptest.NewServer(w)
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	head := make([]byte, 64<<10)
	if _, err := io.ReadFull(res.Body, head); err != nil {
		t.Fatalf("read: %v", err)
	}
	item := `<li><a href="https://x.test/item">item</a><!-- c --></li>`
	if !strings.HasPrefix(string(head), "<!doctype html><ul>"+item+item) || strings.Contains(string(head), `href="/item"`) {
		t.Fatalf("rewritten stream starts %.200q", head)
	}
}

// A changed start tag keeps its untouched attributes as written however many there are (a token
// of more entries than a page holds travels alone) and whatever characters come before them: the
// script slices the tag at UTF-16 offsets.
func TestHTMLRewriterWritesBackLongAndNonASCIITags(t *testing.T) {
	var attrs strings.Builder
	for i := range 40 {
		fmt.Fprintf(&attrs, ` A%d='v%d'`, i, i)
	}
	tag := `<p title="café ☕ 𝄞 &amp;"` + attrs.String() + ` data-x=1>`
	page := "<div>é 𝄞</div>" + tag + "x</p>" + tag + "y</p>"
	got := rewrite(t, page, `.on("p", { element(e) {
    e.setAttribute("a39", e.getAttribute("title") + "|" + e.getAttribute("A0"));
    e.removeAttribute("data-x");
    e.setAttribute("n", [...e.attributes].length);
  } })`)
	changed := `<p title="café ☕ 𝄞 &amp;"` + strings.Replace(attrs.String(), ` A39='v39'`, ` A39="café ☕ 𝄞 &amp;|v0"`, 1) + ` n="41">`
	if want := "<div>é 𝄞</div>" + changed + "x</p>" + changed + "y</p>"; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
