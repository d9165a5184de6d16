package models

// CacheEntry is a response stored with the Cache API, per environment and cache name.
type CacheEntry struct {
	Namespace string `gorm:"primaryKey"` // "<service>/<env>/<cache name>"
	Key       string `gorm:"primaryKey"` // the request URL
	Status    int    `gorm:"not null"`
	Headers   string `gorm:"type:text;not null"` // JSON [[name, value]]
	Body      []byte `gorm:"not null"`
	Expires   int64  `gorm:"index;not null"` // Unix ms
}

// MaxCacheEntryBytes bounds one cached response body, as Cloudflare's 512 MB is far beyond this store.
const MaxCacheEntryBytes = 32 << 20
