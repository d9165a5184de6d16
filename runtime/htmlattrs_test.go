package runtime

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/net/html"
)

// scanTagAttrs must find what x/net/html's tokenizer finds in a start tag — the same attributes in
// the same order — and place each where it is written: the text at its
// offsets, tokenized alone, is the same attribute, and its value is the written form of the
// tokenizer's decoded one.
func TestScanTagAttrsAgreesWithTheTokenizer(t *testing.T) {
	tags := []string{
		`<p ID="a" Class="x y" data-q='say "hi" &amp; go'>`,
		`<img src="i.png" alt=x />`, `<br/>`, `<br />`, `<a href=x/>`, `<a href="x"/>`, `<a b/>`, `<a b=/>`,
		`<input disabled>`, `<div a=1 a=2 A=3>`, `<div =x y>`, `<div a = "1" b= '2' c =3>`, `<div/a/b=1>`,
		`<a href="?a=1&amp;b=2" title=&lt;x&gt;>`, "<a\nhref=\"x\"\r\ntitle='y'\f>", `<DIV CLASS=x>`,
		`<img alt="café ☕ 𝄞" title=é data-x='𝄞'>`, `<x a="unterminated`, `<x a='b"c' d="e'f">`, `<x a==b>`,
		`<x a=b"c d='e>`, `<x "a"=1 'b'>`, "<x a=\"\xff\xfe\" b=\xc3>",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{" ", "\n", "/", "=", "a", "B", "\"", "'", "x", "é", "𝄞", "&amp;", "&lt", "-", "=\"v\"", " c='w'"}
	for range 3000 {
		var b strings.Builder
		b.WriteString("<t")
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		b.WriteString(">")
		tags = append(tags, b.String())
	}
	checked := 0
	for _, src := range tags {
		z := html.NewTokenizer(strings.NewReader(src))
		tt := z.Next()
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		raw := append([]byte(nil), z.Raw()...)
		want := z.Token().Attr
		got := scanTagAttrs(raw)
		if len(got) != len(want) {
			t.Errorf("%q: %d attributes %+v, the tokenizer has %d %+v", raw, len(got), got, len(want), want)
			continue
		}
		// The script sees the tag as a JavaScript string, each byte of invalid UTF-8 a U+FFFD.
		norm := func(s string) string { return string([]rune(s)) }
		units := utf16.Encode([]rune(string(raw)))
		normTok := html.NewTokenizer(strings.NewReader(norm(string(raw))))
		normTok.Next()
		wantNorm := normTok.Token().Attr
		for i, a := range got {
			if a.name != want[i].Key {
				t.Errorf("%q: attribute %d is %q, the tokenizer's %q", raw, i, a.name, want[i].Key)
				continue
			}
			text := string(utf16.Decode(units[a.start:a.end]))
			alone := html.NewTokenizer(strings.NewReader("<x " + text + ">"))
			alone.Next()
			if attrs := alone.Token().Attr; len(attrs) != 1 || attrs[0] != wantNorm[i] {
				t.Errorf("%q: attribute %d's text %q is %+v alone, want %+v", raw, i, text, attrs, wantNorm[i])
			}
			if !strings.Contains(text, norm(a.value)) {
				t.Errorf("%q: attribute %d's value %q is not in its text %q", raw, i, a.value, text)
			}
			if !strings.ContainsAny(a.value, `"`) {
				quoted := html.NewTokenizer(strings.NewReader(`<x ` + a.name + `="` + a.value + `">`))
				quoted.Next()
				if attrs := quoted.Token().Attr; attrs[0].Val != want[i].Val {
					t.Errorf("%q: attribute %d's written value %q decodes to %q, want %q", raw, i, a.value, attrs[0].Val, want[i].Val)
				}
			}
		}
		checked++
	}
	if checked < 1000 {
		t.Fatalf("only %d of the generated tags were start tags", checked)
	}
}
