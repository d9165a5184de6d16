package models

import "time"

// User is a person who signs in to the dashboard.
type User struct {
	ID           uint      `gorm:"primaryKey" json:"id"`
	Name         string    `gorm:"uniqueIndex;not null" json:"name"`
	PasswordHash string    `gorm:"not null" json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

// Session is a signed-in browser; only the hash of its cookie value is stored.
type Session struct {
	ID         uint      `gorm:"primaryKey"`
	Hash       string    `gorm:"uniqueIndex;not null"`
	UserID     uint      `gorm:"index;not null"`
	User       User      `gorm:"constraint:OnDelete:CASCADE"`
	CreatedAt  time.Time `gorm:"not null"`
	ExpiresAt  time.Time `gorm:"index;not null"`
	LastSeenAt time.Time `gorm:"not null"`
}

// SessionLifetime is how long a session lasts without use.
const SessionLifetime = 7 * 24 * time.Hour

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10
