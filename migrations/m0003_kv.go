package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// kvNamespaces adds KV namespaces and their entries.
var kvNamespaces = &gormigrate.Migration{
	ID: "0003_kv",
	Migrate: func(tx *gorm.DB) error {
		type KVNamespace struct {
			ID        uint   `gorm:"primaryKey"`
			Name      string `gorm:"uniqueIndex;not null"`
			CreatedAt time.Time
		}
		type KVEntry struct {
			NamespaceID uint        `gorm:"primaryKey;autoIncrement:false"`
			Namespace   KVNamespace `gorm:"constraint:OnDelete:CASCADE"`
			Key         string      `gorm:"primaryKey"`
			Value       []byte      `gorm:"not null"`
			Metadata    string      `gorm:"not null"`
			Expiration  int64       `gorm:"index;not null"`
		}
		return tx.AutoMigrate(&KVNamespace{}, &KVEntry{})
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable("kv_entries", "kv_namespaces")
	},
}
