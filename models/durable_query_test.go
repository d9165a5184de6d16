package models_test

import (
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
)

// One DOWrite is one commit: puts and deletes land together, however many, and a write that fails
// part-way leaves the storage as it was.
func TestDurableWriteIsAtomic(t *testing.T) {
	st, db := openStoreAt(t, filepath.Join(t.TempDir(), "weft.db"))
	const ns, id = "svc/production/C", "obj"
	keys := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("k%03d", i)
		}
		return out
	}
	puts := map[string]string{}
	for _, k := range keys(300) {
		puts[k] = "v" + k
	}
	if err := st.DOWrite(ctx, ns, id, puts, nil); err != nil {
		t.Fatal(err)
	}
	// Delete 199 keys and rewrite another in the same commit.
	if err := st.DOWrite(ctx, ns, id, map[string]string{"k000": "again"}, keys(200)[1:]); err != nil {
		t.Fatal(err)
	}
	got, err := st.DOGet(ctx, ns, id, keys(300))
	if err != nil || len(got) != 101 || got["k000"] != "again" || got["k250"] != "vk250" {
		t.Fatalf("after the second write: %d keys, k000=%q, k250=%q, %v", len(got), got["k000"], got["k250"], err)
	}
	// A write refused after its deletes and first rows ran changes nothing.
	if err := db.Exec(`CREATE TRIGGER poison BEFORE INSERT ON do_entries WHEN NEW.key = 'poison'
		BEGIN SELECT RAISE(ABORT, 'poisoned value'); END`).Error; err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{"poison": "x"}
	for _, k := range keys(300) {
		bad[k] = "changed"
	}
	if err := st.DOWrite(ctx, ns, id, bad, []string{"k250"}); err == nil {
		t.Fatal("the poisoned write succeeded")
	}
	after, err := st.DOGet(ctx, ns, id, keys(300))
	if err != nil || len(after) != 101 || after["k000"] != "again" || after["k250"] != "vk250" {
		t.Fatalf("a failed write changed the storage: %d keys, k000=%q, k250=%q, %v", len(after), after["k000"], after["k250"], err)
	}
}

// BenchmarkDOWriteOne is a Durable Object's usual commit: one key written, as a counter does.
func BenchmarkDOWriteOne(b *testing.B) {
	st, _ := openStoreAt(b, filepath.Join(b.TempDir(), "weft.db"))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if err := st.DOWrite(ctx, "svc/production/Counter", "obj", map[string]string{"n": strconv.Itoa(i)}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
