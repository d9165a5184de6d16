package runtime

import (
	"bytes"
	"fmt"
	"io"
	"slices"

	"github.com/andybalholm/cascadia"
	"github.com/dop251/goja"
	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The tokenizing half of HTMLRewriter: Go splits the document into tokens with a real HTML tokenizer
// and matches CSS selectors (cascadia) against the open elements; the prelude calls the script's
// handlers on the tokens and writes the output.

// htmlToken is one token as the prelude sees it.
type htmlToken struct {
	Kind    string      `json:"kind"` // start, end, text, comment, doctype
	Raw     string      `json:"raw"`
	Tag     string      `json:"tag,omitempty"`
	Attrs   [][2]string `json:"attrs,omitempty"`
	ID      int         `json:"id,omitempty"`      // start: the element; end: the element it closes
	Void    bool        `json:"void,omitempty"`    // start: has no end tag
	Matches []int       `json:"matches,omitempty"` // start: selectors the element matches; text: those its parent matches
	Name    string      `json:"name,omitempty"`    // doctype
}

// voidElements never have an end tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "param": true, "source": true, "track": true, "wbr": true}

// compiledSelectors keeps parsed selectors: transform() checks them and its pass uses them, and a
// worker usually rewrites with the same few on every request. Matchers hold no state.
var compiledSelectors, _ = lru.New[string, cascadia.Sel](1024)

// compileSelectors parses the handlers' selectors; a bad one is the script's TypeError.
func compileSelectors(selectors []string) ([]cascadia.Sel, error) {
	compiled := make([]cascadia.Sel, len(selectors))
	for i, s := range selectors {
		sel, ok := compiledSelectors.Get(s)
		if !ok {
			var err error
			if sel, err = cascadia.Parse(s); err != nil {
				return nil, fmt.Errorf("The selector %q is invalid: %v", s, err)
			}
			compiledSelectors.Add(s, sel)
		}
		compiled[i] = sel
	}
	return compiled, nil
}

// tokenize reads a document from r and emits its tokens as it goes, each element with the indices of
// the selectors it matches, and end tokens for elements left open at the end. A token's source text
// is passed as raw, valid only during the call (most tokens are copied out as part of a longer run),
// and its Raw is left empty.
func tokenize(r io.Reader, compiled []cascadia.Sel, emit func(t htmlToken, raw []byte)) error {
	root := &html.Node{Type: html.DocumentNode}
	type open struct {
		node   *html.Node
		id     int
		within []int // selectors matched by this element or an ancestor: text and comments inside get their handlers
	}
	stack := []open{{node: root}}
	z := html.NewTokenizer(r)
	nextID := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() == io.EOF {
				break
			}
			return z.Err()
		}
		raw := z.Raw()
		top := stack[len(stack)-1]
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			nextID++
			// The element joins the tree under its parent, so selectors see its ancestors and earlier
			// siblings (for :nth-child and sibling combinators). Closed elements keep no children.
			n := &html.Node{Type: html.ElementNode, Data: tok.Data, DataAtom: atom.Lookup([]byte(tok.Data)), Attr: tok.Attr}
			top.node.AppendChild(n)
			var matches []int
			for i, sel := range compiled {
				if sel.Match(n) {
					matches = append(matches, i)
				}
			}
			t := htmlToken{Kind: "start", Tag: tok.Data, ID: nextID, Matches: matches}
			for _, a := range tok.Attr {
				t.Attrs = append(t.Attrs, [2]string{a.Key, a.Val})
			}
			t.Void = tt == html.SelfClosingTagToken || voidElements[tok.Data]
			emit(t, raw)
			if !t.Void {
				within := append([]int(nil), top.within...)
				for _, m := range matches {
					if !slices.Contains(within, m) {
						within = append(within, m)
					}
				}
				stack = append(stack, open{node: n, id: nextID, within: within})
			}
		case html.EndTagToken:
			// Close up to the matching open element; a stray end tag closes nothing.
			name, _ := z.TagName()
			at := -1
			for i := len(stack) - 1; i > 0; i-- {
				if stack[i].node.Data == string(name) {
					at = i
					break
				}
			}
			if at < 0 {
				emit(htmlToken{Kind: "end", Tag: string(name)}, raw)
				continue
			}
			for len(stack) > at+1 { // implied ends of elements left open inside
				inner := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				emit(htmlToken{Kind: "end", Tag: inner.node.Data, ID: inner.id}, nil)
				dropChildren(inner.node)
			}
			closing := stack[at]
			stack = stack[:at]
			emit(htmlToken{Kind: "end", Tag: closing.node.Data, ID: closing.id}, raw)
			dropChildren(closing.node)
		case html.TextToken:
			emit(htmlToken{Kind: "text", Matches: top.within}, raw)
		case html.CommentToken:
			emit(htmlToken{Kind: "comment", Matches: top.within}, raw)
		case html.DoctypeToken:
			raw = bytes.Clone(raw) // Token() below moves on
			emit(htmlToken{Kind: "doctype", Name: z.Token().Data}, raw)
		}
	}
	for len(stack) > 1 {
		inner := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		emit(htmlToken{Kind: "end", Tag: inner.node.Data, ID: inner.id}, nil)
	}
	return nil
}

// dropChildren frees a closed element's subtree; selectors only ever look up and to the left.
func dropChildren(n *html.Node) {
	n.FirstChild, n.LastChild = nil, nil
}

// rewriteNeeds says which tokens the script's handlers look at; the rest pass through untouched.
type rewriteNeeds struct {
	DocText, DocComments, DocDoctype bool
	Element, Text, Comments          []bool // per selector
}

func (r rewriteNeeds) any(flags []bool, matches []int) bool {
	for _, m := range matches {
		if m < len(flags) && flags[m] {
			return true
		}
	}
	return false
}

// wanted reports whether the prelude must see t; open holds the ids of elements it saw start.
func (r rewriteNeeds) wanted(t htmlToken, open map[int]bool) bool {
	switch t.Kind {
	case "start":
		if r.any(r.Element, t.Matches) {
			open[t.ID] = true
			return true
		}
	case "end":
		return open[t.ID]
	case "text":
		return r.DocText || r.any(r.Text, t.Matches)
	case "comment":
		return r.DocComments || r.any(r.Comments, t.Matches)
	case "doctype":
		return r.DocDoctype
	}
	return false
}

func parseNeeds(needs map[string]any) rewriteNeeds {
	var r rewriteNeeds
	r.DocText, _ = needs["docText"].(bool)
	r.DocComments, _ = needs["docComments"].(bool)
	r.DocDoctype, _ = needs["docDoctype"].(bool)
	flags := func(k string) []bool {
		raw, _ := needs[k].([]any)
		out := make([]bool, len(raw))
		for i, v := range raw {
			out[i], _ = v.(bool)
		}
		return out
	}
	r.Element, r.Text, r.Comments = flags("element"), flags("text"), flags("comments")
	return r
}

// tokenBatch collects the tokens the prelude reads. Runs of tokens no handler looks at become one
// "raw" token: the script's loop touches only what it rewrites.
type tokenBatch struct {
	needs   rewriteNeeds
	open    map[int]bool // elements the prelude saw start, whose ends it must see
	out     []htmlToken
	pending []byte // the current raw run, its buffer reused run after run
}

func (b *tokenBatch) add(t htmlToken, raw []byte) {
	if !b.needs.wanted(t, b.open) {
		b.pending = append(b.pending, raw...)
		return
	}
	b.flushRaw()
	t.Raw = string(raw)
	b.out = append(b.out, t)
}

func (b *tokenBatch) flushRaw() {
	if len(b.pending) > 0 {
		b.out = append(b.out, htmlToken{Kind: "raw", Raw: string(b.pending)})
		b.pending = b.pending[:0]
	}
}

// take returns the tokens so far and starts a new batch.
func (b *tokenBatch) take() []htmlToken {
	b.flushRaw()
	out := b.out
	b.out = nil
	return out
}

// tokenValues is a batch as the prelude's RewriteRun reads it, made on the loop: a raw run is its
// string, any other token [kind, raw, tag, id, attrs as a flat name/value list, void, matches,
// doctype name]. Arrays cost goja far less to make and read than Go maps wrapped as objects.
func tokenValues(vm *goja.Runtime, toks []htmlToken) goja.Value {
	out := make([]any, len(toks))
	for i, t := range toks {
		if t.Kind == "raw" {
			out[i] = t.Raw
			continue
		}
		var attrs, matches any = goja.Undefined(), goja.Undefined()
		if t.Kind == "start" {
			flat := make([]any, 0, 2*len(t.Attrs))
			for _, a := range t.Attrs {
				flat = append(flat, a[0], a[1])
			}
			attrs = vm.NewArray(flat...)
		}
		if len(t.Matches) > 0 {
			ms := make([]any, len(t.Matches))
			for j, x := range t.Matches {
				ms[j] = x
			}
			matches = vm.NewArray(ms...)
		}
		out[i] = vm.NewArray(t.Kind, t.Raw, t.Tag, t.ID, attrs, t.Void, matches, t.Name)
	}
	return vm.NewArray(out...)
}
