package models

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"sync"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// kvNameRe accepts Cloudflare's 32-hex namespace ids and readable names alike.
var kvNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`)

func validateKVName(name string) error {
	if !kvNameRe.MatchString(name) {
		return Errorf(EINVALID, "invalid KV namespace %q: use 1-128 letters, digits, '_', '.' and '-', starting with a letter or digit", name)
	}
	return nil
}

// kvIDs caches namespace ids by name: KV calls are on the request path.
type kvIDs struct {
	mu  sync.RWMutex
	ids map[string]uint
}

func (s *Store) kvID(ctx context.Context, name string) (uint, error) {
	s.kv.mu.RLock()
	id, ok := s.kv.ids[name]
	s.kv.mu.RUnlock()
	if ok {
		return id, nil
	}
	var ns KVNamespace
	if err := s.read(ctx).Where("name = ?", name).First(&ns).Error; err != nil {
		return 0, notFound(err, "KV namespace %q not found", name)
	}
	s.kv.mu.Lock()
	if s.kv.ids == nil {
		s.kv.ids = map[string]uint{}
	}
	s.kv.ids[name] = ns.ID
	s.kv.mu.Unlock()
	return ns.ID, nil
}

// CreateKVNamespace creates a namespace.
func (s *Store) CreateKVNamespace(ctx context.Context, a Actor, name string) (*KVNamespace, error) {
	if err := validateKVName(name); err != nil {
		return nil, err
	}
	ns := &KVNamespace{Name: name}
	err := s.write(ctx, func(tx *gorm.DB) error {
		var n int64
		tx.Model(&KVNamespace{}).Where("name = ?", name).Count(&n)
		if n > 0 {
			return Errorf(ECONFLICT, "KV namespace %q already exists", name)
		}
		if err := tx.Create(ns).Error; err != nil {
			return fmt.Errorf("models: create KV namespace: %w", err)
		}
		return audit(tx, a, "kv.namespace.create", "", "", "kv namespace "+name, "", "created")
	})
	return ns, err
}

// ensureKVNamespaces creates the namespaces that bindings name and that do not exist yet, inside a deploy.
func ensureKVNamespaces(tx *gorm.DB, a Actor, bindings []Binding) error {
	for _, b := range bindings {
		if b.Type != BindingKV {
			continue
		}
		if err := validateKVName(b.NamespaceID); err != nil {
			return Errorf(EINVALID, "KV binding %s: %s", b.Name, ErrorMessage(err))
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&KVNamespace{Name: b.NamespaceID})
		if res.Error != nil {
			return fmt.Errorf("models: create KV namespace: %w", res.Error)
		}
		if res.RowsAffected > 0 {
			if err := audit(tx, a, "kv.namespace.create", "", "", "kv namespace "+b.NamespaceID, "", "created for binding "+b.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// KVNamespaceInfo is a namespace with its size.
type KVNamespaceInfo struct {
	KVNamespace
	Keys int64 `json:"keys"`
}

// ListKVNamespaces returns every namespace with its live key count.
func (s *Store) ListKVNamespaces(ctx context.Context) ([]KVNamespaceInfo, error) {
	out := []KVNamespaceInfo{}
	err := s.read(ctx).Table("kv_namespaces").
		Select("kv_namespaces.*, (SELECT COUNT(*) FROM kv_entries e WHERE e.namespace_id = kv_namespaces.id AND (e.expiration = 0 OR e.expiration > ?)) AS keys", time.Now().Unix()).
		Order("name").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: list KV namespaces: %w", err)
	}
	return out, nil
}

// DeleteKVNamespace deletes a namespace and its keys, unless a live version binds it.
func (s *Store) DeleteKVNamespace(ctx context.Context, a Actor, name string) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		var ns KVNamespace
		if err := tx.Where("name = ?", name).First(&ns).Error; err != nil {
			return notFound(err, "KV namespace %q not found", name)
		}
		live, err := allLive(tx)
		if err != nil {
			return err
		}
		for _, le := range live {
			for _, sp := range le.Splits {
				for _, b := range sp.Version.Settings.Bindings {
					if b.Type == BindingKV && b.NamespaceID == name {
						return Errorf(ECONFLICT, "KV namespace %q is bound as %s by %s/%s (v%d); remove the binding first", name, b.Name, le.Service, le.Environment, sp.Version.Number)
					}
				}
			}
		}
		if err := tx.Where("namespace_id = ?", ns.ID).Delete(&KVEntry{}).Error; err != nil {
			return err
		}
		if err := tx.Delete(&ns).Error; err != nil {
			return err
		}
		return audit(tx, a, "kv.namespace.delete", "", "", "kv namespace "+name, "", "deleted")
	})
	if err == nil {
		s.kv.mu.Lock()
		delete(s.kv.ids, name)
		s.kv.mu.Unlock()
		s.kvReads.reset()
	}
	return err
}

func validateKVKey(key string) error {
	switch {
	case key == "":
		return Errorf(EINVALID, "KV key must not be empty")
	case len(key) > MaxKVKeyBytes:
		return Errorf(EINVALID, "KV key is %d bytes; keys are at most %d bytes", len(key), MaxKVKeyBytes)
	case key == "." || key == "..":
		return Errorf(EINVALID, "KV key must not be %q", key)
	case !utf8.ValidString(key):
		return Errorf(EINVALID, "KV key must be valid UTF-8")
	}
	return nil
}

// KVGet returns a key's value and metadata; found is false for a missing or expired key.
func (s *Store) KVGet(ctx context.Context, namespace, key string) (value []byte, metadata string, found bool, err error) {
	id, err := s.kvID(ctx, namespace)
	if err != nil {
		return nil, "", false, err
	}
	if c, ok := s.kvReads.get(id, key); ok {
		return c.value, c.metadata, c.found, nil
	}
	gen := s.kvReads.gen.Load()
	var e KVEntry
	res := s.read(ctx).Where("namespace_id = ? AND key = ?", id, key).Limit(1).Find(&e)
	if res.Error != nil {
		return nil, "", false, fmt.Errorf("models: KV get: %w", res.Error)
	}
	found = res.RowsAffected > 0
	s.kvReads.fill(gen, id, key, kvCached{value: e.Value, metadata: e.Metadata, expiration: e.Expiration, found: found})
	if !found || (e.Expiration != 0 && e.Expiration <= time.Now().Unix()) {
		return nil, "", false, nil
	}
	return e.Value, e.Metadata, true, nil
}

// KVPut stores a value; expiration is a Unix time in seconds (0 for never).
func (s *Store) KVPut(ctx context.Context, namespace, key string, value []byte, metadata string, expiration int64) error {
	if err := validateKVKey(key); err != nil {
		return err
	}
	if len(value) > MaxKVValueBytes {
		return Errorf(ETOOLARGE, "KV value is %d bytes; values are at most %d bytes", len(value), MaxKVValueBytes)
	}
	if len(metadata) > MaxKVMetadataBytes {
		return Errorf(EINVALID, "KV metadata is %d bytes serialised; metadata is at most %d bytes", len(metadata), MaxKVMetadataBytes)
	}
	id, err := s.kvID(ctx, namespace)
	if err != nil {
		return err
	}
	if value == nil {
		value = []byte{}
	}
	defer s.kvReads.forget(id, key) // after the write, so a read in between cannot cache the old row
	if _, err := s.hot.kvPut.ExecContext(ctx, id, key, value, metadata, expiration); err != nil {
		return fmt.Errorf("models: KV put: %w", err)
	}
	return nil
}

// KVDelete removes a key; a missing key is not an error.
func (s *Store) KVDelete(ctx context.Context, namespace, key string) error {
	id, err := s.kvID(ctx, namespace)
	if err != nil {
		return err
	}
	defer s.kvReads.forget(id, key)
	if err := s.read(ctx).Where("namespace_id = ? AND key = ?", id, key).Delete(&KVEntry{}).Error; err != nil {
		return fmt.Errorf("models: KV delete: %w", err)
	}
	return nil
}

// KVList returns keys in order, from after the cursor, at most limit (1-1000, default 1000).
func (s *Store) KVList(ctx context.Context, namespace, prefix string, limit int, cursor string) (*KVListResult, error) {
	if limit == 0 {
		limit = MaxKVListLimit
	}
	if limit < 1 || limit > MaxKVListLimit {
		return nil, Errorf(EINVALID, "KV list limit must be between 1 and %d", MaxKVListLimit)
	}
	after := ""
	if cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(cursor)
		if err != nil {
			return nil, Errorf(EINVALID, "invalid KV list cursor")
		}
		after = string(b)
	}
	id, err := s.kvID(ctx, namespace)
	if err != nil {
		return nil, err
	}
	q := s.read(ctx).Model(&KVEntry{}).Select("key, expiration, metadata").
		Where("namespace_id = ? AND (expiration = 0 OR expiration > ?)", id, time.Now().Unix())
	if prefix != "" {
		// A range, not LIKE: keys may contain % and _, and the range uses the primary key index.
		q = q.Where("key >= ? AND key < ?", prefix, prefix+"\U0010FFFF")
	}
	if after != "" {
		q = q.Where("key > ?", after)
	}
	var rows []KVEntry
	if err := q.Order("key").Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: KV list: %w", err)
	}
	out := &KVListResult{Keys: []KVKey{}, ListComplete: len(rows) <= limit}
	if !out.ListComplete {
		rows = rows[:limit]
		out.Cursor = base64.RawURLEncoding.EncodeToString([]byte(rows[len(rows)-1].Key))
	}
	for _, r := range rows {
		out.Keys = append(out.Keys, KVKey{Name: r.Key, Expiration: r.Expiration, Metadata: r.Metadata})
	}
	return out, nil
}

// PurgeExpiredKV deletes expired keys; reads never return them, this reclaims their space.
func (s *Store) PurgeExpiredKV(ctx context.Context) (int64, error) {
	res := s.read(ctx).Where("expiration <> 0 AND expiration <= ?", time.Now().Unix()).Delete(&KVEntry{})
	return res.RowsAffected, res.Error
}
