package models

import (
	"bytes"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

const (
	kvCacheEntries  = 8192
	kvCacheMaxValue = 16 << 10 // larger values are read from SQLite each time: the cache stays under 128 MiB
)

// kvCache keeps recent KV reads in memory, misses included. Every write goes through this Store (one
// process owns the database), so writes invalidate it directly. A read that raced with a write does
// not fill the cache: gen counts writes, and a read caches its row only if no write came in between.
type kvCache struct {
	entries *lru.Cache[kvCacheKey, kvCached]
	gen     atomic.Uint64
	mu      sync.Mutex // makes fill's check-then-add atomic against forget
}

type kvCacheKey struct {
	namespace uint
	key       string
}

type kvCached struct {
	value      []byte
	metadata   string
	expiration int64
	found      bool
}

func newKVCache() *kvCache {
	c, _ := lru.New[kvCacheKey, kvCached](kvCacheEntries)
	return &kvCache{entries: c}
}

// get returns a cached read, its value a copy the caller may keep; ok is false when the key must be
// read from the database.
func (c *kvCache) get(ns uint, key string) (e kvCached, ok bool) {
	e, ok = c.entries.Get(kvCacheKey{ns, key})
	if ok && e.found && e.expiration != 0 && e.expiration <= time.Now().Unix() {
		return kvCached{}, true // expired: as missing, until a write replaces it
	}
	e.value = bytes.Clone(e.value)
	return e, ok
}

// fill caches a read made when the write counter stood at gen.
func (c *kvCache) fill(gen uint64, ns uint, key string, e kvCached) {
	if len(e.value) > kvCacheMaxValue {
		return
	}
	e.value = bytes.Clone(e.value) // the caller keeps the row's own slice
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() == gen {
		c.entries.Add(kvCacheKey{ns, key}, e)
	}
}

// forget invalidates a key after a write.
func (c *kvCache) forget(ns uint, key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen.Add(1)
	c.entries.Remove(kvCacheKey{ns, key})
}

// reset drops everything (a namespace deleted, expired keys purged).
func (c *kvCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen.Add(1)
	c.entries.Purge()
}
