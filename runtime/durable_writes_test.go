package runtime

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gatedStore is the real SQLite store whose commits can be slowed or failed, and counted.
type gatedStore struct {
	DurableStore
	commits atomic.Int32
	delay   time.Duration
	fail    atomic.Bool  // the next commit fails
	stored  atomic.Int64 // the value of "n" the store holds
}

func (s *gatedStore) DOWrite(ctx context.Context, ns, id string, puts map[string]string, deletes []string) error {
	s.commits.Add(1)
	time.Sleep(s.delay)
	if s.fail.CompareAndSwap(true, false) {
		return errors.New("disk full")
	}
	if err := s.DurableStore.DOWrite(ctx, ns, id, puts, deletes); err != nil {
		return err
	}
	if n, err := strconv.ParseInt(puts["n"], 10, 64); err == nil {
		s.stored.Store(n)
	}
	return nil
}

const counterSrc = `export class C {
  constructor(s) { this.s = s.storage }
  async fetch() {
    const n = ((await this.s.get("n")) || 0) + 1;
    await this.s.put("n", n);
    return new Response(String(n));
  }
}
export default { async fetch(req, env) {
  try { return await env.C.getByName("x").fetch(req) } catch (e) { return new Response(e.message, { status: 500 }) }
} }`

func loadCounter(t *testing.T, store *gatedStore) (*testEngine, *Worker) {
	e := newStoreEngine(t)
	store.DurableStore = e.store
	e.Engine = NewEngine(EngineConfig{Logs: e.logs, Services: e.services, Durable: store})
	return e, e.load(t, "svc/production", counterSrc, func(s *WorkerSpec) {
		s.Namespace = "svc/production"
		s.Bindings = []Binding{{Name: "C", Type: "durable_object_namespace", Target: map[string]string{"class_name": "C"}}}
	})
}

// Increments that arrive while a commit is under way share the next one, and no answer goes out
// before the write it reports is committed (the output gate).
func TestDurableWritesCoalesceBehindTheOutputGate(t *testing.T) {
	store := &gatedStore{delay: 20 * time.Millisecond}
	_, w := loadCounter(t, store)
	const requests = 24
	var wg sync.WaitGroup
	seen := make(chan string, requests)
	for range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := get(w, "http://x/")
			stored := store.stored.Load()
			if r.status != 200 {
				t.Errorf("increment: %d %q", r.status, r.body)
				return
			}
			if n, _ := strconv.ParseInt(r.body, 10, 64); n > stored {
				t.Errorf("answer %d went out while the store held %d", n, stored)
			}
			seen <- r.body
		}()
	}
	wg.Wait()
	close(seen)
	values := map[string]bool{}
	for v := range seen {
		values[v] = true
	}
	if len(values) != requests || !values[strconv.Itoa(requests)] {
		t.Fatalf("answers %v, want 1..%d once each", values, requests)
	}
	if n := store.commits.Load(); n >= requests/2 {
		t.Fatalf("%d increments took %d commits; they should share them", requests, n)
	}
}

// A commit that fails fails the answer that waited on it, and the object starts again from what the
// store holds: the lost increment is not counted.
func TestFailedDurableCommitFailsTheAnswerAndRestartsTheObject(t *testing.T) {
	store := &gatedStore{}
	e, w := loadCounter(t, store)
	if r := get(w, "http://x/"); r.body != "1" {
		t.Fatalf("first increment: %d %q", r.status, r.body)
	}
	store.fail.Store(true)
	if r := get(w, "http://x/"); r.status != 500 || !strings.Contains(r.body, "Durable Object storage write failed") || strings.Contains(r.body, "disk full") {
		t.Fatalf("an increment whose commit failed answered %d %q", r.status, r.body)
	}
	if r := get(w, "http://x/"); r.body != "2" {
		t.Fatalf("after the failed commit: %d %q, want 2", r.status, r.body)
	}
	if !strings.Contains(e.logs.text(), "disk full") {
		t.Fatal("the failed commit was not logged")
	}
}
