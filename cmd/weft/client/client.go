// Package client is a small typed client of Weft's REST API (/api/v1), used by the weft CLI.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/weft-dev/weft/models"
)

// UserAgent identifies the CLI, so the server records its changes with source "cli".
const UserAgent = "weft-cli/1"

// Client talks to one Weft admin listener.
type Client struct {
	// BaseURL is the admin listener, e.g. http://127.0.0.1:8080 (without /api/v1).
	BaseURL string
	// Token is sent as a bearer token; empty sends no Authorization header.
	Token string
	HTTP  *http.Client
}

// New returns a client for baseURL. Uploads can be large, so the timeout is generous.
func New(baseURL, token string) *Client {
	return &Client{
		BaseURL: strings.TrimRight(baseURL, "/"),
		Token:   token,
		HTTP:    &http.Client{Timeout: 2 * time.Minute},
	}
}

// APIError is the server's error envelope: {"error":{"code","message","details"}}.
// Its text is the server's message, which is written for users.
type APIError struct {
	Status  int
	Code    string
	Message string
	// Details is the optional structured context, left raw so callers decode what they expect.
	Details json.RawMessage
}

func (e *APIError) Error() string { return e.Message }

// DecodeDetails unmarshals the error's details into v; it reports false when there are none or they don't fit.
func (e *APIError) DecodeDetails(v any) bool {
	if len(e.Details) == 0 || string(e.Details) == "null" {
		return false
	}
	return json.Unmarshal(e.Details, v) == nil
}

// ConnError means no server answered at all, which almost always means weft serve isn't running there.
type ConnError struct {
	URL string
	Err error
}

func (e *ConnError) Error() string {
	return fmt.Sprintf("no Weft server answered at %s (%v); start one with `weft serve`, or point --api (WEFT_API_URL) at a running one",
		e.URL, rootCause(e.Err))
}

func (e *ConnError) Unwrap() error { return e.Err }

// rootCause strips url.Error's "Post \"http://...\":" prefix, which repeats the URL we already name.
func rootCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Path joins escaped path segments under /api/v1, so names never inject path syntax.
func Path(segments ...string) string {
	var b strings.Builder
	b.WriteString("/api/v1")
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// Do sends a JSON request and decodes a 2xx JSON response into out (when out is non-nil).
// path is relative to BaseURL and may carry a query string.
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	contentType := ""
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("client: encode request: %w", err)
		}
		body, contentType = bytes.NewReader(b), "application/json"
	}
	data, _, err := c.send(ctx, method, path, body, contentType)
	if err != nil {
		return err
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("unexpected response from %s %s: %v", method, c.BaseURL+path, err)
	}
	return nil
}

// decodeError turns a non-2xx response into an *APIError. Bodies that aren't Weft's envelope
// (a proxy page, another program on the port) still give a message that says what came back.
func decodeError(resp *http.Response, data []byte) error {
	var env struct {
		Error *struct {
			Code    string          `json:"code"`
			Message string          `json:"message"`
			Details json.RawMessage `json:"details"`
		} `json:"error"`
	}
	if json.Unmarshal(data, &env) == nil && env.Error != nil && env.Error.Message != "" {
		return &APIError{Status: resp.StatusCode, Code: env.Error.Code, Message: env.Error.Message, Details: env.Error.Details}
	}
	snippet := strings.TrimSpace(string(data))
	if len(snippet) > 200 {
		snippet = snippet[:200] + "…"
	}
	msg := fmt.Sprintf("unexpected response from %s: %s", resp.Request.URL.Redacted(), resp.Status)
	if snippet != "" {
		msg += ": " + snippet
	}
	return &APIError{Status: resp.StatusCode, Code: codeForStatus(resp.StatusCode), Message: msg}
}

func codeForStatus(status int) string {
	switch status {
	case http.StatusNotFound:
		return models.ENOTFOUND
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return models.EINVALID
	case http.StatusConflict:
		return models.ECONFLICT
	case http.StatusUnauthorized:
		return models.EUNAUTHORIZED
	case http.StatusForbidden:
		return models.EFORBIDDEN
	case http.StatusRequestEntityTooLarge:
		return models.ETOOLARGE
	}
	return models.EINTERNAL
}

// DoRaw sends body as is and returns a 2xx response's bytes and headers (KV values, for example).
func (c *Client) DoRaw(ctx context.Context, method, path string, body io.Reader, contentType string) ([]byte, http.Header, error) {
	return c.send(ctx, method, path, body, contentType)
}

func (c *Client) send(ctx context.Context, method, path string, body io.Reader, contentType string) ([]byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, body)
	if err != nil {
		return nil, nil, fmt.Errorf("invalid API URL %q: %w", c.BaseURL, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, &ConnError{URL: c.BaseURL, Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("read response from %s: %w", c.BaseURL, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, nil, decodeError(resp, data)
	}
	return data, resp.Header, nil
}
