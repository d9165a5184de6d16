package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/weft-dev/weft/models"
)

func (a *api) registerServiceRoutes(g *echo.Group) {
	g.GET("/services", a.handleServiceList)
	g.POST("/services", a.handleServiceCreate)
	g.GET("/services/:service", a.handleServiceGet)
	g.DELETE("/services/:service", a.handleServiceDelete)
	g.GET("/services/:service/environments", a.handleEnvironmentList)
	g.POST("/services/:service/environments", a.handleEnvironmentCreate)
	g.GET("/services/:service/environments/:env", a.handleEnvironmentGet)
	g.PATCH("/services/:service/environments/:env", a.handleEnvironmentRename)
	g.DELETE("/services/:service/environments/:env", a.handleEnvironmentDelete)
}

// bind decodes a JSON body, turning decode errors into a 400 that says what was wrong.
func bind(c echo.Context, dst any) error {
	if err := (&echo.DefaultBinder{}).BindBody(c, dst); err != nil {
		if he, ok := err.(*echo.HTTPError); ok && he.Code == http.StatusRequestEntityTooLarge {
			return he
		}
		return invalid("malformed JSON body: %v", unwrapBindError(err))
	}
	return nil
}

func unwrapBindError(err error) any {
	if he, ok := err.(*echo.HTTPError); ok {
		if he.Internal != nil {
			return he.Internal
		}
		return he.Message
	}
	return err
}

func (a *api) handleServiceList(c echo.Context) error {
	svcs, err := a.store.ListServices(c.Request().Context(), "")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"services": svcs})
}

func (a *api) handleServiceCreate(c echo.Context) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	if _, err := a.store.CreateService(c.Request().Context(), actor(c), in.Name); err != nil {
		return err
	}
	svc, err := a.store.GetService(c.Request().Context(), in.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"service": svc})
}

func (a *api) handleServiceGet(c echo.Context) error {
	svc, err := a.store.GetService(c.Request().Context(), c.Param("service"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"service": svc, "urls": a.gateway.ServiceURLs(svc)})
}

func (a *api) handleServiceDelete(c echo.Context) error {
	if err := a.store.DeleteService(c.Request().Context(), actor(c), c.Param("service")); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"deleted": c.Param("service")})
}

func (a *api) handleEnvironmentList(c echo.Context) error {
	envs, err := a.store.ListEnvironments(c.Request().Context(), c.Param("service"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"environments": envs})
}

func (a *api) findEnvironment(c echo.Context, service, env string) (*models.EnvironmentSummary, error) {
	envs, err := a.store.ListEnvironments(c.Request().Context(), service)
	if err != nil {
		return nil, err
	}
	for i := range envs {
		if envs[i].Name == env {
			return &envs[i], nil
		}
	}
	return nil, models.Errorf(models.ENOTFOUND, "environment %q of service %q not found", env, service)
}

func (a *api) handleEnvironmentGet(c echo.Context) error {
	e, err := a.findEnvironment(c, c.Param("service"), c.Param("env"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"environment": e, "urls": a.gateway.URLs(c.Param("service"), e.Name)})
}

func (a *api) handleEnvironmentCreate(c echo.Context) error {
	var in struct {
		Name string `json:"name"`
		From string `json:"from"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	svc := c.Param("service")
	if _, err := a.store.CreateEnvironment(c.Request().Context(), actor(c), svc, in.Name, in.From); err != nil {
		return err
	}
	e, err := a.findEnvironment(c, svc, in.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"environment": e, "urls": a.gateway.URLs(svc, in.Name)})
}

func (a *api) handleEnvironmentRename(c echo.Context) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	svc := c.Param("service")
	if err := a.store.RenameEnvironment(c.Request().Context(), actor(c), svc, c.Param("env"), in.Name); err != nil {
		return err
	}
	e, err := a.findEnvironment(c, svc, in.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"environment": e, "urls": a.gateway.URLs(svc, in.Name)})
}

func (a *api) handleEnvironmentDelete(c echo.Context) error {
	if err := a.store.DeleteEnvironment(c.Request().Context(), actor(c), c.Param("service"), c.Param("env")); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"deleted": c.Param("env")})
}
