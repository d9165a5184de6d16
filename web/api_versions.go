package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/models/wrangler"
	"github.com/weft-dev/weft/runtime"
)

func (a *api) registerVersionRoutes(g *echo.Group) {
	p := "/services/:service/environments/:env"
	g.POST(p+"/versions", a.handleVersionUpload)
	g.GET(p+"/versions", a.handleVersionList)
	g.GET(p+"/versions/:number", a.handleVersionGet)
	g.GET(p+"/versions/:number/bundle", a.handleVersionBundle)
	g.GET(p+"/deployments", a.handleDeploymentList)
	g.POST(p+"/deployments", a.handleDeploymentCreate)
	g.POST(p+"/promote", a.handlePromote)
	g.POST(p+"/rollback", a.handleRollback)
}

// uploadRequest is a new version: source modules plus settings, from a wrangler.toml or given directly.
type uploadRequest struct {
	Modules      []runtime.Module `json:"modules"`
	Main         string           `json:"main"`
	WranglerTOML string           `json:"wrangler_toml"`
	Settings     *models.Settings `json:"settings"`
	Routes       []string         `json:"routes"`
	Message      string           `json:"message"`
	Tag          string           `json:"tag"`
	Deploy       bool             `json:"deploy"`
}

func (a *api) handleVersionUpload(c echo.Context) error {
	var in uploadRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	res, err := a.upload(c.Request().Context(), actor(c), c.Param("service"), c.Param("env"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, res)
}

// uploadResponse is what an upload made: the version, its deployment when deployed, what was created.
type uploadResponse struct {
	Version    *models.Version    `json:"version"`
	Deployment *models.Deployment `json:"deployment"`
	Created    []string           `json:"created"`
	Warnings   []string           `json:"warnings"`
	URLs       []string           `json:"urls"`
}

// upload checks, builds and stores a new version; the API and the dashboard both come through here.
func (a *api) upload(ctx context.Context, who models.Actor, svc, env string, in uploadRequest) (*uploadResponse, error) {
	if err := models.ValidateName("service", svc); err != nil {
		return nil, err
	}
	if err := models.ValidateName("environment", env); err != nil {
		return nil, err
	}
	up := models.UploadInput{Service: svc, Environment: env, Message: in.Message, Tag: in.Tag, Deploy: in.Deploy, Routes: in.Routes}
	var warnings []string
	switch {
	case in.WranglerTOML != "":
		cfg, err := wrangler.Parse("wrangler.toml", []byte(in.WranglerTOML), env)
		if err != nil {
			return nil, err
		}
		if cfg.Name != svc {
			return nil, invalid("wrangler.toml names service %q but this upload is for %q", cfg.Name, svc)
		}
		up.Settings, warnings = cfg.Settings, cfg.Warnings
		if len(cfg.Routes) > 0 {
			up.Routes = cfg.Routes
		}
	case in.Settings != nil:
		up.Settings = *in.Settings
	}
	if err := a.gateway.checkRoutes(up.Routes); err != nil {
		return nil, err
	}
	b, err := a.build(in.Modules, in.Main, up.Settings)
	if err != nil {
		return nil, err
	}
	up.Bundle = *b
	res, err := a.store.UploadVersion(ctx, who, up)
	if err != nil {
		return nil, err
	}
	urls := a.gateway.URLs(svc, env)
	if !in.Deploy {
		urls = []string{a.gateway.VersionURL(svc, env, res.Version.Number)}
	}
	return &uploadResponse{Version: res.Version, Deployment: res.Deployment, Created: nonNil(res.Created), Warnings: nonNil(warnings), URLs: urls}, nil
}

// build bundles the modules and starts the script once, so code that cannot run is refused before
// anything is stored.
func (a *api) build(modules []runtime.Module, main string, settings models.Settings) (*models.Bundle, error) {
	if len(modules) == 0 {
		return nil, invalid("modules: at least one module is required")
	}
	if main == "" {
		main = modules[0].Name
	}
	size := 0
	for _, m := range modules {
		size += len(m.Content)
	}
	if size > models.MaxBundleBytes {
		return nil, models.Errorf(models.ETOOLARGE, "modules total %d bytes (at most %d)", size, models.MaxBundleBytes)
	}
	b, err := runtime.Build(modules, main)
	if err != nil {
		var be *runtime.BuildErrors
		if errors.As(err, &be) {
			return nil, &models.Error{Code: models.EINVALID, Message: "build failed: " + be.Error(), Details: map[string]any{"errors": *be}}
		}
		return nil, invalid("build failed: %v", err)
	}
	if err := a.gateway.checkStarts(b, settings); err != nil {
		return nil, err
	}
	mods := make(models.Modules, len(modules))
	for i, m := range modules {
		mods[i] = models.Module{Name: m.Name, Content: m.Content}
	}
	return &models.Bundle{Hash: b.Hash, Format: b.Format, Main: main, Code: b.Code, SourceMap: b.SourceMap, Modules: mods}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func versionNumber(c echo.Context) (int, error) {
	n, err := strconv.Atoi(c.Param("number"))
	if err != nil || n < 1 {
		return 0, invalid("version number must be a positive integer, got %q", c.Param("number"))
	}
	return n, nil
}

func (a *api) handleVersionList(c echo.Context) error {
	vs, err := a.store.ListVersions(c.Request().Context(), c.Param("service"), c.Param("env"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"versions": vs})
}

func (a *api) handleVersionGet(c echo.Context) error {
	n, err := versionNumber(c)
	if err != nil {
		return err
	}
	v, err := a.store.GetVersion(c.Request().Context(), c.Param("service"), c.Param("env"), n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"version": v, "url": a.gateway.VersionURL(c.Param("service"), c.Param("env"), n)})
}

func (a *api) handleVersionBundle(c echo.Context) error {
	n, err := versionNumber(c)
	if err != nil {
		return err
	}
	v, err := a.store.GetVersion(c.Request().Context(), c.Param("service"), c.Param("env"), n)
	if err != nil {
		return err
	}
	b, err := a.store.GetBundle(c.Request().Context(), v.BundleHash)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"bundle": map[string]any{
		"hash": b.Hash, "format": b.Format, "main": b.Main, "size": b.Size, "modules": b.Modules}})
}

func (a *api) handleDeploymentList(c echo.Context) error {
	ds, err := a.store.ListDeployments(c.Request().Context(), c.Param("service"), c.Param("env"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"deployments": ds})
}

func (a *api) handleDeploymentCreate(c echo.Context) error {
	var in struct {
		Versions []models.SplitInput `json:"versions"`
		Message  string              `json:"message"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := a.store.Deploy(c.Request().Context(), actor(c), c.Param("service"), c.Param("env"), in.Versions, in.Message)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"deployment": d, "urls": a.gateway.URLs(c.Param("service"), c.Param("env"))})
}

func (a *api) handlePromote(c echo.Context) error {
	var in struct {
		From    string `json:"from"`
		Message string `json:"message"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	if in.From == "" {
		return invalid("from: the environment to promote from is required")
	}
	svc, to := c.Param("service"), c.Param("env")
	res, err := a.store.Promote(c.Request().Context(), actor(c), svc, in.From, to, in.Message)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"version": res.Version, "deployment": res.Deployment, "urls": a.gateway.URLs(svc, to)})
}

func (a *api) handleRollback(c echo.Context) error {
	var in struct {
		Version int    `json:"version"`
		Message string `json:"message"`
		Force   bool   `json:"force"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	if in.Version < 0 {
		return invalid("version must be a positive number, or 0 for the one before the live version")
	}
	svc, env := c.Param("service"), c.Param("env")
	res, err := a.store.Rollback(c.Request().Context(), actor(c), models.RollbackInput{
		Service: svc, Environment: env, Number: in.Version, Message: in.Message, Force: in.Force})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"version": res.Version, "deployment": res.Deployment, "urls": a.gateway.URLs(svc, env)})
}
