package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// tokenPrefix marks Weft API tokens so they are recognisable in config files and secret scanners.
const tokenPrefix = "weft_"

// NewTokenValue returns a fresh random API token.
func NewTokenValue() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("models: token: %w", err)
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

func hashToken(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])
}

func displayPrefix(value string) string {
	if len(value) > 12 {
		return value[:12]
	}
	return value
}

// EnsureToken stores value as a token named name unless a token with that value already exists.
func (s *Store) EnsureToken(ctx context.Context, name, value string) error {
	t := APIToken{Name: name, Hash: hashToken(value), Prefix: displayPrefix(value)}
	err := s.read(ctx).Where("hash = ?", t.Hash).FirstOrCreate(&t).Error
	if err != nil {
		return fmt.Errorf("models: store token: %w", err)
	}
	return nil
}

// CreateToken creates a named token and returns its value, which is shown once and never stored.
func (s *Store) CreateToken(ctx context.Context, a Actor, name string) (string, *APIToken, error) {
	if name == "" || len(name) > 100 {
		return "", nil, Errorf(EINVALID, "token name must be 1-100 characters")
	}
	value, err := NewTokenValue()
	if err != nil {
		return "", nil, err
	}
	t := &APIToken{Name: name, Hash: hashToken(value), Prefix: displayPrefix(value)}
	err = s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(t).Error; err != nil {
			return fmt.Errorf("models: create token: %w", err)
		}
		return audit(tx, a, "token.create", "", "", "token "+name, "", "created "+t.Prefix+"…")
	})
	return value, t, err
}

// Authenticate returns the token with this value, or an EUNAUTHORIZED error.
func (s *Store) Authenticate(ctx context.Context, value string) (*APIToken, error) {
	var ts []APIToken
	if err := s.read(ctx).Where("hash = ?", hashToken(value)).Limit(1).Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("models: authenticate: %w", err)
	}
	if len(ts) == 0 {
		return nil, Errorf(EUNAUTHORIZED, "invalid API token")
	}
	now := time.Now().UTC()
	if ts[0].LastUsedAt == nil || now.Sub(*ts[0].LastUsedAt) > time.Minute {
		s.read(ctx).Model(&ts[0]).Update("last_used_at", now)
	}
	return &ts[0], nil
}

// ListTokens returns all tokens (never their values).
func (s *Store) ListTokens(ctx context.Context) ([]APIToken, error) {
	out := []APIToken{}
	if err := s.read(ctx).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken deletes a token.
func (s *Store) RevokeToken(ctx context.Context, a Actor, id uint) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var t APIToken
		if err := tx.First(&t, id).Error; err != nil {
			return notFound(err, "token %d not found", id)
		}
		if err := tx.Delete(&t).Error; err != nil {
			return fmt.Errorf("models: revoke token: %w", err)
		}
		return audit(tx, a, "token.revoke", "", "", "token "+t.Name, t.Prefix+"…", "revoked")
	})
}
