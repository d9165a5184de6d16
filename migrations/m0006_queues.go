package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// queues adds queues and their persisted messages.
var queues = &gormigrate.Migration{
	ID: "0006_queues",
	Migrate: func(tx *gorm.DB) error {
		type Queue struct {
			ID        uint   `gorm:"primaryKey"`
			Name      string `gorm:"uniqueIndex;not null"`
			CreatedAt time.Time
		}
		type QueueMessage struct {
			ID          uint   `gorm:"primaryKey"`
			QueueID     uint   `gorm:"index:idx_queue_visible;not null"`
			Queue       Queue  `gorm:"constraint:OnDelete:CASCADE"`
			Body        string `gorm:"not null"`
			ContentType string `gorm:"not null"`
			Attempts    int    `gorm:"not null"`
			VisibleAt   int64  `gorm:"index:idx_queue_visible;not null"`
			CreatedAt   time.Time
		}
		return tx.AutoMigrate(&Queue{}, &QueueMessage{})
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable("queue_messages", "queues")
	},
}
