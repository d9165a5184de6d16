package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/views"
)

func (d *dashboard) registerDeploymentPages(g *echo.Group) {
	p := "/services/:service/environments/:env/deployments"
	g.GET(p, d.handleDeploymentsPage)
	g.GET(p+"/diff", d.handleDiffPage)
	g.GET(p+"/preview", d.handleVersionPreview)
	g.GET(p+"/rollback", d.handleRollbackConfirm)
	g.POST(p+"/rollback", d.handleRollbackDo)
	g.GET(p+"/promote", d.handlePromoteConfirm)
	g.POST(p+"/promote", d.handlePromoteDo)
	g.POST(p+"/split", d.handleSplitDeploy)
}

func deploymentsPath(c echo.Context) string {
	return "/services/" + c.Param("service") + "/environments/" + c.Param("env") + "/deployments"
}

func (d *dashboard) handleDeploymentsPage(c echo.Context) error {
	svc, env := c.Param("service"), c.Param("env")
	e, err := d.findEnvironment(c, svc, env)
	if err != nil {
		return err
	}
	vs, err := d.store.ListVersions(d.ctx(c), svc, env)
	if err != nil {
		return err
	}
	ds, err := d.store.ListDeployments(d.ctx(c), svc, env)
	if err != nil {
		return err
	}
	envs, err := d.store.ListEnvironments(d.ctx(c), svc)
	if err != nil {
		return err
	}
	props := views.DeploymentsProps{Service: svc, Env: env, Versions: vs, Deployments: ds, Live: e.Live, URL: d.gateway.URLs(svc, env)[0]}
	for _, o := range envs {
		if o.Name != env {
			props.Others = append(props.Others, o.Name)
		}
	}
	return render(c, http.StatusOK, views.DeploymentsPage(d.envPage(c, svc, env, "deployments", "Deployments"), props))
}

func queryVersion(c echo.Context, name string) (int, error) {
	n, err := strconv.Atoi(c.QueryParam(name))
	if err != nil || n < 1 {
		return 0, invalid("%s must be a version number", name)
	}
	return n, nil
}

// versionWithCode loads a version and its source modules.
func (d *dashboard) versionWithCode(c echo.Context, svc, env string, n int) (*models.Version, models.Modules, error) {
	v, err := d.store.GetVersion(d.ctx(c), svc, env, n)
	if err != nil {
		return nil, nil, err
	}
	b, err := d.store.GetBundle(d.ctx(c), v.BundleHash)
	if err != nil {
		return nil, nil, err
	}
	return v, b.Modules, nil
}

func (d *dashboard) handleDiffPage(c echo.Context) error {
	svc, env := c.Param("service"), c.Param("env")
	from, err := queryVersion(c, "from")
	if err != nil {
		return err
	}
	to, err := queryVersion(c, "to")
	if err != nil {
		return err
	}
	a, am, err := d.versionWithCode(c, svc, env, from)
	if err != nil {
		return err
	}
	b, bm, err := d.versionWithCode(c, svc, env, to)
	if err != nil {
		return err
	}
	props := views.DiffProps{Service: svc, Env: env, From: from, To: to, Code: codeDiff(am, bm), Settings: settingsDiff(a.Settings, b.Settings)}
	return render(c, http.StatusOK, views.DiffPage(d.page(c, "Compare versions", envCrumbs(svc, env, "Compare")...), props))
}

func (d *dashboard) handleVersionPreview(c echo.Context) error {
	n, err := queryVersion(c, "version")
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, d.gateway.VersionURL(c.Param("service"), c.Param("env"), n))
}

// liveVersion is the version serving most of the environment's traffic.
func (d *dashboard) liveVersion(c echo.Context, svc, env string) (*models.Version, models.Modules, error) {
	e, err := d.findEnvironment(c, svc, env)
	if err != nil {
		return nil, nil, err
	}
	if len(e.Live) == 0 {
		return nil, nil, nil
	}
	top := e.Live[0]
	for _, s := range e.Live {
		if s.Percentage > top.Percentage {
			top = s
		}
	}
	return d.versionWithCode(c, svc, env, top.Number)
}

func (d *dashboard) handleRollbackConfirm(c echo.Context) error {
	svc, env := c.Param("service"), c.Param("env")
	n, err := queryVersion(c, "version")
	if err != nil {
		return err
	}
	target, tm, err := d.versionWithCode(c, svc, env, n)
	if err != nil {
		return err
	}
	live, lm, err := d.liveVersion(c, svc, env)
	if err != nil {
		return err
	}
	props := views.ConfirmProps{Service: svc, Env: env, Title: "Roll " + env + " back to v" + strconv.Itoa(n) + "?",
		Explain: "A new deployment of v" + strconv.Itoa(n) + " at 100%: its code and its settings, exactly as they were.",
		Action:  deploymentsPath(c) + "/rollback", Hidden: map[string]string{"version": strconv.Itoa(n)}, Button: "Roll back to v" + strconv.Itoa(n)}
	if live != nil {
		props.Code, props.Settings = codeDiff(lm, tm), settingsDiff(live.Settings, target.Settings)
		props.SecretsDiffer = models.DifferingSecrets(live.Settings, target.Settings)
		props.Explain += " Live now: v" + strconv.Itoa(live.Number) + "."
	}
	return render(c, http.StatusOK, views.ConfirmPage(d.page(c, "Confirm rollback", envCrumbs(svc, env, "Rollback")...), props))
}

func (d *dashboard) handleRollbackDo(c echo.Context) error {
	svc, env := c.Param("service"), c.Param("env")
	n, err := strconv.Atoi(c.FormValue("version"))
	if err != nil || n < 1 {
		return invalid("version must be a version number")
	}
	res, err := d.store.Rollback(d.ctx(c), actor(c), models.RollbackInput{Service: svc, Environment: env, Number: n,
		Message: c.FormValue("message"), Force: c.FormValue("force") != ""})
	if err != nil {
		return failed(c, deploymentsPath(c), err)
	}
	return done(c, deploymentsPath(c), "Rolled back: v"+strconv.Itoa(res.Version.Number)+" is live at 100%")
}

func (d *dashboard) handlePromoteConfirm(c echo.Context) error {
	svc, from, to := c.Param("service"), c.Param("env"), c.QueryParam("to")
	src, sm, err := d.liveVersion(c, svc, from)
	if err != nil {
		return err
	}
	if src == nil {
		return failed(c, deploymentsPath(c), invalid("%s has nothing deployed to promote", from))
	}
	dst, dm, err := d.liveVersion(c, svc, to)
	if err != nil {
		return err
	}
	props := views.ConfirmProps{Service: svc, Env: from, Title: "Promote " + from + " to " + to + "?",
		Explain: to + " gets a new version running " + from + "'s live code (v" + strconv.Itoa(src.Number) + ", bundle " + src.BundleHash[:12] + "), not rebuilt.",
		Action:  deploymentsPath(c) + "/promote", Hidden: map[string]string{"to": to}, Button: "Promote to " + to,
		Code:         codeDiff(dm, sm),
		SettingsNote: to + " keeps its own variables, secrets, bindings and limits: settings never travel with a promotion."}
	if dst == nil {
		props.Explain += " " + to + " has nothing deployed yet."
	}
	return render(c, http.StatusOK, views.ConfirmPage(d.page(c, "Confirm promotion", envCrumbs(svc, from, "Promote")...), props))
}

func (d *dashboard) handlePromoteDo(c echo.Context) error {
	svc, from, to := c.Param("service"), c.Param("env"), c.FormValue("to")
	res, err := d.store.Promote(d.ctx(c), actor(c), svc, from, to, c.FormValue("message"))
	if err != nil {
		return failed(c, deploymentsPath(c), err)
	}
	return done(c, "/services/"+svc+"/environments/"+to+"/deployments",
		"Promoted "+from+" to "+to+": v"+strconv.Itoa(res.Version.Number)+" is live")
}

func (d *dashboard) handleSplitDeploy(c echo.Context) error {
	a, errA := strconv.Atoi(c.FormValue("a"))
	b, errB := strconv.Atoi(c.FormValue("b"))
	pct, errP := strconv.Atoi(c.FormValue("percentage"))
	if errA != nil || errB != nil || errP != nil {
		return failed(c, deploymentsPath(c), invalid("pick two versions and a whole-number percentage"))
	}
	splits := []models.SplitInput{{Number: a, Percentage: pct}, {Number: b, Percentage: 100 - pct}}
	if _, err := d.store.Deploy(d.ctx(c), actor(c), c.Param("service"), c.Param("env"), splits, c.FormValue("message")); err != nil {
		return failed(c, deploymentsPath(c), err)
	}
	return done(c, deploymentsPath(c), "Deployed v"+strconv.Itoa(a)+" at "+strconv.Itoa(pct)+"% and v"+strconv.Itoa(b)+" at "+strconv.Itoa(100-pct)+"%")
}
