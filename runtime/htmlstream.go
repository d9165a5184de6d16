package runtime

import (
	"errors"
	"fmt"
	"io"

	"github.com/dop251/goja"
)

// An HTMLRewriter pass streams: the script feeds the document one body chunk at a time, and each feed
// answers with the tokens that chunk completed. The tokenizer runs on its own goroutine, reading
// from feedReader; when it has used up a chunk it hands over the tokens made so far and waits for the
// next, so a token cut by a chunk boundary is finished by the following chunk.
type htmlSession struct {
	feed  chan []byte // the next chunk; closed at the end of the document
	batch chan htmlResult
	quit  chan struct{} // closed when the request ends, so an abandoned pass does not leak
}

type htmlResult struct {
	tokens []htmlToken
	done   bool
	err    error
}

var errHTMLAbandoned = errors.New("HTMLRewriter: the response was abandoned")

// feedReader is the tokenizer's input: the chunks fed so far.
type feedReader struct {
	s     *htmlSession
	b     *tokenBatch
	buf   []byte
	fed   bool // a feed is waiting for its batch
	ended bool
}

func (f *feedReader) Read(p []byte) (int, error) {
	for len(f.buf) == 0 {
		if f.ended {
			return 0, io.EOF
		}
		if f.fed { // this chunk is used up: answer its feed
			select {
			case f.s.batch <- htmlResult{tokens: f.b.take()}:
			case <-f.s.quit:
				return 0, errHTMLAbandoned
			}
		}
		select {
		case chunk, ok := <-f.s.feed:
			f.fed = true
			if !ok {
				f.ended = true
				continue
			}
			f.buf = chunk
		case <-f.s.quit:
			return 0, errHTMLAbandoned
		}
	}
	k := copy(p, f.buf)
	f.buf = f.buf[k:]
	return k, nil
}

func (n *natives) htmlNatives(set func(string, any)) {
	set("htmlCheck", func(selectors []string) {
		if _, err := compileSelectors(selectors); err != nil {
			panic(n.in.vm.NewTypeError(err.Error()))
		}
	})
	// htmlStart checks the selectors (a bad one throws here, from transform()) and starts a pass.
	set("htmlStart", func(selectors []string, needs map[string]any) int64 {
		compiled, err := compileSelectors(selectors)
		if err != nil {
			panic(n.in.vm.NewTypeError(err.Error()))
		}
		s := &htmlSession{feed: make(chan []byte), batch: make(chan htmlResult), quit: make(chan struct{})}
		b := &tokenBatch{needs: parseNeeds(needs), open: map[int]bool{}}
		go func() {
			err := tokenize(&feedReader{s: s, b: b}, compiled, b.add)
			select {
			case s.batch <- htmlResult{tokens: b.take(), done: true, err: err}:
			case <-s.quit:
			}
		}()
		n.nextHTML++
		n.html[n.nextHTML] = s
		return n.nextHTML
	})
	// htmlFeed gives the pass a chunk (null at the end) and resolves with the tokens it completed
	// (tokenValues).
	set("htmlFeed", func(handle int64, chunk goja.Value) *goja.Promise {
		in := n.in
		s := n.html[handle]
		if s == nil {
			n.typeError("HTMLRewriter: this pass has ended")
		}
		var data []byte
		last := chunk == nil || goja.IsNull(chunk) || goja.IsUndefined(chunk)
		if !last {
			data = append([]byte(nil), viewBytes(in.vm, chunk)...)
		}
		return offLoop(in, func() (htmlResult, error) {
			if last {
				close(s.feed)
			} else {
				select {
				case s.feed <- data:
				case <-s.quit:
				}
			}
			var res htmlResult
			select {
			case res = <-s.batch:
			case <-s.quit:
				res.err = errHTMLAbandoned
			}
			if res.err != nil {
				return res, fmt.Errorf("TypeError: HTMLRewriter: %v", res.err)
			}
			return res, nil
		}, func(res htmlResult) any {
			if res.done {
				delete(n.html, handle)
			}
			return tokenValues(in.vm, &n.htmlNames, res.tokens)
		})
	})
}

// closeHTML ends the passes a request left unfinished.
func (n *natives) closeHTML() {
	for h, s := range n.html {
		close(s.quit)
		delete(n.html, h)
	}
}
