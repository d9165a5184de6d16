package runtime

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/weft-dev/weft/migrations"
	"github.com/weft-dev/weft/models"
)

// memLogs collects log entries, as the gateway's ring buffer does.
type memLogs struct {
	mu      sync.Mutex
	entries []LogEntry
}

func (m *memLogs) Log(e LogEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries = append(m.entries, e)
}

func (m *memLogs) text() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	for _, e := range m.entries {
		b.WriteString(e.Level + " " + e.Message + "\n")
	}
	return b.String()
}

// engineServices dispatches service bindings to workers of the same engine, by service name; it is
// the gateway's dispatcher in miniature.
type engineServices struct {
	mu      sync.Mutex
	workers map[string]*Worker
}

func (s *engineServices) ServiceWorker(ctx context.Context, service, env string, r *http.Request) (*Worker, func(*http.Response, error), error) {
	s.mu.Lock()
	w := s.workers[service]
	s.mu.Unlock()
	if w == nil {
		return nil, nil, fmt.Errorf("no service %s", service)
	}
	return w, func(*http.Response, error) {}, nil
}

func (s *engineServices) CallService(ctx context.Context, service, env, entrypoint, method, args string) (string, error) {
	s.mu.Lock()
	w := s.workers[service]
	s.mu.Unlock()
	if w == nil {
		return "", fmt.Errorf("no service %s", service)
	}
	return w.Call(ctx, entrypoint, method, args)
}

type testEngine struct {
	*Engine
	logs     *memLogs
	services *engineServices
	store    *models.Store
}

func newTestEngine() *testEngine {
	logs := &memLogs{}
	svc := &engineServices{workers: map[string]*Worker{}}
	return &testEngine{Engine: NewEngine(EngineConfig{Logs: logs, Services: svc}), logs: logs, services: svc}
}

// newStoreEngine is an engine whose bindings keep their data in a real SQLite store in a temp dir.
func newStoreEngine(t testing.TB) *testEngine {
	t.Helper()
	db, err := models.OpenDB(filepath.Join(t.TempDir(), "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrations.Apply(db); err != nil {
		t.Fatal(err)
	}
	store, err := models.NewStore(db, make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := newTestEngine()
	store.SetBlobDir(t.TempDir())
	e.Engine = NewEngine(EngineConfig{Logs: e.logs, Services: e.services, KV: store, Durable: store, Queues: store, R2: store, Cache: store})
	e.store = store
	return e
}

// load builds a single-module worker and loads it under id.
func (e *testEngine) load(t testing.TB, id, src string, mod func(*WorkerSpec)) *Worker {
	t.Helper()
	b, err := Build([]Module{{Name: "index.js", Content: src}}, "index.js")
	if err != nil {
		t.Fatalf("build %s: %v", id, err)
	}
	// Under the race detector JavaScript runs about ten times slower, so the default budget grows.
	spec := WorkerSpec{ID: id, Label: id, Bundle: b, CPULimit: raceSlowdown * DefaultCPULimit}
	if mod != nil {
		mod(&spec)
	}
	w, err := e.Load(spec)
	if err != nil {
		t.Fatalf("load %s: %v", id, err)
	}
	e.services.mu.Lock()
	e.services.workers[id] = w
	e.services.mu.Unlock()
	return w
}

// getAtOnce sends n requests to w at once and checks that each is answered with want.
func getAtOnce(t *testing.T, w *Worker, n int, want string) {
	t.Helper()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := get(w, "http://x/"); r.body != want {
				t.Errorf("%d %s", r.status, r.body)
			}
		}()
	}
	wg.Wait()
}

type result struct {
	status int
	header http.Header
	body   string
}

func do(w http.Handler, method, url, body string, headers map[string]string) result {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, url, rd)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, req)
	return result{rec.Code, rec.Header(), rec.Body.String()}
}

func get(w http.Handler, url string) result { return do(w, "GET", url, "", nil) }
