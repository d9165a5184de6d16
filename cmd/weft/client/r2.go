package client

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"

	"github.com/weft-dev/weft/models"
)

// R2ObjectInfo is an object as the API lists it.
type R2ObjectInfo struct {
	Key            string          `json:"key"`
	Size           int64           `json:"size"`
	ETag           string          `json:"etag"`
	Uploaded       string          `json:"uploaded"`
	HTTPMetadata   json.RawMessage `json:"http_metadata"`
	CustomMetadata json.RawMessage `json:"custom_metadata"`
}

// ListR2Buckets returns the buckets.
func (c *Client) ListR2Buckets(ctx context.Context) ([]models.R2BucketInfo, error) {
	var out struct {
		Buckets []models.R2BucketInfo `json:"buckets"`
	}
	err := c.Do(ctx, http.MethodGet, Path("r2", "buckets"), nil, &out)
	return out.Buckets, err
}

// CreateR2Bucket creates a bucket.
func (c *Client) CreateR2Bucket(ctx context.Context, name string) error {
	return c.Do(ctx, http.MethodPost, Path("r2", "buckets"), map[string]string{"name": name}, nil)
}

// DeleteR2Bucket deletes an empty bucket.
func (c *Client) DeleteR2Bucket(ctx context.Context, name string) error {
	return c.Do(ctx, http.MethodDelete, Path("r2", "buckets", name), nil, nil)
}

// ListR2Objects lists one page of a bucket.
func (c *Client) ListR2Objects(ctx context.Context, bucket, prefix, cursor string) ([]R2ObjectInfo, string, error) {
	q := url.Values{"prefix": {prefix}, "cursor": {cursor}}
	var out struct {
		Objects   []R2ObjectInfo `json:"objects"`
		Truncated bool           `json:"truncated"`
		Cursor    string         `json:"cursor"`
	}
	err := c.Do(ctx, http.MethodGet, Path("r2", "buckets", bucket, "objects")+"?"+q.Encode(), nil, &out)
	if !out.Truncated {
		out.Cursor = ""
	}
	return out.Objects, out.Cursor, err
}

// PutR2Object uploads body.
func (c *Client) PutR2Object(ctx context.Context, bucket, key string, body io.Reader, contentType string) error {
	_, _, err := c.DoRaw(ctx, http.MethodPut, Path("r2", "buckets", bucket, "objects", key), body, firstNonEmptyString(contentType, "application/octet-stream"))
	return err
}

// GetR2Object downloads an object.
func (c *Client) GetR2Object(ctx context.Context, bucket, key string) ([]byte, error) {
	data, _, err := c.DoRaw(ctx, http.MethodGet, Path("r2", "buckets", bucket, "objects", key), nil, "")
	return data, err
}

// DeleteR2Object deletes an object.
func (c *Client) DeleteR2Object(ctx context.Context, bucket, key string) error {
	_, _, err := c.DoRaw(ctx, http.MethodDelete, Path("r2", "buckets", bucket, "objects", key), nil, "")
	return err
}

func firstNonEmptyString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
