package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// r2Multipart adds multipart uploads and their parts.
var r2Multipart = &gormigrate.Migration{
	ID: "0010_r2_multipart",
	Migrate: func(tx *gorm.DB) error {
		type R2Upload struct {
			ID        string    `gorm:"primaryKey"`
			BucketID  uint      `gorm:"index;not null"`
			Key       string    `gorm:"not null"`
			Options   string    `gorm:"type:text;not null"`
			CreatedAt time.Time `gorm:"not null"`
		}
		type R2UploadPart struct {
			UploadID   string `gorm:"primaryKey"`
			PartNumber int    `gorm:"primaryKey;autoIncrement:false"`
			ETag       string `gorm:"not null"`
			Size       int64  `gorm:"not null"`
			Blob       string `gorm:"not null"`
		}
		return tx.AutoMigrate(&R2Upload{}, &R2UploadPart{})
	},
	Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("r2_upload_parts", "r2_uploads") },
}
