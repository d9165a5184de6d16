package client

import (
	"context"
	"net/http"

	"github.com/weft-dev/weft/models"
)

// CronRuns returns an environment's crons and its run history, newest first.
func (c *Client) CronRuns(ctx context.Context, service, env string) ([]string, []models.CronRun, error) {
	var out struct {
		Crons []string         `json:"crons"`
		Runs  []models.CronRun `json:"runs"`
	}
	err := c.Do(ctx, http.MethodGet, envPath(service, env, "cron-runs"), nil, &out)
	return out.Crons, out.Runs, err
}

// RunCron runs scheduled() now.
func (c *Client) RunCron(ctx context.Context, service, env, cron string) (*models.CronRun, error) {
	var out struct {
		Run models.CronRun `json:"run"`
	}
	if err := c.Do(ctx, http.MethodPost, envPath(service, env, "cron-runs"), map[string]string{"cron": cron}, &out); err != nil {
		return nil, err
	}
	return &out.Run, nil
}
