package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// usersAndSessions adds dashboard users and their browser sessions.
var usersAndSessions = &gormigrate.Migration{
	ID: "0002_users_sessions",
	Migrate: func(tx *gorm.DB) error {
		type User struct {
			ID           uint   `gorm:"primaryKey"`
			Name         string `gorm:"uniqueIndex;not null"`
			PasswordHash string `gorm:"not null"`
			CreatedAt    time.Time
		}
		type Session struct {
			ID         uint      `gorm:"primaryKey"`
			Hash       string    `gorm:"uniqueIndex;not null"`
			UserID     uint      `gorm:"index;not null"`
			User       User      `gorm:"constraint:OnDelete:CASCADE"`
			CreatedAt  time.Time `gorm:"not null"`
			ExpiresAt  time.Time `gorm:"index;not null"`
			LastSeenAt time.Time `gorm:"not null"`
		}
		return tx.AutoMigrate(&User{}, &Session{})
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable("sessions", "users")
	},
}
