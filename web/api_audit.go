package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/weft-dev/weft/models"
)

func (a *api) registerAuditRoutes(g *echo.Group) {
	g.GET("/audit", a.handleAuditList)
	g.GET("/tokens", a.handleTokenList)
	g.POST("/tokens", a.handleTokenCreate)
	g.DELETE("/tokens/:id", a.handleTokenRevoke)
}

func (a *api) handleAuditList(c echo.Context) error {
	f := models.AuditFilter{Actor: c.QueryParam("actor"), Service: c.QueryParam("service"), Action: c.QueryParam("action")}
	var err error
	if f.Since, err = queryTime(c, "since"); err != nil {
		return err
	}
	if f.Until, err = queryTime(c, "until"); err != nil {
		return err
	}
	if l := c.QueryParam("limit"); l != "" {
		if f.Limit, err = strconv.Atoi(l); err != nil || f.Limit < 1 {
			return invalid("limit must be a positive integer, got %q", l)
		}
	}
	events, err := a.store.ListAudit(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"events": events})
}

func queryTime(c echo.Context, name string) (time.Time, error) {
	v := c.QueryParam(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, invalid("%s must be an RFC 3339 time such as 2026-01-02T15:04:05Z, got %q", name, v)
	}
	return t, nil
}

func (a *api) handleTokenList(c echo.Context) error {
	ts, err := a.store.ListTokens(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"tokens": ts})
}

func (a *api) handleTokenCreate(c echo.Context) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	value, t, err := a.store.CreateToken(c.Request().Context(), actor(c), in.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"token": t, "value": value})
}

func (a *api) handleTokenRevoke(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		return invalid("token id must be a number, got %q", c.Param("id"))
	}
	if err := a.store.RevokeToken(c.Request().Context(), actor(c), uint(id)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"revoked": id})
}
