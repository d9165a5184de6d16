package models

import "time"

// CronRun is one run of an environment's scheduled() handler.
type CronRun struct {
	ID            uint      `gorm:"primaryKey" json:"id"`
	EnvironmentID uint      `gorm:"index;not null" json:"-"`
	Cron          string    `gorm:"not null" json:"cron"`
	Trigger       string    `gorm:"not null" json:"trigger"` // "schedule" or "manual"
	Version       int       `gorm:"not null" json:"version"`
	ScheduledAt   time.Time `gorm:"not null" json:"scheduled_at"`
	StartedAt     time.Time `gorm:"index;not null" json:"started_at"`
	DurationMs    float64   `gorm:"not null" json:"duration_ms"`
	Outcome       string    `gorm:"not null" json:"outcome"` // "ok" or "exception"
	Error         string    `gorm:"not null" json:"error,omitempty"`
	Logs          string    `gorm:"type:text;not null" json:"logs"`
}

// maxCronRunsPerEnv is how many runs an environment's history keeps.
const maxCronRunsPerEnv = 200
