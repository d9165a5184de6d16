package client

import (
	"context"
	"net/http"

	"github.com/weft-dev/weft/models"
)

// ListQueues returns the queues with their backlogs.
func (c *Client) ListQueues(ctx context.Context) ([]models.QueueInfo, error) {
	var out struct {
		Queues []models.QueueInfo `json:"queues"`
	}
	err := c.Do(ctx, http.MethodGet, Path("queues"), nil, &out)
	return out.Queues, err
}

// CreateQueue creates a queue.
func (c *Client) CreateQueue(ctx context.Context, name string) error {
	return c.Do(ctx, http.MethodPost, Path("queues"), map[string]string{"name": name}, nil)
}

// DeleteQueue deletes a queue and its waiting messages.
func (c *Client) DeleteQueue(ctx context.Context, name string) error {
	return c.Do(ctx, http.MethodDelete, Path("queues", name), nil, nil)
}
