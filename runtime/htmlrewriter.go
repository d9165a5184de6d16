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
	Kind    tokenKind
	Raw     string
	Tag     string
	Attrs   []tagAttr // start: filled in only for a token the prelude reads
	ID      int       // start: the element; end: the element it closes
	Flags   int       // start: elementVoid, elementSelfClosing
	Matches []int     // start: selectors the element matches; text: those its parent matches
	Name    string    // doctype
}

// tokenKind numbers the kinds as the prelude's RewriteRun does; a raw run is a plain string there.
type tokenKind int

const (
	tokenRaw tokenKind = iota
	tokenStart
	tokenEnd
	tokenText
	tokenComment
	tokenDoctype
)

const (
	elementVoid        = 1 // has no end tag (a void element, or written "<x/>")
	elementSelfClosing = 2 // written "<x/>"
)

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
			t := htmlToken{Kind: tokenStart, Tag: tok.Data, ID: nextID, Matches: matches}
			if tt == html.SelfClosingTagToken {
				t.Flags = elementVoid | elementSelfClosing
			} else if voidElements[tok.Data] {
				t.Flags = elementVoid
			}
			emit(t, raw)
			if t.Flags&elementVoid == 0 {
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
				emit(htmlToken{Kind: tokenEnd, Tag: string(name)}, raw)
				continue
			}
			for len(stack) > at+1 { // implied ends of elements left open inside
				inner := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				emit(htmlToken{Kind: tokenEnd, Tag: inner.node.Data, ID: inner.id}, nil)
				dropChildren(inner.node)
			}
			closing := stack[at]
			stack = stack[:at]
			emit(htmlToken{Kind: tokenEnd, Tag: closing.node.Data, ID: closing.id}, raw)
			dropChildren(closing.node)
		case html.TextToken:
			emit(htmlToken{Kind: tokenText, Matches: top.within}, raw)
		case html.CommentToken:
			emit(htmlToken{Kind: tokenComment, Matches: top.within}, raw)
		case html.DoctypeToken:
			raw = bytes.Clone(raw) // Token() below moves on
			emit(htmlToken{Kind: tokenDoctype, Name: z.Token().Data}, raw)
		}
	}
	for len(stack) > 1 {
		inner := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		emit(htmlToken{Kind: tokenEnd, Tag: inner.node.Data, ID: inner.id}, nil)
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

// wanted reports whether the prelude must see t; open holds the ids of elements it saw start and
// has not yet seen end.
func (r rewriteNeeds) wanted(t htmlToken, open map[int]bool) bool {
	switch t.Kind {
	case tokenStart:
		if r.any(r.Element, t.Matches) {
			open[t.ID] = true
			return true
		}
	case tokenEnd:
		if open[t.ID] {
			delete(open, t.ID)
			return true
		}
	case tokenText:
		return r.DocText || r.any(r.Text, t.Matches)
	case tokenComment:
		return r.DocComments || r.any(r.Comments, t.Matches)
	case tokenDoctype:
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
// raw run: the script's loop touches only what it rewrites.
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
	if t.Kind == tokenStart {
		t.Attrs = scanTagAttrs(raw)
	}
	b.out = append(b.out, t)
}

func (b *tokenBatch) flushRaw() {
	if len(b.pending) > 0 {
		b.out = append(b.out, htmlToken{Kind: tokenRaw, Raw: string(b.pending)})
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

// tokenValues is a batch as the prelude's RewriteRun reads it, made on the loop: an array of pages,
// each a flat array of tokens. A raw run is its string; any other token is htmlTokenHead entries —
// kind, raw, tag, id, flags, matches (a selector's index, or an array of them when there are
// several), doctype name, and the number of attributes — then each attribute's name, value, start
// and end (see tagAttr). Tokens are laid out flat, and a page holds at most htmlPageSize entries
// unless one token needs more, because of what goja costs: an array is six allocations, a number
// past 127 one (and the script's index arithmetic makes numbers), and a page has thousands of tokens.
// Names come from names, a runtime's cache of the tag and attribute names it has seen.
func tokenValues(vm *goja.Runtime, names *htmlNames, toks []htmlToken) goja.Value {
	var pages []any
	page := make([]any, 0, htmlPageSize)
	flush := func() {
		if len(page) > 0 {
			pages = append(pages, vm.NewArray(page...))
			page = page[:0]
		}
	}
	undefined := goja.Undefined()
	for _, t := range toks {
		if t.Kind == tokenRaw {
			if len(page)+1 > htmlPageSize {
				flush()
			}
			page = append(page, t.Raw)
			continue
		}
		if len(page)+htmlTokenHead+4*len(t.Attrs) > htmlPageSize {
			flush()
		}
		var matches, tag, name goja.Value = undefined, undefined, undefined
		switch len(t.Matches) {
		case 0:
		case 1:
			matches = vm.ToValue(t.Matches[0])
		default:
			ms := make([]any, len(t.Matches))
			for j, x := range t.Matches {
				ms[j] = x
			}
			matches = vm.NewArray(ms...)
		}
		if t.Tag != "" {
			tag = names.of(vm, t.Tag)
		}
		if t.Name != "" {
			name = vm.ToValue(t.Name)
		}
		page = append(page, int(t.Kind), t.Raw, tag, t.ID, t.Flags, matches, name, len(t.Attrs))
		for _, a := range t.Attrs {
			page = append(page, names.of(vm, a.name), a.value, a.start, a.end)
		}
	}
	flush()
	return vm.NewArray(pages...)
}

const (
	htmlTokenHead = 8   // a token's entries before its attributes
	htmlPageSize  = 127 // goja shares its numbers up to 127, so a page's indices and length make none
)

// htmlNames keeps the goja strings of the tag and attribute names a runtime's passes have seen: the
// same few recur on every page.
type htmlNames map[string]goja.Value

func (c *htmlNames) of(vm *goja.Runtime, name string) goja.Value {
	if v, ok := (*c)[name]; ok {
		return v
	}
	if *c == nil || len(*c) >= 1024 { // a hostile page may make up names without end
		*c = htmlNames{}
	}
	v := vm.ToValue(name)
	(*c)[name] = v
	return v
}
