package models_test

import (
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"
)

// The read cache never serves a value a write has replaced, nor a key a delete removed.
func TestKVReadCacheFollowsWrites(t *testing.T) {
	st, _ := openStore(t)
	if _, err := st.CreateKVNamespace(ctx, cli, "cache"); err != nil {
		t.Fatal(err)
	}
	check := func(want string, wantFound bool) {
		t.Helper()
		v, _, found, err := st.KVGet(ctx, "cache", "k")
		if err != nil || found != wantFound || string(v) != want {
			t.Fatalf("got %q %v %v, want %q %v", v, found, err, want, wantFound)
		}
	}
	check("", false) // a miss is cached too
	st.KVPut(ctx, "cache", "k", []byte("one"), "", 0)
	check("one", true)
	check("one", true)
	st.KVPut(ctx, "cache", "k", []byte("two"), "", 0)
	check("two", true)
	st.KVDelete(ctx, "cache", "k")
	check("", false)
	st.KVPut(ctx, "cache", "k", []byte("soon gone"), "", time.Now().Add(1100*time.Millisecond).Unix())
	check("soon gone", true)
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, _, found, _ := st.KVGet(ctx, "cache", "k"); !found {
			break // expiry is honoured from the cache, without a write
		}
		if time.Now().After(deadline) {
			t.Fatal("an expired key is still served")
		}
	}
}

// Readers racing with a writer may see old values while it runs, but once it stops every reader sees
// its last write: no stale row is left in the cache.
func TestKVReadCacheUnderConcurrentWrites(t *testing.T) {
	st, _ := openStore(t)
	if _, err := st.CreateKVNamespace(ctx, cli, "race"); err != nil {
		t.Fatal(err)
	}
	const writes = 300
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					st.KVGet(ctx, "race", fmt.Sprint("k", r%2))
				}
			}
		}()
	}
	for i := 1; i <= writes; i++ {
		for k := 0; k < 2; k++ {
			if err := st.KVPut(ctx, "race", fmt.Sprint("k", k), []byte(strconv.Itoa(i)), "", 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(stop)
	wg.Wait()
	for k := 0; k < 2; k++ {
		if v, _, _, _ := st.KVGet(ctx, "race", fmt.Sprint("k", k)); string(v) != strconv.Itoa(writes) {
			t.Fatalf("k%d reads %q after the last write of %d", k, v, writes)
		}
	}
}
