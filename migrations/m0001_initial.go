package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// initialSchema creates services, environments, bundles, versions, deployments, secrets, routes,
// the audit log and API tokens.
var initialSchema = &gormigrate.Migration{
	ID: "0001_initial",
	Migrate: func(tx *gorm.DB) error {
		type Service struct {
			ID        uint   `gorm:"primaryKey"`
			Name      string `gorm:"uniqueIndex;not null"`
			CreatedAt time.Time
			UpdatedAt time.Time
		}
		type Environment struct {
			ID        uint    `gorm:"primaryKey"`
			ServiceID uint    `gorm:"uniqueIndex:idx_env_service_name;not null"`
			Service   Service `gorm:"constraint:OnDelete:CASCADE"`
			Name      string  `gorm:"uniqueIndex:idx_env_service_name;not null"`
			CreatedAt time.Time
			UpdatedAt time.Time
			Draft     string `gorm:"type:text;not null"`
		}
		type Bundle struct {
			Hash      string `gorm:"primaryKey"`
			Format    string `gorm:"not null"`
			Main      string `gorm:"not null"`
			Code      string `gorm:"type:text;not null"`
			SourceMap string `gorm:"type:text;not null"`
			Modules   string `gorm:"type:text;not null"`
			Size      int    `gorm:"not null"`
			CreatedAt time.Time
		}
		type Version struct {
			ID            uint        `gorm:"primaryKey"`
			EnvironmentID uint        `gorm:"uniqueIndex:idx_version_env_number;not null"`
			Environment   Environment `gorm:"constraint:OnDelete:CASCADE"`
			Number        int         `gorm:"uniqueIndex:idx_version_env_number;not null"`
			CreatedAt     time.Time
			Author        string `gorm:"not null"`
			Source        string `gorm:"not null"`
			TriggeredBy   string `gorm:"not null"`
			Message       string `gorm:"not null"`
			Tag           string `gorm:"not null"`
			BundleHash    string `gorm:"not null;index"`
			Bundle        Bundle `gorm:"foreignKey:BundleHash;references:Hash;constraint:OnDelete:RESTRICT"`
			PromotedFrom  string `gorm:"not null"`
			Settings      string `gorm:"type:text;not null"`
		}
		type Deployment struct {
			ID            uint        `gorm:"primaryKey"`
			EnvironmentID uint        `gorm:"index;not null"`
			Environment   Environment `gorm:"constraint:OnDelete:CASCADE"`
			CreatedAt     time.Time
			Author        string `gorm:"not null"`
			Source        string `gorm:"not null"`
			TriggeredBy   string `gorm:"not null"`
			Message       string `gorm:"not null"`
			Splits        string `gorm:"type:text;not null"`
		}
		type SecretValue struct {
			ID            uint        `gorm:"primaryKey"`
			EnvironmentID uint        `gorm:"index;not null"`
			Environment   Environment `gorm:"constraint:OnDelete:CASCADE"`
			Name          string      `gorm:"not null"`
			Ciphertext    []byte      `gorm:"not null"`
			CreatedAt     time.Time
		}
		type Route struct {
			ID            uint        `gorm:"primaryKey"`
			Pattern       string      `gorm:"uniqueIndex;not null"`
			EnvironmentID uint        `gorm:"index;not null"`
			Environment   Environment `gorm:"constraint:OnDelete:CASCADE"`
			CreatedAt     time.Time
		}
		type AuditEvent struct {
			ID          uint      `gorm:"primaryKey"`
			CreatedAt   time.Time `gorm:"index"`
			Actor       string    `gorm:"index;not null"`
			Source      string    `gorm:"not null"`
			Action      string    `gorm:"index;not null"`
			Service     string    `gorm:"index;not null"`
			Environment string    `gorm:"not null"`
			Resource    string    `gorm:"not null"`
			Before      string    `gorm:"type:text;not null"`
			After       string    `gorm:"type:text;not null"`
		}
		type APIToken struct {
			ID         uint   `gorm:"primaryKey"`
			Name       string `gorm:"not null"`
			Hash       string `gorm:"uniqueIndex;not null"`
			Prefix     string `gorm:"not null"`
			CreatedAt  time.Time
			LastUsedAt *time.Time
		}
		return tx.AutoMigrate(&Service{}, &Environment{}, &Bundle{}, &Version{}, &Deployment{}, &SecretValue{}, &Route{}, &AuditEvent{}, &APIToken{})
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable("api_tokens", "audit_events", "routes", "secret_values", "deployments", "versions", "bundles", "environments", "services")
	},
}
