// Package migrations holds Weft's ordered schema steps. Each step declares frozen copies of the
// structs it creates, so later changes to the live models never rewrite history.
package migrations

import (
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// all is the ordered list of steps; append, never edit a step that has shipped.
var all = []*gormigrate.Migration{
	initialSchema,
	usersAndSessions,
	kvNamespaces,
	durableObjects,
	queues,
	cronRuns,
	r2Buckets,
	doMigrationTags,
	r2Multipart,
	cacheEntries,
}

// Apply runs every pending step, each in its own transaction.
func Apply(db *gorm.DB) error {
	opts := *gormigrate.DefaultOptions
	opts.UseTransaction = true
	if err := gormigrate.New(db, &opts, all).Migrate(); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return nil
}
