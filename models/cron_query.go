package models

import (
	"context"
	"fmt"
)

// RecordCronRun stores a run and trims the environment's history to its newest runs.
func (s *Store) RecordCronRun(ctx context.Context, service, env string, run *CronRun) error {
	db := s.read(ctx)
	_, e, err := findEnv(db, service, env)
	if err != nil {
		return err
	}
	run.EnvironmentID = e.ID
	if err := db.Create(run).Error; err != nil {
		return fmt.Errorf("models: record cron run: %w", err)
	}
	return db.Where("environment_id = ? AND id NOT IN (?)", e.ID,
		db.Model(&CronRun{}).Select("id").Where("environment_id = ?", e.ID).Order("id DESC").Limit(maxCronRunsPerEnv)).
		Delete(&CronRun{}).Error
}

// ListCronRuns returns an environment's runs, newest first.
func (s *Store) ListCronRuns(ctx context.Context, service, env string, limit int) ([]CronRun, error) {
	db := s.read(ctx)
	_, e, err := findEnv(db, service, env)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > maxCronRunsPerEnv {
		limit = 50
	}
	out := []CronRun{}
	err = db.Where("environment_id = ?", e.ID).Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}
