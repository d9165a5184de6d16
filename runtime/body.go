package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/dop251/goja"
)

const (
	// bodyChunk is the most one read of a streamed body hands to JavaScript.
	bodyChunk = 64 << 10
	// eagerRequestBody: a request body of known length up to this is read before the handler runs
	// (one buffer, no round trips); a longer or chunked one is streamed to the script.
	eagerRequestBody = 1 << 20
)

// openBody registers a Go body for the prelude's nativeStream; the request's end closes it unless
// it was taken back whole by takeBody.
func (n *natives) openBody(rc io.ReadCloser) int64 {
	n.nextBody++
	n.bodies[n.nextBody] = rc
	return n.nextBody
}

func (n *natives) bodyNatives(set func(string, any)) {
	// bodyRead resolves with the next chunk (an ArrayBuffer) or null at the end; it reads off the loop.
	set("bodyRead", func(handle int64) *goja.Promise {
		in := n.in
		rc := n.bodies[handle]
		if rc == nil {
			p, resolve, _ := in.vm.NewPromise()
			resolve(goja.Null())
			return p
		}
		return offLoop(in, func() ([]byte, error) {
			buf := make([]byte, bodyChunk)
			k, err := rc.Read(buf)
			switch {
			case k > 0:
				return buf[:k], nil
			case err == io.EOF:
				return nil, nil
			case err != nil:
				return nil, fmt.Errorf("TypeError: Network connection lost: %v", err)
			}
			return buf[:0], nil
		}, func(chunk []byte) any {
			if chunk == nil { // the end: the body is done with
				if n.bodies[handle] == rc {
					rc.Close()
					delete(n.bodies, handle)
				}
				return goja.Null()
			}
			return in.vm.NewArrayBuffer(chunk)
		})
	})
	set("copyBytes", func(buf goja.ArrayBuffer, off, size int) goja.ArrayBuffer {
		return n.in.vm.NewArrayBuffer(bytes.Clone(buf.Bytes()[off : off+size]))
	})
	// concatBytes joins Uint8Arrays into one ArrayBuffer.
	set("concatBytes", func(parts []goja.Value) goja.ArrayBuffer {
		views := make([][]byte, len(parts))
		size := 0
		for i, p := range parts {
			views[i] = viewBytes(n.in.vm, p)
			size += len(views[i])
		}
		out := make([]byte, 0, size)
		for _, v := range views {
			out = append(out, v...)
		}
		return n.in.vm.NewArrayBuffer(out)
	})
	// bodyReadAll resolves with the whole body (text(), json(), arrayBuffer() on a Go body).
	set("bodyReadAll", func(handle int64) *goja.Promise {
		in := n.in
		rc := n.bodies[handle]
		delete(n.bodies, handle)
		return offLoop(in, func() ([]byte, error) {
			if rc == nil {
				return nil, nil
			}
			b, err := io.ReadAll(io.LimitReader(rc, maxRequestBody+1))
			rc.Close()
			if (err == nil && len(b) > maxRequestBody) || errors.Is(err, errBodyTooLarge) {
				return nil, fmt.Errorf("RangeError: the body is larger than %d MiB; read it as a stream instead", maxRequestBody>>20)
			} else if err != nil {
				return nil, fmt.Errorf("TypeError: Network connection lost: %v", err)
			}
			return b, nil
		}, func(b []byte) any { return in.vm.NewArrayBuffer(b) })
	})
	// bodyPipe makes a Go body the script writes: its read end goes into the body table for an
	// outgoing request to take, its write end is fed by bodyWrite and closed by bodyEnd.
	set("bodyPipe", func() int64 {
		r, w := io.Pipe()
		h := n.openBody(r)
		n.pipes[h] = w
		return h
	})
	set("bodyWrite", func(handle int64, chunk goja.Value) *goja.Promise {
		in := n.in
		w := n.pipes[handle]
		if w == nil {
			n.typeError("the request body's reader has gone")
		}
		data := viewBytes(in.vm, chunk) // the prelude passes a fresh copy nobody else holds
		return offLoop(in, func() (struct{}, error) {
			// Write returns once the request has read the chunk: the script's backpressure.
			if _, err := w.Write(data); err != nil {
				return struct{}{}, fmt.Errorf("TypeError: sending the request body: %v", err)
			}
			return struct{}{}, nil
		}, func(struct{}) any { return goja.Undefined() })
	})
	set("bodyEnd", func(handle int64, failure string) {
		if w := n.pipes[handle]; w != nil {
			if failure != "" {
				w.CloseWithError(errors.New(failure))
			} else {
				w.Close()
			}
			delete(n.pipes, handle)
		}
	})
	set("bodyClose", func(handle int64) {
		if rc := n.bodies[handle]; rc != nil {
			rc.Close()
			delete(n.bodies, handle)
		}
	})
}

// viewBytes is the memory an ArrayBuffer view looks at.
func viewBytes(vm *goja.Runtime, v goja.Value) []byte {
	o := v.ToObject(vm)
	ab, ok := o.Get("buffer").Export().(goja.ArrayBuffer)
	if !ok {
		panic(vm.NewTypeError("expected an ArrayBuffer view"))
	}
	off, size := o.Get("byteOffset").ToInteger(), o.Get("byteLength").ToInteger()
	return ab.Bytes()[off : off+size]
}

// closeBodies closes the bodies a request opened and did not hand on, and the pipes it was writing.
func (n *natives) closeBodies() {
	for h, w := range n.pipes {
		w.CloseWithError(errors.New("the request that was sending this body ended"))
		delete(n.pipes, h)
	}
	for h, b := range n.bodies {
		b.Close()
		delete(n.bodies, h)
	}
}

// limitedBody fails a read past max bytes instead of truncating silently.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if k, _ := l.rc.Read(one[:]); k > 0 {
			return 0, errBodyTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	k, err := l.rc.Read(p)
	l.left -= int64(k)
	return k, err
}

func (l *limitedBody) Close() error { return l.rc.Close() }

// requestBody reads a small body of known length now; a larger or chunked one is left to stream.
func requestBody(r *http.Request, limit int64) (body []byte, stream io.ReadCloser, err error) {
	if r.Body == nil || r.Body == http.NoBody || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil, nil, nil
	}
	if r.ContentLength > limit {
		return nil, nil, errBodyTooLarge
	}
	if r.ContentLength >= 0 && r.ContentLength <= eagerRequestBody {
		body, err = readBody(r, limit)
		return body, nil, err
	}
	return nil, &limitedBody{rc: r.Body, left: limit}, nil
}

// scriptStream is a response body the script produces as a ReadableStream. Reading it runs the
// runtime's loop on the reader's goroutine, one chunk at a time, so a large response never sits in
// memory whole; the runtime stays with the stream until it ends or is closed, then returns to its pool.
type scriptStream struct {
	w      *Worker
	in     *instance
	gen    uint64
	read   goja.Callable // resolves with the next chunk (an ArrayBuffer view), or null at the end
	cancel goja.Callable
	stop   context.CancelFunc // ends the request's context, waking a read in progress

	mu      sync.Mutex
	buf     []byte
	done    bool
	err     error
	pending *goja.Promise // a chunk ready asked for that the script has not made yet
}

func (s *scriptStream) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.buf) == 0 {
		if s.done {
			return 0, s.err
		}
		s.next()
	}
	k := copy(p, s.buf)
	s.buf = s.buf[k:]
	return k, nil
}

// ready reports whether Read would return without waiting on the script: a chunk is buffered, the
// stream has ended, or the script makes its next chunk in one turn, which it does here. The writer
// flushes only when Read would wait, so chunks made back to back go out in one write.
func (s *scriptStream) ready() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.buf) > 0 || s.done || s.pull()
}

// next pulls one chunk from the script, waiting for it if need be.
func (s *scriptStream) next() {
	if s.pull() {
		return
	}
	p := s.pending
	s.pending = nil
	s.take(s.in.await(s.gen, p, s.w.spec.WallLimit))
}

// pull asks the script for its next chunk, unless it was asked already, and takes it if it is made by
// now, reporting whether it was; a chunk still being made stays pending.
func (s *scriptStream) pull() bool {
	if s.pending == nil {
		v, p, err := s.in.call(func() (goja.Value, error) { return s.read(goja.Undefined()) })
		if err != nil || p == nil {
			s.take(v, err)
			return true
		}
		s.pending = p
	}
	if !settled(s.pending) {
		return false
	}
	p := s.pending
	s.pending = nil
	s.take(s.in.await(s.gen, p, s.w.spec.WallLimit)) // settled: returns at once
	return true
}

// take keeps a chunk the script made, or ends the stream at its end or failure.
func (s *scriptStream) take(v goja.Value, err error) {
	switch {
	case err != nil:
		s.finish(fmt.Errorf("streaming the response body: %w", err))
	case v == nil || goja.IsNull(v) || goja.IsUndefined(v):
		s.finish(io.EOF)
	default:
		s.buf = viewBytes(s.in.vm, v)
	}
}

// finish ends the stream: the runtime settles waitUntil work and goes back to its pool.
func (s *scriptStream) finish(err error) {
	s.done, s.err = true, err
	if err != io.EOF {
		s.w.logException(err)
		s.in.end()
		s.w.put(s.in)
		return
	}
	s.w.release(s.in, s.gen)
}

// Close stops a stream the reader gave up on (a client that went away).
func (s *scriptStream) Close() error {
	s.stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.done {
		if !s.in.broken {
			s.in.runJS(func() error { _, err := s.cancel(goja.Undefined()); return err })
		}
		s.in.broken = true // its stream was left half-read
		s.done, s.err = true, errors.New("the response body was closed before its end")
		s.in.end()
		s.w.put(s.in)
	}
	return nil
}
