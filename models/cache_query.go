package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// CacheGet returns a fresh entry, or nil.
func (s *Store) CacheGet(ctx context.Context, ns, key string) (*CacheEntry, error) {
	var e CacheEntry
	res := s.read(ctx).Where("namespace = ? AND key = ? AND expires > ?", ns, key, time.Now().UnixMilli()).Limit(1).Find(&e)
	if res.Error != nil {
		return nil, fmt.Errorf("models: cache get: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, nil
	}
	return &e, nil
}

// CachePut stores an entry, replacing any for the same key.
func (s *Store) CachePut(ctx context.Context, e *CacheEntry) error {
	if len(e.Body) > MaxCacheEntryBytes {
		return Errorf(ETOOLARGE, "cached responses are at most %d bytes", MaxCacheEntryBytes)
	}
	if err := s.read(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(e).Error; err != nil {
		return fmt.Errorf("models: cache put: %w", err)
	}
	return nil
}

// CacheDelete removes an entry and reports whether a fresh one was there.
func (s *Store) CacheDelete(ctx context.Context, ns, key string) (bool, error) {
	res := s.read(ctx).Where("namespace = ? AND key = ? AND expires > ?", ns, key, time.Now().UnixMilli()).Delete(&CacheEntry{})
	if res.Error != nil {
		return false, fmt.Errorf("models: cache delete: %w", res.Error)
	}
	return res.RowsAffected > 0, nil
}

// PurgeExpiredCache deletes stale entries.
func (s *Store) PurgeExpiredCache(ctx context.Context) (int64, error) {
	res := s.read(ctx).Where("expires <= ?", time.Now().UnixMilli()).Delete(&CacheEntry{})
	return res.RowsAffected, res.Error
}
