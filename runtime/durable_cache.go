package runtime

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
	if c.vals == nil {
		c.vals = map[string]*string{}
	}
	size := len(key)
	if value != nil {
		size += len(*value)
	}
	if c.bytes+size > storageCacheBytes {
		c.reset()
		c.vals = map[string]*string{}
	}
	c.drop(key)
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
