package models

import "time"

// KVNamespace is a key-value store that environments bind by its name (wrangler.toml's `id`).
type KVNamespace struct {
	ID        uint      `gorm:"primaryKey" json:"-"`
	Name      string    `gorm:"uniqueIndex;not null" json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// KVEntry is one key of a namespace. Expiration is a Unix time in seconds, 0 for never.
type KVEntry struct {
	NamespaceID uint   `gorm:"primaryKey;autoIncrement:false"`
	Key         string `gorm:"primaryKey"`
	Value       []byte `gorm:"not null"`
	Metadata    string `gorm:"not null"` // JSON text, or empty
	Expiration  int64  `gorm:"index;not null"`
}

// Cloudflare's KV limits.
const (
	MaxKVKeyBytes      = 512
	MaxKVValueBytes    = 25 << 20
	MaxKVMetadataBytes = 1024
	MinKVExpirationTTL = 60
	MaxKVListLimit     = 1000
	MaxKVBulkGet       = 100
)

// KVKey is a key as list() returns it.
type KVKey struct {
	Name       string `json:"name"`
	Expiration int64  `json:"expiration,omitempty"`
	Metadata   string `json:"-"` // JSON text, or empty
}

// KVListResult is one page of list().
type KVListResult struct {
	Keys         []KVKey `json:"keys"`
	ListComplete bool    `json:"list_complete"`
	Cursor       string  `json:"cursor,omitempty"`
}
