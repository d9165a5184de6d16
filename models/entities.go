package models

import "time"

// Service is a named unit of code; it always has a production environment.
type Service struct {
	ID           uint          `gorm:"primaryKey" json:"-"`
	Name         string        `gorm:"uniqueIndex;not null" json:"name"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
	Environments []Environment `gorm:"constraint:OnDelete:CASCADE" json:"environments,omitempty"`
}

// Environment is one deployable copy of a service.
type Environment struct {
	ID        uint      `gorm:"primaryKey" json:"-"`
	ServiceID uint      `gorm:"uniqueIndex:idx_env_service_name;not null" json:"-"`
	Name      string    `gorm:"uniqueIndex:idx_env_service_name;not null" json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Draft holds settings (such as secrets put before the first deploy) while the environment has no version.
	Draft Settings `gorm:"not null" json:"-"`
}

// Bundle is compiled code, content-addressed by its hash and shared by every version that runs it.
type Bundle struct {
	Hash      string    `gorm:"primaryKey" json:"hash"`
	Format    string    `gorm:"not null" json:"format"`
	Main      string    `gorm:"not null" json:"main"`
	Code      string    `gorm:"not null" json:"-"`
	SourceMap string    `gorm:"not null" json:"-"`
	Modules   Modules   `gorm:"not null" json:"-"`
	Size      int       `gorm:"not null" json:"size"`
	CreatedAt time.Time `json:"created_at"`
}

// Version is an immutable snapshot of one environment: a bundle plus the settings in force.
type Version struct {
	ID            uint      `gorm:"primaryKey" json:"id"`
	EnvironmentID uint      `gorm:"uniqueIndex:idx_version_env_number;not null" json:"-"`
	Number        int       `gorm:"uniqueIndex:idx_version_env_number;not null" json:"number"`
	CreatedAt     time.Time `json:"created_at"`
	Author        string    `gorm:"not null" json:"author"`
	// Source is where the change came from: dashboard, cli, api, wrangler.
	Source string `gorm:"not null" json:"source"`
	// TriggeredBy is what made it: upload, settings, secret, promotion, rollback, clone.
	TriggeredBy  string   `gorm:"not null" json:"triggered_by"`
	Message      string   `gorm:"not null" json:"message"`
	Tag          string   `gorm:"not null" json:"tag"`
	BundleHash   string   `gorm:"not null;index" json:"bundle_hash"`
	PromotedFrom string   `gorm:"not null" json:"promoted_from"` // "staging@v3", empty unless promoted
	Settings     Settings `gorm:"not null" json:"settings"`
}

// Deployment says which versions serve an environment's traffic; the newest one is live.
type Deployment struct {
	ID            uint      `gorm:"primaryKey" json:"id"`
	EnvironmentID uint      `gorm:"index;not null" json:"-"`
	CreatedAt     time.Time `json:"created_at"`
	Author        string    `gorm:"not null" json:"author"`
	Source        string    `gorm:"not null" json:"source"`
	TriggeredBy   string    `gorm:"not null" json:"triggered_by"`
	Message       string    `gorm:"not null" json:"message"`
	Splits        Splits    `gorm:"not null" json:"versions"`
}

// Split is one version's share of a deployment's traffic.
type Split struct {
	VersionID  uint `json:"version_id"`
	Number     int  `json:"number"`
	Percentage int  `json:"percentage"`
}

// SecretValue is one immutable encrypted secret value; versions refer to it by id.
type SecretValue struct {
	ID            uint   `gorm:"primaryKey"`
	EnvironmentID uint   `gorm:"index;not null"`
	Name          string `gorm:"not null"`
	Ciphertext    []byte `gorm:"not null"`
	CreatedAt     time.Time
}

// Route attaches a host/path pattern ("example.com/*", "example.com/api/*") to an environment.
type Route struct {
	ID            uint      `gorm:"primaryKey" json:"-"`
	Pattern       string    `gorm:"uniqueIndex;not null" json:"pattern"`
	EnvironmentID uint      `gorm:"index;not null" json:"-"`
	CreatedAt     time.Time `json:"created_at"`
}

// AuditEvent records who did what to which resource, and when. It never holds secret values.
type AuditEvent struct {
	ID          uint      `gorm:"primaryKey" json:"id"`
	CreatedAt   time.Time `gorm:"index" json:"time"`
	Actor       string    `gorm:"index;not null" json:"actor"`
	Source      string    `gorm:"not null" json:"source"`
	Action      string    `gorm:"index;not null" json:"action"`
	Service     string    `gorm:"index;not null" json:"service"`
	Environment string    `gorm:"not null" json:"environment"`
	Resource    string    `gorm:"not null" json:"resource"`
	Before      string    `gorm:"not null" json:"before"`
	After       string    `gorm:"not null" json:"after"`
}

// APIToken authorises API calls; only its sha256 is stored.
type APIToken struct {
	ID         uint       `gorm:"primaryKey" json:"id"`
	Name       string     `gorm:"not null" json:"name"`
	Hash       string     `gorm:"uniqueIndex;not null" json:"-"`
	Prefix     string     `gorm:"not null" json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// Actor is who makes a change, and through what.
type Actor struct {
	Name   string
	Source string
}
