package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/weft-dev/weft/models"
)

func (a *api) registerSettingsRoutes(g *echo.Group) {
	p := "/services/:service/environments/:env"
	g.GET(p+"/secrets", a.handleSecretList)
	g.PUT(p+"/secrets/:name", a.handleSecretPut)
	g.DELETE(p+"/secrets/:name", a.handleSecretDelete)
	g.GET(p+"/settings", a.handleSettingsGet)
	g.PATCH(p+"/settings", a.handleSettingsPatch)
	g.GET("/routes", a.handleRouteList)
	g.GET(p+"/routes", a.handleRouteList)
	g.POST(p+"/routes", a.handleRouteAdd)
	g.DELETE(p+"/routes", a.handleRouteDelete)
	g.GET(p+"/logs", a.handleLogs)
}

func (a *api) handleSecretList(c echo.Context) error {
	secrets, err := a.store.ListSecrets(c.Request().Context(), c.Param("service"), c.Param("env"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"secrets": secrets})
}

func (a *api) handleSecretPut(c echo.Context) error {
	var in struct {
		Value *string `json:"value"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	if in.Value == nil {
		return invalid("value: the secret's value is required")
	}
	name := c.Param("name")
	res, err := a.store.PutSecret(c.Request().Context(), actor(c), c.Param("service"), c.Param("env"), name, *in.Value)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"secret": map[string]string{"name": name, "type": "secret_text"},
		"version": res.Version, "deployment": res.Deployment})
}

func (a *api) handleSecretDelete(c echo.Context) error {
	res, err := a.store.DeleteSecret(c.Request().Context(), actor(c), c.Param("service"), c.Param("env"), c.Param("name"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"deleted": c.Param("name"), "version": res.Version, "deployment": res.Deployment})
}

// handleSettingsGet returns the settings the next version builds on (secret names only).
func (a *api) handleSettingsGet(c echo.Context) error {
	settings, err := a.store.CurrentSettings(c.Request().Context(), c.Param("service"), c.Param("env"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"settings": settings})
}

// settingsPatch replaces the fields that are present.
type settingsPatch struct {
	CompatibilityDate  *string           `json:"compatibility_date"`
	CompatibilityFlags *[]string         `json:"compatibility_flags"`
	Vars               *[]models.Var     `json:"vars"`
	Bindings           *[]models.Binding `json:"bindings"`
	Limits             *models.Limits    `json:"limits"`
	Message            string            `json:"message"`
}

func (a *api) handleSettingsPatch(c echo.Context) error {
	var in settingsPatch
	if err := bind(c, &in); err != nil {
		return err
	}
	res, err := a.store.UpdateSettings(c.Request().Context(), actor(c), c.Param("service"), c.Param("env"), "settings", in.Message,
		func(s *models.Settings) error {
			if in.CompatibilityDate != nil {
				s.CompatibilityDate = *in.CompatibilityDate
			}
			if in.CompatibilityFlags != nil {
				s.CompatibilityFlags = *in.CompatibilityFlags
			}
			if in.Vars != nil {
				s.Vars = *in.Vars
			}
			if in.Bindings != nil {
				s.Bindings = *in.Bindings
			}
			if in.Limits != nil {
				s.Limits = *in.Limits
			}
			return nil
		})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"version": res.Version, "deployment": res.Deployment})
}

func (a *api) handleRouteList(c echo.Context) error {
	svc, env := c.Param("service"), c.Param("env")
	if svc == "" {
		svc, env = c.QueryParam("service"), c.QueryParam("environment")
	}
	routes, err := a.store.ListRoutes(c.Request().Context(), svc, env)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"routes": routes})
}

func (a *api) handleRouteAdd(c echo.Context) error {
	var in struct {
		Pattern string `json:"pattern"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	if err := a.gateway.checkRoutes([]string{in.Pattern}); err != nil {
		return err
	}
	svc, env := c.Param("service"), c.Param("env")
	p, err := a.store.AddRoute(c.Request().Context(), actor(c), svc, env, in.Pattern)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"route": models.RouteInfo{Pattern: p, Service: svc, Environment: env}})
}

func (a *api) handleRouteDelete(c echo.Context) error {
	pattern := c.QueryParam("pattern")
	if pattern == "" {
		return invalid("pattern: give the route to delete as ?pattern=")
	}
	if err := a.store.DeleteRoute(c.Request().Context(), actor(c), c.Param("service"), c.Param("env"), pattern); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"deleted": pattern})
}
