package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/views"
)

func (d *dashboard) registerSettingsPages(g *echo.Group) {
	p := "/services/:service/environments/:env/settings"
	g.GET(p, d.handleSettingsPage)
	g.POST(p+"/vars", d.handleSettingsVars)
	g.POST(p+"/secrets", d.handleSettingsSecrets)
	g.POST(p+"/bindings", d.handleSettingsBindings)
	g.POST(p+"/routes", d.handleSettingsRoutes)
	g.POST(p+"/limits", d.handleSettingsLimits)
	g.POST(p+"/cron-run", d.handleCronRunNow)
}

func settingsPath(c echo.Context) string {
	return "/services/" + c.Param("service") + "/environments/" + c.Param("env") + "/settings"
}

// settingsPage renders the page; errs and form carry a failed form back to where it was.
func (d *dashboard) settingsPage(c echo.Context, status int, errs views.FieldErrors, form map[string]string) error {
	svc, env := c.Param("service"), c.Param("env")
	settings, err := d.store.CurrentSettings(d.ctx(c), svc, env)
	if err != nil {
		return err
	}
	secrets, err := d.store.ListSecrets(d.ctx(c), svc, env)
	if err != nil {
		return err
	}
	routes, err := d.store.ListRoutes(d.ctx(c), svc, env)
	if err != nil {
		return err
	}
	svcs, err := d.store.ListServices(d.ctx(c), "")
	if err != nil {
		return err
	}
	props := views.SettingsProps{Service: svc, Env: env, Settings: settings, Secrets: secrets, Errors: errs, Form: form}
	for _, r := range routes {
		props.Routes = append(props.Routes, r.Pattern)
	}
	for _, s := range svcs {
		props.Services = append(props.Services, s.Name)
	}
	if props.Resources, err = d.bindableResources(c); err != nil {
		return err
	}
	if props.CronRuns, err = d.store.ListCronRuns(d.ctx(c), svc, env, 20); err != nil {
		return err
	}
	return render(c, status, views.SettingsPage(d.envPage(c, svc, env, "settings", "Settings"), props))
}

// bindableResources lists what a binding can name, so the form offers existing resources.
func (d *dashboard) bindableResources(c echo.Context) ([]views.Resource, error) {
	var out []views.Resource
	namespaces, err := d.store.ListKVNamespaces(d.ctx(c))
	if err != nil {
		return nil, err
	}
	for _, n := range namespaces {
		out = append(out, views.Resource{Name: n.Name, Kind: "KV namespace"})
	}
	buckets, err := d.store.ListR2Buckets(d.ctx(c))
	if err != nil {
		return nil, err
	}
	for _, b := range buckets {
		out = append(out, views.Resource{Name: b.Name, Kind: "R2 bucket"})
	}
	queues, err := d.store.ListQueues(d.ctx(c))
	if err != nil {
		return nil, err
	}
	for _, q := range queues {
		out = append(out, views.Resource{Name: q.Name, Kind: "queue"})
	}
	return out, nil
}

func (d *dashboard) handleSettingsPage(c echo.Context) error {
	return d.settingsPage(c, http.StatusOK, nil, nil)
}

// settingsSaved reports a settings change: a new live version, or the draft when nothing is deployed.
func settingsSaved(c echo.Context, res *models.UploadResult, what string) error {
	msg := what + ": saved for the first deployment"
	if res != nil && res.Version != nil {
		msg = what + ": version " + strconv.Itoa(res.Version.Number) + " is live"
	}
	return done(c, settingsPath(c), msg)
}

// fieldFailure shows a user error next to field, keeping what was typed; other errors propagate.
func (d *dashboard) fieldFailure(c echo.Context, err error, field string, form map[string]string) error {
	if code := models.ErrorCode(err); code == models.EINTERNAL || code == models.ENOTFOUND {
		return err // an unknown service or environment is a 404 page
	}
	return d.settingsPage(c, http.StatusUnprocessableEntity, views.FieldErrors{field: models.ErrorMessage(err)}, form)
}

func (d *dashboard) handleSettingsVars(c echo.Context) error {
	name, typ, value, op := strings.TrimSpace(c.FormValue("name")), c.FormValue("type"), c.FormValue("value"), c.FormValue("op")
	res, err := d.store.UpdateSettings(d.ctx(c), actor(c), c.Param("service"), c.Param("env"), "settings", "Variable "+name+" "+opWord(op),
		func(s *models.Settings) error {
			out := s.Vars[:0:0]
			for _, v := range s.Vars {
				if v.Name != name {
					out = append(out, v)
				}
			}
			if op != "delete" {
				out = append(out, models.Var{Name: name, Type: typ, Value: value})
			}
			s.Vars = out
			return nil
		})
	if err != nil {
		field := "var_value"
		if strings.Contains(models.ErrorMessage(err), "name") || strings.Contains(models.ErrorMessage(err), "clashes") {
			field = "var_name"
		}
		return d.fieldFailure(c, err, field, map[string]string{"var_name": name, "var_type": typ, "var_value": value})
	}
	return settingsSaved(c, res, "Variable "+name+" "+opWord(op))
}

func opWord(op string) string {
	if op == "delete" {
		return "deleted"
	}
	return "saved"
}

func (d *dashboard) handleSettingsSecrets(c echo.Context) error {
	svc, env := c.Param("service"), c.Param("env")
	name, value := strings.TrimSpace(c.FormValue("name")), c.FormValue("value")
	var res *models.UploadResult
	var err error
	if c.FormValue("op") == "delete" {
		res, err = d.store.DeleteSecret(d.ctx(c), actor(c), svc, env, name)
	} else {
		if value == "" {
			return d.settingsPage(c, http.StatusUnprocessableEntity, views.FieldErrors{"secret_value": "enter the secret's value"}, map[string]string{"secret_name": name})
		}
		res, err = d.store.PutSecret(d.ctx(c), actor(c), svc, env, name, value)
	}
	if err != nil {
		return d.fieldFailure(c, err, "secret_name", map[string]string{"secret_name": name}) // the value is never echoed back
	}
	return settingsSaved(c, res, "Secret "+name+" "+opWord(c.FormValue("op")))
}

func (d *dashboard) handleSettingsBindings(c echo.Context) error {
	name, typ, target := strings.TrimSpace(c.FormValue("name")), c.FormValue("type"), strings.TrimSpace(c.FormValue("target"))
	b := models.Binding{Name: name, Type: typ}
	switch typ {
	case models.BindingService:
		b.Service, b.Environment = c.FormValue("service"), strings.TrimSpace(c.FormValue("environment"))
	case models.BindingKV:
		b.NamespaceID = target
	case models.BindingDurable:
		b.ClassName = target
	case models.BindingR2:
		b.BucketName = target
	case models.BindingQueue:
		b.QueueName = target
	}
	op := c.FormValue("op")
	res, err := d.store.UpdateSettings(d.ctx(c), actor(c), c.Param("service"), c.Param("env"), "settings", "Binding "+name+" "+opWord(op),
		func(s *models.Settings) error {
			out := s.Bindings[:0:0]
			for _, x := range s.Bindings {
				if x.Name != name {
					out = append(out, x)
				}
			}
			if op != "delete" {
				out = append(out, b)
			}
			s.Bindings = out
			return nil
		})
	if err != nil {
		field := "binding"
		if strings.Contains(models.ErrorMessage(err), "name") {
			field = "binding_name"
		}
		return d.fieldFailure(c, err, field, map[string]string{"binding_name": name, "binding_type": typ, "binding_service": b.Service,
			"binding_environment": b.Environment, "binding_target": target})
	}
	return settingsSaved(c, res, "Binding "+name+" "+opWord(op))
}

func (d *dashboard) handleSettingsRoutes(c echo.Context) error {
	svc, env, pattern := c.Param("service"), c.Param("env"), strings.TrimSpace(c.FormValue("pattern"))
	if c.FormValue("op") == "delete" {
		if err := d.store.DeleteRoute(d.ctx(c), actor(c), svc, env, pattern); err != nil {
			return failed(c, settingsPath(c), err)
		}
		return done(c, settingsPath(c), "Route "+pattern+" removed")
	}
	err := d.gateway.checkRoutes([]string{pattern})
	if err == nil {
		pattern, err = d.store.AddRoute(d.ctx(c), actor(c), svc, env, pattern)
	}
	if err != nil {
		return d.fieldFailure(c, err, "route", map[string]string{"route": pattern})
	}
	return done(c, settingsPath(c), "Route "+pattern+" now serves "+env)
}

func (d *dashboard) handleSettingsLimits(c echo.Context) error {
	var l models.Limits
	fields := []struct {
		name string
		into *int
	}{{"cpu_ms", &l.CPUMs}, {"wall_ms", &l.WallMs}, {"subrequests", &l.Subrequests},
		{"request_body_mib", &l.RequestMiB}, {"connections", &l.Connections}, {"stack_depth", &l.StackDepth}}
	for _, f := range fields {
		v, err := strconv.Atoi(strings.TrimSpace(c.FormValue(f.name)))
		if err != nil || v < 1 {
			return d.settingsPage(c, http.StatusUnprocessableEntity, views.FieldErrors{f.name: "enter a whole number, at least 1"}, nil)
		}
		*f.into = v
	}
	msg := fmt.Sprintf("Limits: CPU %d ms, wall %d ms, %d subrequests, %d MiB bodies, %d connections, call depth %d",
		l.CPUMs, l.WallMs, l.Subrequests, l.RequestMiB, l.Connections, l.StackDepth)
	res, err := d.store.UpdateSettings(d.ctx(c), actor(c), c.Param("service"), c.Param("env"), "settings", msg,
		func(s *models.Settings) error { s.Limits = l; return nil })
	if err != nil {
		field := "cpu_ms"
		for _, f := range fields {
			if strings.Contains(err.Error(), "limits."+f.name) {
				field = f.name
			}
		}
		return d.fieldFailure(c, err, field, nil)
	}
	return settingsSaved(c, res, msg)
}

func (d *dashboard) handleCronRunNow(c echo.Context) error {
	run, err := d.runCronNow(c, c.Param("service"), c.Param("env"), c.FormValue("cron"))
	if err != nil {
		return failed(c, settingsPath(c)+"#crons", err)
	}
	msg := "Ran scheduled(" + run.Cron + "): " + run.Outcome
	if run.Error != "" {
		setFlash(c, "error", msg+": "+run.Error)
		return c.Redirect(http.StatusSeeOther, settingsPath(c)+"#crons")
	}
	return done(c, settingsPath(c)+"#crons", msg)
}
