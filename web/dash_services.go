package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/views"
)

func (d *dashboard) registerServicePages(g *echo.Group) {
	g.GET("/services", d.handleServicesPage)
	g.POST("/services", d.handleServiceCreate)
	g.GET("/services/:service", d.handleServicePage)
	g.POST("/services/:service/environments", d.handleEnvironmentCreate)
	g.POST("/services/:service/environments/:env/rename", d.handleEnvironmentRename)
	g.POST("/services/:service/environments/:env/delete", d.handleEnvironmentDelete)
}

func servicesCrumb() views.Crumb { return views.Crumb{Label: "Services", Href: "/services"} }

func serviceCrumb(svc string) views.Crumb {
	return views.Crumb{Label: svc, Href: "/services/" + svc}
}

func (d *dashboard) envLinks(svc string, envs []models.EnvironmentSummary) []views.EnvLink {
	out := make([]views.EnvLink, len(envs))
	for i, e := range envs {
		out[i] = views.EnvLink{EnvironmentSummary: e, URL: d.gateway.URLs(svc, e.Name)[0]}
	}
	return out
}

func (d *dashboard) servicesProps(c echo.Context, form views.NewServiceForm) (views.ServicesProps, error) {
	svcs, err := d.store.ListServices(d.ctx(c), "")
	if err != nil {
		return views.ServicesProps{}, err
	}
	props := views.ServicesProps{Templates: templateOptions(), Form: form}
	for _, s := range svcs {
		props.Services = append(props.Services, views.ServiceRow{Name: s.Name, Environments: d.envLinks(s.Name, s.Environments)})
	}
	return props, nil
}

func (d *dashboard) handleServicesPage(c echo.Context) error {
	props, err := d.servicesProps(c, views.NewServiceForm{})
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ServicesPage(d.page(c, "Services", servicesCrumb()), props))
}

// handleServiceCreate creates a service; a template's code is deployed to production as version 1.
func (d *dashboard) handleServiceCreate(c echo.Context) error {
	form := views.NewServiceForm{Name: c.FormValue("name"), Template: c.FormValue("template"), Errors: views.FieldErrors{}}
	tpl, ok := findTemplate(form.Template)
	if !ok {
		form.Errors["template"] = "choose a template"
	}
	if err := models.ValidateName("service", form.Name); err != nil {
		form.Errors["name"] = models.ErrorMessage(err)
	} else if _, err := d.store.GetService(d.ctx(c), form.Name); err == nil {
		form.Errors["name"] = "a service named " + form.Name + " already exists"
	}
	if len(form.Errors) == 0 {
		var err error
		if tpl.Modules == nil {
			_, err = d.store.CreateService(d.ctx(c), actor(c), form.Name)
		} else {
			_, err = d.upload(d.ctx(c), actor(c), form.Name, models.ProductionEnvName, uploadRequest{
				Modules: tpl.Modules, Main: tpl.Modules[0].Name, Deploy: true, Message: "Created from the " + tpl.Label + " template"})
		}
		if err == nil {
			if c.Request().Header.Get("HX-Request") != "" && c.Request().Header.Get("HX-Boosted") == "" {
				setFlash(c, "ok", "Created service "+form.Name)
				c.Response().Header().Set("HX-Redirect", "/services/"+form.Name)
				return c.NoContent(http.StatusOK)
			}
			return done(c, "/services/"+form.Name, "Created service "+form.Name)
		}
		if models.ErrorCode(err) == models.EINTERNAL {
			return err
		}
		form.Errors["name"] = models.ErrorMessage(err)
	}
	if c.Request().Header.Get("HX-Request") != "" && c.Request().Header.Get("HX-Boosted") == "" {
		return render(c, http.StatusUnprocessableEntity, views.NewServiceCard(csrf(c), templateOptions(), form))
	}
	props, err := d.servicesProps(c, form)
	if err != nil {
		return err
	}
	return render(c, http.StatusUnprocessableEntity, views.ServicesPage(d.page(c, "Services", servicesCrumb()), props))
}

func csrf(c echo.Context) string {
	s, _ := c.Get("csrf").(string)
	return s
}

func (d *dashboard) serviceProps(c echo.Context, svc string, form views.NewEnvForm) (views.ServiceProps, error) {
	s, err := d.store.GetService(d.ctx(c), svc)
	if err != nil {
		return views.ServiceProps{}, err
	}
	edges, err := d.store.ServiceGraph(d.ctx(c))
	if err != nil {
		return views.ServiceProps{}, err
	}
	var mine []models.ServiceEdge
	for _, e := range edges {
		if e.FromService == svc || e.ToService == svc {
			mine = append(mine, e)
		}
	}
	return views.ServiceProps{Name: s.Name, Environments: d.envLinks(s.Name, s.Environments), Edges: mine, NewEnv: form}, nil
}

func (d *dashboard) handleServicePage(c echo.Context) error {
	svc := c.Param("service")
	props, err := d.serviceProps(c, svc, views.NewEnvForm{})
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ServicePage(d.page(c, svc, servicesCrumb(), serviceCrumb(svc)), props))
}

func (d *dashboard) handleEnvironmentCreate(c echo.Context) error {
	svc := c.Param("service")
	form := views.NewEnvForm{Name: c.FormValue("name"), From: c.FormValue("from"), Errors: views.FieldErrors{}}
	_, err := d.store.CreateEnvironment(d.ctx(c), actor(c), svc, form.Name, form.From)
	if err == nil {
		msg := "Created environment " + form.Name
		if form.From != "" {
			msg += ", cloned from " + form.From
		}
		return done(c, "/services/"+svc, msg)
	}
	switch models.ErrorCode(err) {
	case models.EINVALID, models.ECONFLICT:
		form.Errors["name"] = models.ErrorMessage(err)
	case models.ENOTFOUND:
		if _, serr := d.store.GetService(d.ctx(c), svc); serr != nil {
			return serr
		}
		form.Errors["from"] = models.ErrorMessage(err)
	default:
		return err
	}
	props, perr := d.serviceProps(c, svc, form)
	if perr != nil {
		return perr
	}
	return render(c, http.StatusUnprocessableEntity, views.ServicePage(d.page(c, svc, servicesCrumb(), serviceCrumb(svc)), props))
}

func (d *dashboard) handleEnvironmentRename(c echo.Context) error {
	svc, env, to := c.Param("service"), c.Param("env"), c.FormValue("name")
	if err := d.store.RenameEnvironment(d.ctx(c), actor(c), svc, env, to); err != nil {
		return failed(c, "/services/"+svc, err)
	}
	return done(c, "/services/"+svc, "Renamed environment "+env+" to "+to+"; it now answers at "+d.gateway.URLs(svc, to)[0])
}

func (d *dashboard) handleEnvironmentDelete(c echo.Context) error {
	svc, env := c.Param("service"), c.Param("env")
	if err := d.store.DeleteEnvironment(d.ctx(c), actor(c), svc, env); err != nil {
		return failed(c, "/services/"+svc, err)
	}
	if c.Request().Header.Get("HX-Request") != "" && c.Request().Header.Get("HX-Boosted") == "" {
		// The card goes away in place; the flash says what happened.
		return render(c, http.StatusOK, views.OOBFlash(&views.Flash{Kind: "ok", Message: "Deleted environment " + env}))
	}
	return done(c, "/services/"+svc, "Deleted environment "+env)
}
