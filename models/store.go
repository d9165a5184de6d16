package models

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Store holds Weft's state. Every mutation runs in one transaction, writes an audit event, and
// calls the change hook after commit so the gateway can swap its routing snapshot.
type Store struct {
	db       *gorm.DB
	sql      *sql.DB // db's, for the prepared hot statements
	hot      *hotStatements
	aead     cipher.AEAD
	onChange func()
	kv       kvIDs // namespace ids by name
	kvReads  *kvCache
	blobDir  string // R2 object bodies
}

// NewStore wraps a migrated database. secretKey (32 bytes) encrypts secret values with AES-256-GCM.
func NewStore(db *gorm.DB, secretKey []byte) (*Store, error) {
	if len(secretKey) != 32 {
		return nil, fmt.Errorf("models: secret key must be 32 bytes, got %d", len(secretKey))
	}
	block, err := aes.NewCipher(secretKey)
	if err != nil {
		return nil, fmt.Errorf("models: secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("models: secret key: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("models: open store: %w", err)
	}
	hot, err := prepareHot(sqlDB)
	if err != nil {
		return nil, err
	}
	return &Store{db: db, sql: sqlDB, hot: hot, aead: aead, kvReads: newKVCache()}, nil
}

// OnChange registers f to run after every committed change to routing-relevant state.
func (s *Store) OnChange(f func()) { s.onChange = f }

// Close closes the database.
func (s *Store) Close() error {
	s.hot.close()
	return s.sql.Close()
}

// write runs fn in a transaction and, if it commits, notifies the change hook.
func (s *Store) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if err := s.db.WithContext(ctx).Transaction(fn); err != nil {
		return err
	}
	if s.onChange != nil {
		s.onChange()
	}
	return nil
}

func (s *Store) read(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// audit records one event inside the caller's transaction.
func audit(tx *gorm.DB, a Actor, action, service, env, resource, before, after string) error {
	ev := AuditEvent{Actor: a.Name, Source: a.Source, Action: action, Service: service, Environment: env,
		Resource: resource, Before: before, After: after, CreatedAt: time.Now().UTC()}
	if err := tx.Create(&ev).Error; err != nil {
		return fmt.Errorf("models: audit %s: %w", action, err)
	}
	return nil
}

// notFound turns gorm's not-found into a domain error that names what was missing.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Errorf(ENOTFOUND, format, args...)
	}
	return fmt.Errorf("models: "+format+": %w", append(args, err)...)
}
