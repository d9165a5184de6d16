package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// request is what the recording API server saw.
type request struct {
	Method, Path, Query, Auth, Body string
}

// apiServer is a real HTTP server that records requests and answers from a table of
// "METHOD /path" → (status, body). Unknown routes get Weft's 404 envelope.
type apiServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
	replies  map[string]reply
}

type reply struct {
	status int
	body   string
}

func newAPIServer(t *testing.T, replies map[string]reply) *apiServer {
	t.Helper()
	s := &apiServer{replies: replies}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.requests = append(s.requests, request{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), string(b)})
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		rep, ok := replies[r.Method+" "+r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":{"code":"not_found","message":"no such thing"}}`)
			return
		}
		w.WriteHeader(rep.status)
		io.WriteString(w, rep.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *apiServer) seen() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.requests...)
}

// isolateEnv clears the CLI's environment variables and points the data dir at an empty temp dir,
// so a developer's own settings or a weft-data folder never leak into a test.
func isolateEnv(t *testing.T) {
	t.Helper()
	t.Setenv("WEFT_API_URL", "")
	t.Setenv("WEFT_API_TOKEN", "")
	t.Setenv("WEFT_DATA", t.TempDir())
}

// runCLI runs the real root command with args and stdin, returning stdout, stderr and the error.
func runCLI(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	root := newRootCommand()
	var out, errOut bytes.Buffer
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errOut)
	err := root.Execute()
	return out.String(), errOut.String(), err
}
