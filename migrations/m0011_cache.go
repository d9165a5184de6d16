package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// cacheEntries adds the Cache API's stored responses.
var cacheEntries = &gormigrate.Migration{
	ID: "0011_cache_entries",
	Migrate: func(tx *gorm.DB) error {
		type CacheEntry struct {
			Namespace string `gorm:"primaryKey"`
			Key       string `gorm:"primaryKey"`
			Status    int    `gorm:"not null"`
			Headers   string `gorm:"type:text;not null"`
			Body      []byte `gorm:"not null"`
			Expires   int64  `gorm:"index;not null"`
		}
		return tx.AutoMigrate(&CacheEntry{})
	},
	Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("cache_entries") },
}
