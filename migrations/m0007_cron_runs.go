package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// cronRuns adds the history of scheduled() runs.
var cronRuns = &gormigrate.Migration{
	ID: "0007_cron_runs",
	Migrate: func(tx *gorm.DB) error {
		type CronRun struct {
			ID            uint      `gorm:"primaryKey"`
			EnvironmentID uint      `gorm:"index;not null"`
			Cron          string    `gorm:"not null"`
			Trigger       string    `gorm:"not null"`
			Version       int       `gorm:"not null"`
			ScheduledAt   time.Time `gorm:"not null"`
			StartedAt     time.Time `gorm:"index;not null"`
			DurationMs    float64   `gorm:"not null"`
			Outcome       string    `gorm:"not null"`
			Error         string    `gorm:"not null"`
			Logs          string    `gorm:"type:text;not null"`
		}
		return tx.AutoMigrate(&CronRun{})
	},
	Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("cron_runs") },
}
