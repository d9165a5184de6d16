package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// r2Buckets adds R2 buckets and object metadata (bodies live on disk).
var r2Buckets = &gormigrate.Migration{
	ID: "0008_r2",
	Migrate: func(tx *gorm.DB) error {
		type R2Bucket struct {
			ID        uint   `gorm:"primaryKey"`
			Name      string `gorm:"uniqueIndex;not null"`
			CreatedAt time.Time
		}
		type R2Object struct {
			BucketID       uint      `gorm:"primaryKey;autoIncrement:false"`
			Bucket         R2Bucket  `gorm:"constraint:OnDelete:CASCADE"`
			Key            string    `gorm:"primaryKey"`
			Size           int64     `gorm:"not null"`
			ETag           string    `gorm:"not null"`
			SHA256         string    `gorm:"not null"`
			Version        string    `gorm:"not null"`
			Uploaded       time.Time `gorm:"not null"`
			HTTPMetadata   string    `gorm:"type:text;not null"`
			CustomMetadata string    `gorm:"type:text;not null"`
			Blob           string    `gorm:"not null"`
		}
		return tx.AutoMigrate(&R2Bucket{}, &R2Object{})
	},
	Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("r2_objects", "r2_buckets") },
}
