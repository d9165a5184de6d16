package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/weft-dev/weft/models"
)

// envPath is the base of everything scoped to one environment.
func envPath(service, env string, rest ...string) string {
	return Path(append([]string{"services", service, "environments", env}, rest...)...)
}

// ListServices returns every service with its environments.
func (c *Client) ListServices(ctx context.Context) ([]models.ServiceSummary, error) {
	var out struct {
		Services []models.ServiceSummary `json:"services"`
	}
	err := c.Do(ctx, http.MethodGet, Path("services"), nil, &out)
	return out.Services, err
}

// GetService returns one service.
func (c *Client) GetService(ctx context.Context, service string) (*models.ServiceSummary, error) {
	var out struct {
		Service models.ServiceSummary `json:"service"`
	}
	if err := c.Do(ctx, http.MethodGet, Path("services", service), nil, &out); err != nil {
		return nil, err
	}
	return &out.Service, nil
}

// DeleteService deletes a service with all its environments.
func (c *Client) DeleteService(ctx context.Context, service string) error {
	return c.Do(ctx, http.MethodDelete, Path("services", service), nil, nil)
}

// ListEnvironments returns a service's environments, production first.
func (c *Client) ListEnvironments(ctx context.Context, service string) ([]models.EnvironmentSummary, error) {
	var out struct {
		Environments []models.EnvironmentSummary `json:"environments"`
	}
	err := c.Do(ctx, http.MethodGet, Path("services", service, "environments"), nil, &out)
	return out.Environments, err
}

type envResponse struct {
	Environment models.EnvironmentSummary `json:"environment"`
}

// CreateEnvironment creates an environment, blank or (from != "") cloned from another.
func (c *Client) CreateEnvironment(ctx context.Context, service, name, from string) (*models.EnvironmentSummary, error) {
	var out envResponse
	in := map[string]string{"name": name, "from": from}
	if err := c.Do(ctx, http.MethodPost, Path("services", service, "environments"), in, &out); err != nil {
		return nil, err
	}
	return &out.Environment, nil
}

// RenameEnvironment renames an environment; its hostname follows.
func (c *Client) RenameEnvironment(ctx context.Context, service, env, newName string) (*models.EnvironmentSummary, error) {
	var out envResponse
	if err := c.Do(ctx, http.MethodPatch, envPath(service, env), map[string]string{"name": newName}, &out); err != nil {
		return nil, err
	}
	return &out.Environment, nil
}

// DeleteEnvironment deletes an environment with its versions, secrets and routes.
func (c *Client) DeleteEnvironment(ctx context.Context, service, env string) error {
	return c.Do(ctx, http.MethodDelete, envPath(service, env), nil, nil)
}

// UploadRequest is the body of POST .../versions. The server re-parses WranglerTOML for the
// environment, so settings, bindings and routes come from the file exactly as the user wrote it.
type UploadRequest struct {
	Modules      []models.Module `json:"modules"`
	Main         string          `json:"main"`
	WranglerTOML string          `json:"wrangler_toml"`
	Message      string          `json:"message"`
	Tag          string          `json:"tag"`
	Deploy       bool            `json:"deploy"`
}

// UploadResponse is what an upload made.
type UploadResponse struct {
	Version    models.Version     `json:"version"`
	Deployment *models.Deployment `json:"deployment"`
	// Created names what the upload had to create first, e.g. "service api", "environment staging".
	Created  []string `json:"created"`
	Warnings []string `json:"warnings"`
	URLs     []string `json:"urls"`
}

// UploadVersion uploads a bundle as a new version, deploying it at 100% when req.Deploy.
func (c *Client) UploadVersion(ctx context.Context, service, env string, req UploadRequest) (*UploadResponse, error) {
	var out UploadResponse
	if err := c.Do(ctx, http.MethodPost, envPath(service, env, "versions"), req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListVersions returns an environment's versions, newest first.
func (c *Client) ListVersions(ctx context.Context, service, env string) ([]models.Version, error) {
	var out struct {
		Versions []models.Version `json:"versions"`
	}
	err := c.Do(ctx, http.MethodGet, envPath(service, env, "versions"), nil, &out)
	return out.Versions, err
}

// GetVersion returns one version by number.
func (c *Client) GetVersion(ctx context.Context, service, env string, number int) (*models.Version, error) {
	var out struct {
		Version models.Version `json:"version"`
	}
	if err := c.Do(ctx, http.MethodGet, envPath(service, env, "versions", strconv.Itoa(number)), nil, &out); err != nil {
		return nil, err
	}
	return &out.Version, nil
}

// ListDeployments returns an environment's deployments, newest (live) first.
func (c *Client) ListDeployments(ctx context.Context, service, env string) ([]models.Deployment, error) {
	var out struct {
		Deployments []models.Deployment `json:"deployments"`
	}
	err := c.Do(ctx, http.MethodGet, envPath(service, env, "deployments"), nil, &out)
	return out.Deployments, err
}

// CreateDeployment makes one version live, or splits traffic between two. The server checks the sums.
func (c *Client) CreateDeployment(ctx context.Context, service, env string, splits []models.SplitInput, message string) (*models.Deployment, error) {
	in := struct {
		Versions []models.SplitInput `json:"versions"`
		Message  string              `json:"message"`
	}{splits, message}
	var out struct {
		Deployment models.Deployment `json:"deployment"`
	}
	if err := c.Do(ctx, http.MethodPost, envPath(service, env, "deployments"), in, &out); err != nil {
		return nil, err
	}
	return &out.Deployment, nil
}

// ReleaseResponse is what promote and rollback return: the version now live and where it answers.
type ReleaseResponse struct {
	Version    models.Version     `json:"version"`
	Deployment *models.Deployment `json:"deployment"`
	URLs       []string           `json:"urls"`
}

// Promote gives env `to` a new version running env `from`'s live bundle with `to`'s own settings.
func (c *Client) Promote(ctx context.Context, service, from, to, message string) (*ReleaseResponse, error) {
	var out ReleaseResponse
	in := map[string]string{"from": from, "message": message}
	if err := c.Do(ctx, http.MethodPost, envPath(service, to, "promote"), in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RollbackRequest asks to make an earlier version live again; Version 0 means the one before live.
type RollbackRequest struct {
	Version int    `json:"version"`
	Message string `json:"message"`
	Force   bool   `json:"force"`
}

// Rollback redeploys an earlier version. Without Force it fails with a conflict whose details are
// models.SecretsDiffer when the version's secrets differ from today's.
func (c *Client) Rollback(ctx context.Context, service, env string, req RollbackRequest) (*ReleaseResponse, error) {
	var out ReleaseResponse
	if err := c.Do(ctx, http.MethodPost, envPath(service, env, "rollback"), req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListSecrets returns an environment's secret names (never values).
func (c *Client) ListSecrets(ctx context.Context, service, env string) ([]models.SecretInfo, error) {
	var out struct {
		Secrets []models.SecretInfo `json:"secrets"`
	}
	err := c.Do(ctx, http.MethodGet, envPath(service, env, "secrets"), nil, &out)
	return out.Secrets, err
}

// SecretResponse is what changing a secret made: a new version (nil before the first deploy).
type SecretResponse struct {
	Version    *models.Version    `json:"version"`
	Deployment *models.Deployment `json:"deployment"`
}

// PutSecret sets a secret's value.
func (c *Client) PutSecret(ctx context.Context, service, env, name, value string) (*SecretResponse, error) {
	var out SecretResponse
	if err := c.Do(ctx, http.MethodPut, envPath(service, env, "secrets", name), map[string]string{"value": value}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteSecret removes a secret.
func (c *Client) DeleteSecret(ctx context.Context, service, env, name string) (*SecretResponse, error) {
	var out SecretResponse
	if err := c.Do(ctx, http.MethodDelete, envPath(service, env, "secrets", name), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListRoutes returns routes, optionally only a service's (and one environment's).
func (c *Client) ListRoutes(ctx context.Context, service, env string) ([]models.RouteInfo, error) {
	q := url.Values{}
	if service != "" {
		q.Set("service", service)
	}
	if env != "" {
		q.Set("environment", env)
	}
	path := Path("routes")
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out struct {
		Routes []models.RouteInfo `json:"routes"`
	}
	err := c.Do(ctx, http.MethodGet, path, nil, &out)
	return out.Routes, err
}

// AddRoute attaches a host/path pattern to an environment.
func (c *Client) AddRoute(ctx context.Context, service, env, pattern string) (*models.RouteInfo, error) {
	var out struct {
		Route models.RouteInfo `json:"route"`
	}
	if err := c.Do(ctx, http.MethodPost, envPath(service, env, "routes"), map[string]string{"pattern": pattern}, &out); err != nil {
		return nil, err
	}
	return &out.Route, nil
}

// DeleteRoute detaches a pattern. It travels in the query because patterns contain slashes.
func (c *Client) DeleteRoute(ctx context.Context, service, env, pattern string) error {
	path := envPath(service, env, "routes") + "?" + url.Values{"pattern": {pattern}}.Encode()
	return c.Do(ctx, http.MethodDelete, path, nil, nil)
}

// AuditQuery narrows the audit log; zero fields match everything.
type AuditQuery struct {
	Actor, Service, Action string
	Since, Until           time.Time
	Limit                  int
}

// ListAudit returns audit events, newest first.
func (c *Client) ListAudit(ctx context.Context, f AuditQuery) ([]models.AuditEvent, error) {
	q := url.Values{}
	for k, v := range map[string]string{"actor": f.Actor, "service": f.Service, "action": f.Action} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if !f.Since.IsZero() {
		q.Set("since", f.Since.UTC().Format(time.RFC3339))
	}
	if !f.Until.IsZero() {
		q.Set("until", f.Until.UTC().Format(time.RFC3339))
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	path := Path("audit")
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out struct {
		Events []models.AuditEvent `json:"events"`
	}
	err := c.Do(ctx, http.MethodGet, path, nil, &out)
	return out.Events, err
}
