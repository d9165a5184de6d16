package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// durableObjects adds Durable Object storage and alarms.
var durableObjects = &gormigrate.Migration{
	ID: "0005_durable_objects",
	Migrate: func(tx *gorm.DB) error {
		type DOEntry struct {
			Namespace string `gorm:"primaryKey"`
			ObjectID  string `gorm:"primaryKey"`
			Key       string `gorm:"primaryKey"`
			Value     string `gorm:"not null"`
		}
		type DOAlarm struct {
			Namespace string `gorm:"primaryKey"`
			ObjectID  string `gorm:"primaryKey"`
			Time      int64  `gorm:"index;not null"`
			Attempts  int    `gorm:"not null"`
		}
		return tx.AutoMigrate(&DOEntry{}, &DOAlarm{})
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable("do_entries", "do_alarms")
	},
}
