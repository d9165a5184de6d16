package runtime

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// countingStore is the real SQLite store, counting the reads that reach it.
type countingStore struct {
	DurableStore
	gets atomic.Int32
}

func (s *countingStore) DOGet(ctx context.Context, ns, id string, keys []string) (map[string]string, error) {
	s.gets.Add(1)
	return s.DurableStore.DOGet(ctx, ns, id, keys)
}

// An object reads a key from the store once; later reads see its own writes, deletes, rolled-back
// transactions and deleteAll without another query, and give the same answers the store would.
func TestDurableStorageCacheServesRepeatReadsAndStaysTrue(t *testing.T) {
	e := newStoreEngine(t)
	counting := &countingStore{DurableStore: e.store}
	e.Engine = NewEngine(EngineConfig{Logs: e.logs, Services: e.services, Durable: counting})
	w := e.load(t, "svc/production", `export class C {
  constructor(s) { this.s = s.storage }
  async fetch(req) {
    const s = this.s, out = [];
    switch (new URL(req.url).pathname) {
      case "/inc": { const n = ((await s.get("n")) || 0) + 1; await s.put("n", n); return new Response(String(n)); }
      case "/mixed":
        out.push(await s.get("n"), await s.get("absent"));
        await s.delete("n");
        out.push(await s.get("n"));
        await s.put({ a: 1, b: 2 });
        try { await s.transaction(async (t) => { await t.put("a", 10); await t.delete("b"); throw new Error("undo"); }); } catch {}
        out.push(await s.get("a"), await s.get("b"));
        await s.deleteAll();
        out.push(await s.get("a"));
        return Response.json(out);
    }
  }
}
export default { fetch(req, env) { return env.C.getByName("x").fetch(req) } }`, func(s *WorkerSpec) {
		s.Namespace = "svc/production"
		s.Bindings = []Binding{{Name: "C", Type: "durable_object_namespace", Target: map[string]string{"class_name": "C"}}}
	})
	for i := 1; i <= 3; i++ {
		if r := get(w, "http://x/inc"); r.body != strconv.Itoa(i) {
			t.Fatalf("increment %d: %d %q", i, r.status, r.body)
		}
	}
	if n := counting.gets.Load(); n != 1 {
		t.Fatalf("three increments queried the store %d times, want once", n)
	}
	ns, id := "svc/production/C", objectID("svc/production", "x")
	if got, err := e.store.DOGet(context.Background(), ns, id, []string{"n"}); err != nil || len(got) != 1 {
		t.Fatalf("the writes did not reach the store: %v %v", got, err)
	}
	if r := get(w, "http://x/mixed"); r.body != `[3,null,null,1,2,null]` {
		t.Fatalf("mixed: %d %q", r.status, r.body)
	}
	// Only the never-seen key, and the one after deleteAll, reached the store.
	if n := counting.gets.Load(); n != 3 {
		t.Fatalf("store reads: %d, want 3", n)
	}
	// What the cache answered is what the store holds.
	if got, err := e.store.DOGet(context.Background(), ns, id, []string{"a", "b", "n"}); err != nil || len(got) != 0 {
		t.Fatalf("store after deleteAll: %v %v", got, err)
	}
}

func TestStorageCacheStartsOverPastItsBound(t *testing.T) {
	var c storageCache
	big := strings.Repeat("v", storageCacheBytes/2)
	c.set("a", &big)
	c.set("a", &big) // replacing a key does not count it twice
	if _, known := c.get("a"); !known || c.bytes != len("a")+len(big) {
		t.Fatalf("bytes %d after replacing a", c.bytes)
	}
	c.set("b", &big)
	c.set("c", &big) // past the bound: only c remains
	if _, known := c.get("a"); known {
		t.Fatal("a survived the cache starting over")
	}
	if v, known := c.get("c"); !known || *v != big || c.bytes != len("c")+len(big) {
		t.Fatalf("c known=%v bytes=%d", known, c.bytes)
	}
	c.drop("c")
	if c.bytes != 0 {
		t.Fatalf("bytes %d after dropping everything", c.bytes)
	}
}
