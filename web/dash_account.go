package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/views"
)

func (d *dashboard) registerAccountRoutes(g *echo.Group) {
	g.GET("/account", d.handleAccountPage)
	g.POST("/account/password", d.handlePasswordChange)
	g.POST("/account/tokens", d.handleTokenCreate)
	g.POST("/account/tokens/:id/revoke", d.handleTokenRevoke)
}

func (d *dashboard) accountPage(c echo.Context, status int, newToken string, errs views.FieldErrors) error {
	ts, err := d.store.ListTokens(d.ctx(c))
	if err != nil {
		return err
	}
	return render(c, status, views.AccountPage(d.page(c, "Account", views.Crumb{Label: "Account"}), views.AccountProps{Tokens: ts, NewToken: newToken, Errors: errs}))
}

func (d *dashboard) handleAccountPage(c echo.Context) error {
	return d.accountPage(c, http.StatusOK, "", nil)
}

func (d *dashboard) handlePasswordChange(c echo.Context) error {
	err := d.store.ChangePassword(d.ctx(c), currentUser(c).ID, c.FormValue("current"), c.FormValue("new"))
	if err != nil {
		if models.ErrorCode(err) != models.EINVALID {
			return err
		}
		field := "new"
		if models.ErrorMessage(err) == "the current password is wrong" {
			field = "current"
		}
		return d.accountPage(c, http.StatusUnprocessableEntity, "", views.FieldErrors{field: models.ErrorMessage(err)})
	}
	return done(c, "/account", "Password changed")
}

func (d *dashboard) handleTokenCreate(c echo.Context) error {
	value, _, err := d.store.CreateToken(d.ctx(c), actor(c), c.FormValue("name"))
	if err != nil {
		if models.ErrorCode(err) != models.EINVALID {
			return err
		}
		return d.accountPage(c, http.StatusUnprocessableEntity, "", views.FieldErrors{"token": models.ErrorMessage(err)})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return d.accountPage(c, http.StatusCreated, value, nil)
}

func (d *dashboard) handleTokenRevoke(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return invalid("token id must be a number")
	}
	if err := d.store.RevokeToken(d.ctx(c), actor(c), uint(id)); err != nil {
		return failed(c, "/account", err)
	}
	return done(c, "/account", "Token revoked")
}

func (d *dashboard) handleAuditPage(c echo.Context) error {
	props := views.AuditProps{Actor: c.QueryParam("actor"), Service: c.QueryParam("service"), Action: c.QueryParam("action"), Since: c.QueryParam("since")}
	f := models.AuditFilter{Actor: props.Actor, Service: props.Service, Action: props.Action, Limit: 500}
	if props.Since != "" {
		dur, err := time.ParseDuration(props.Since)
		if err != nil || dur <= 0 {
			props.Error = "since must be a duration such as 24h"
		} else {
			f.Since = time.Now().Add(-dur)
		}
	}
	events, err := d.store.ListAudit(d.ctx(c), f)
	if err != nil {
		return err
	}
	props.Events = events
	status := http.StatusOK
	if props.Error != "" {
		status = http.StatusBadRequest
	}
	return render(c, status, views.AuditPage(d.page(c, "Audit log", views.Crumb{Label: "Audit log"}), props))
}
