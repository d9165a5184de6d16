package client

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/weft-dev/weft/models"
)

// KVKey is a key as the API lists it.
type KVKey struct {
	Name       string          `json:"name"`
	Expiration int64           `json:"expiration,omitempty"`
	Metadata   json.RawMessage `json:"metadata,omitempty"`
}

// KVPage is one page of keys.
type KVPage struct {
	Keys         []KVKey `json:"keys"`
	ListComplete bool    `json:"list_complete"`
	Cursor       string  `json:"cursor"`
}

// ListKVNamespaces returns the namespaces with their key counts.
func (c *Client) ListKVNamespaces(ctx context.Context) ([]models.KVNamespaceInfo, error) {
	var out struct {
		Namespaces []models.KVNamespaceInfo `json:"namespaces"`
	}
	err := c.Do(ctx, http.MethodGet, Path("kv", "namespaces"), nil, &out)
	return out.Namespaces, err
}

// CreateKVNamespace creates a namespace.
func (c *Client) CreateKVNamespace(ctx context.Context, name string) error {
	return c.Do(ctx, http.MethodPost, Path("kv", "namespaces"), map[string]string{"name": name}, nil)
}

// DeleteKVNamespace deletes a namespace with its keys.
func (c *Client) DeleteKVNamespace(ctx context.Context, name string) error {
	return c.Do(ctx, http.MethodDelete, Path("kv", "namespaces", name), nil, nil)
}

// ListKVKeys lists one page of keys.
func (c *Client) ListKVKeys(ctx context.Context, ns, prefix string, limit int, cursor string) (*KVPage, error) {
	q := url.Values{}
	if prefix != "" {
		q.Set("prefix", prefix)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	var out KVPage
	err := c.Do(ctx, http.MethodGet, Path("kv", "namespaces", ns, "keys")+"?"+q.Encode(), nil, &out)
	return &out, err
}

// GetKV reads a value and its metadata (JSON text, or "").
func (c *Client) GetKV(ctx context.Context, ns, key string) ([]byte, string, error) {
	data, h, err := c.DoRaw(ctx, http.MethodGet, Path("kv", "namespaces", ns, "values", key), nil, "")
	if err != nil {
		return nil, "", err
	}
	return data, h.Get("Weft-KV-Metadata"), nil
}

// PutKV writes a value; ttl in seconds (0: none), metadata JSON text (or "").
func (c *Client) PutKV(ctx context.Context, ns, key string, value io.Reader, ttl int64, metadata string) error {
	q := url.Values{}
	if ttl > 0 {
		q.Set("expiration_ttl", strconv.FormatInt(ttl, 10))
	}
	if metadata != "" {
		q.Set("metadata", metadata)
	}
	_, _, err := c.DoRaw(ctx, http.MethodPut, Path("kv", "namespaces", ns, "values", key)+"?"+q.Encode(), value, "application/octet-stream")
	return err
}

// DeleteKV deletes a key.
func (c *Client) DeleteKV(ctx context.Context, ns, key string) error {
	_, _, err := c.DoRaw(ctx, http.MethodDelete, Path("kv", "namespaces", ns, "values", key), nil, "")
	return err
}
