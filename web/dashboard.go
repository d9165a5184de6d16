package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/static"
	"github.com/weft-dev/weft/views"
)

const (
	sessionCookie = "weft_session"
	flashCookie   = "weft_flash"
	maxFormBody   = "12M" // Quick Edit saves whole modules
)

// dashboard serves the browser UI; every action goes through the same store and api code as the REST API.
type dashboard struct {
	*api
}

func (a *api) registerDashboardRoutes(e *echo.Echo) {
	d := &dashboard{api: a}
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", staticHandler())))

	ui := e.Group("", middleware.BodyLimit(maxFormBody), middleware.CSRFWithConfig(middleware.CSRFConfig{
		Skipper: func(c echo.Context) bool {
			return strings.HasPrefix(c.Path(), "/api/") || strings.HasPrefix(c.Path(), "/static/")
		},
		TokenLookup:    "header:X-CSRF-Token,form:_csrf",
		CookieName:     "weft_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteStrictMode,
	}))
	ui.GET("/login", d.handleLoginPage)
	ui.POST("/login", d.handleLogin)

	in := ui.Group("", d.requireSession)
	in.GET("/", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/services") })
	in.POST("/logout", d.handleLogout)
	d.registerAccountRoutes(in)
	d.registerServicePages(in)
	d.registerEditRoutes(in)
	d.registerSettingsPages(in)
	d.registerDeploymentPages(in)
	d.registerLogPages(in)
	d.registerKVPages(in)
	d.registerR2Pages(in)
	d.registerQueuePages(in)
	in.GET("/audit", d.handleAuditPage)
}

func staticHandler() http.Handler {
	fs := http.FileServerFS(static.FS)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fs.ServeHTTP(w, r)
	})
}

// requireSession lets signed-in users through and sends everyone else to /login.
func (d *dashboard) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(sessionCookie)
		if err == nil {
			u, err := d.store.SessionUser(c.Request().Context(), ck.Value)
			if err == nil {
				c.Set("user", u)
				c.Set("actor", models.Actor{Name: u.Name, Source: "dashboard"})
				return next(c)
			}
			if models.ErrorCode(err) != models.EUNAUTHORIZED {
				return err
			}
		}
		target := "/login"
		if c.Request().Method == http.MethodGet && c.Request().URL.Path != "/" {
			target += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
		}
		if c.Request().Header.Get("HX-Request") != "" {
			c.Response().Header().Set("HX-Redirect", target)
			return c.NoContent(http.StatusUnauthorized)
		}
		return c.Redirect(http.StatusSeeOther, target)
	}
}

func currentUser(c echo.Context) *models.User {
	u, _ := c.Get("user").(*models.User)
	return u
}

// page builds the frame props for a page, taking the one-time flash message.
func (d *dashboard) page(c echo.Context, title string, crumbs ...views.Crumb) views.Page {
	p := views.Page{Title: title, Crumbs: crumbs}
	if u := currentUser(c); u != nil {
		p.User = u.Name
	}
	p.CSRF, _ = c.Get("csrf").(string)
	if ck, err := c.Cookie(flashCookie); err == nil {
		if v, err := url.QueryUnescape(ck.Value); err == nil {
			kind, msg, _ := strings.Cut(v, "|")
			p.Flash = &views.Flash{Kind: kind, Message: msg}
		}
		c.SetCookie(&http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1})
	}
	return p
}

// render writes a component with status; it renders to a buffer first, so a failed render is a clean error.
func render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// done redirects after a successful change, leaving a flash message for the next page.
func done(c echo.Context, to, message string) error {
	setFlash(c, "ok", message)
	return c.Redirect(http.StatusSeeOther, to)
}

func setFlash(c echo.Context, kind, message string) {
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: url.QueryEscape(kind + "|" + message), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// failed redirects back with an error flash: for actions whose form has no field to point at.
func failed(c echo.Context, to string, err error) error {
	if models.ErrorCode(err) == models.EINTERNAL {
		return err
	}
	setFlash(c, "error", models.ErrorMessage(err))
	return c.Redirect(http.StatusSeeOther, to)
}

// dashboardError renders errors on dashboard pages as HTML: 404 for unknown services, the message
// for bad input, "Internal error" (logged) for the rest.
func (d *dashboard) dashboardError(err error, c echo.Context) {
	status, msg := statusByCode[models.ErrorCode(err)], models.ErrorMessage(err)
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status, msg = he.Code, httpErrorMessage(he)
		if m, ok := he.Message.(string); ok && status < 500 {
			msg = m
		}
	}
	if status == 0 || status >= 500 {
		d.log.Error("dashboard request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		status, msg = http.StatusInternalServerError, "Internal error"
	}
	if status == http.StatusNotFound && msg == "" {
		msg = "page not found"
	}
	p := d.page(c, http.StatusText(status))
	_ = render(c, status, views.ErrorPage(p, status, msg))
}

func (d *dashboard) ctx(c echo.Context) context.Context { return c.Request().Context() }

func (d *dashboard) handleLoginPage(c echo.Context) error {
	return render(c, http.StatusOK, views.LoginPage(d.page(c, "Sign in"), "", "", safeNext(c.QueryParam("next"))))
}

func (d *dashboard) handleLogin(c echo.Context) error {
	name, next := c.FormValue("name"), safeNext(c.FormValue("next"))
	value, _, err := d.store.Login(d.ctx(c), name, c.FormValue("password"))
	if err != nil {
		if models.ErrorCode(err) != models.EUNAUTHORIZED {
			return err
		}
		return render(c, http.StatusUnauthorized, views.LoginPage(d.page(c, "Sign in"), name, models.ErrorMessage(err), next))
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: c.Request().TLS != nil, MaxAge: int(models.SessionLifetime.Seconds())})
	return c.Redirect(http.StatusSeeOther, next)
}

// safeNext keeps post-login redirects on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/services"
	}
	return next
}

func (d *dashboard) handleLogout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if err := d.store.Logout(d.ctx(c), ck.Value); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true})
	return c.Redirect(http.StatusSeeOther, "/login")
}
