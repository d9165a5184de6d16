package runtime

import (
	"fmt"

	"github.com/weft-dev/weft/models"
)

// storageNatives are state.storage's operations on the object this runtime hosts.
func (n *natives) storageNatives(set func(string, any)) {
	self := func() (DurableStore, *durableObject) {
		o, store := n.in.object, n.in.w.engine.cfg.Durable
		if o == nil {
			n.throw("state.storage is only available inside a Durable Object")
		}
		if store == nil {
			n.throw("Durable Object storage is not configured")
		}
		return store, o
	}
	check := func(err error) {
		if err != nil {
			n.in.w.engine.log(&n.in.w.spec, "error", "Durable Object storage: "+err.Error())
			n.throw("Durable Object storage operation failed: " + models.ErrorMessage(err))
		}
	}
	cache := &n.storage
	// known is key's value from the cache or the writes not yet committed, which the store lacks.
	known := func(o *durableObject, key string) (*string, bool) {
		if v, ok := cache.get(key); ok {
			return v, true
		}
		return o.writes.lookup(key)
	}
	// read is keys' values, asking the store only for those nothing else knows.
	read := func(store DurableStore, o *durableObject, keys []string) map[string]string {
		out := make(map[string]string, len(keys))
		var missing []string
		for _, k := range keys {
			if v, ok := known(o, k); !ok {
				missing = append(missing, k)
			} else if v != nil {
				out[k] = *v
			}
		}
		if len(missing) == 0 {
			return out
		}
		got, err := store.DOGet(n.storeCtx(), o.ns, o.id, missing)
		check(err)
		for _, k := range missing {
			if v, ok := got[k]; ok {
				out[k] = v
				cache.set(k, &v)
			} else {
				cache.set(k, nil)
			}
		}
		return out
	}
	set("doGet", func(keys []string) map[string]string {
		store, o := self()
		return read(store, o, keys)
	})
	// Writes take effect here at once and reach the store when the event ends (durable_writes.go).
	set("doPut", func(entries map[string]string) {
		_, o := self()
		for k, v := range entries {
			if len(k) > 2048 {
				n.throw("Keys cannot be larger than 2048 bytes.")
			}
			if len(v) > 128<<10 {
				n.throw(fmt.Sprintf("Values cannot be larger than 131072 bytes. A value of size %d was provided.", len(v)))
			}
		}
		for k, v := range entries {
			o.writes.write(k, &v)
			cache.set(k, &v)
		}
	})
	set("doDelete", func(keys []string) int {
		store, o := self()
		existed := read(store, o, keys)
		for _, k := range keys {
			o.writes.write(k, nil)
			cache.set(k, nil)
		}
		return len(existed)
	})
	set("doList", func(opts map[string]any) [][2]string {
		store, o := self()
		str := func(k string) string { s, _ := opts[k].(string); return s }
		lo := models.DOListOptions{Start: str("start"), StartAfter: str("startAfter"), End: str("end"), Prefix: str("prefix")}
		lo.Reverse, _ = opts["reverse"].(bool)
		switch l := opts["limit"].(type) {
		case int64:
			lo.Limit = int(l)
		case float64:
			lo.Limit = int(l)
		}
		check(o.writes.flush(n.in.w.engine, o)) // the store answers a list: it must hold every write
		rows, err := store.DOList(n.storeCtx(), o.ns, o.id, lo)
		check(err)
		return rows
	})
	set("doDeleteAll", func() {
		store, o := self()
		check(o.writes.flush(n.in.w.engine, o)) // no commit under way may write after the delete
		cache.reset()
		check(store.DODeleteAll(n.storeCtx(), o.ns, o.id))
		n.in.w.engine.cancelAlarm(o.ns, o.id)
	})
	set("doGetAlarm", func() int64 {
		store, o := self()
		t, err := store.DOGetAlarm(n.storeCtx(), o.ns, o.id)
		check(err)
		return t
	})
	set("doSetAlarm", func(ms int64) {
		store, o := self()
		check(store.DOSetAlarm(n.storeCtx(), o.ns, o.id, ms, 0))
		if ms == 0 {
			n.in.w.engine.cancelAlarm(o.ns, o.id)
		} else {
			n.in.w.engine.scheduleAlarm(o.ns, o.id, ms)
		}
	})
}

// storageCacheBytes bounds the values one object keeps cached; past it the cache starts over.
const storageCacheBytes = 4 << 20

// storageCache holds the storage values a Durable Object's runtime has read or written. An object
// has exactly one live runtime, and every write to its storage goes through that runtime, so what
// it wrote last is what the store holds: a read after the first costs no query, as with workerd's
// storage cache. The cache lives and dies with the runtime, so a restarted object reads afresh.
type storageCache struct {
	vals  map[string]*string // nil: known to be absent
	bytes int
}

func (c *storageCache) get(key string) (value *string, known bool) {
	value, known = c.vals[key]
	return value, known
}

// set records key's value as the store now holds it (nil: absent).
func (c *storageCache) set(key string, value *string) {
	c.drop(key)
	size := len(key)
	if value != nil {
		size += len(*value)
	}
	if c.bytes+size > storageCacheBytes {
		c.reset()
	}
	if c.vals == nil {
		c.vals = map[string]*string{}
	}
	c.vals[key] = value
	c.bytes += size
}

// drop forgets a key whose stored value is no longer known (a write that failed part-way).
func (c *storageCache) drop(key string) {
	if v, ok := c.vals[key]; ok {
		c.bytes -= len(key)
		if v != nil {
			c.bytes -= len(*v)
		}
		delete(c.vals, key)
	}
}

func (c *storageCache) reset() { c.vals, c.bytes = nil, 0 }
