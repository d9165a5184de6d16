package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// doMigrationTags records which Durable Object migrations each environment has applied.
var doMigrationTags = &gormigrate.Migration{
	ID: "0009_do_migration_tags",
	Migrate: func(tx *gorm.DB) error {
		type DOMigrationTag struct {
			EnvironmentID uint   `gorm:"primaryKey;autoIncrement:false"`
			Tag           string `gorm:"primaryKey"`
		}
		return tx.AutoMigrate(&DOMigrationTag{})
	},
	Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("do_migration_tags") },
}
