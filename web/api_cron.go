package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/weft-dev/weft/models"
)

func (a *api) registerCronRoutes(g *echo.Group) {
	p := "/services/:service/environments/:env/cron-runs"
	g.GET(p, a.handleCronRunList)
	g.POST(p, a.handleCronRunNow)
}

func (a *api) handleCronRunList(c echo.Context) error {
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	runs, err := a.store.ListCronRuns(c.Request().Context(), c.Param("service"), c.Param("env"), limit)
	if err != nil {
		return err
	}
	settings, err := a.store.CurrentSettings(c.Request().Context(), c.Param("service"), c.Param("env"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"crons": nonNil(settings.Crons), "runs": runs})
}

// handleCronRunNow runs scheduled() at once; {"cron": "..."} picks the trigger (default: the first).
func (a *api) handleCronRunNow(c echo.Context) error {
	var in struct {
		Cron string `json:"cron"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	run, err := a.runCronNow(c, c.Param("service"), c.Param("env"), in.Cron)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"run": run})
}

// runCronNow is "run now" for the API and the dashboard: the cron must be one of the environment's.
func (a *api) runCronNow(c echo.Context, svc, env, expr string) (*models.CronRun, error) {
	settings, err := a.store.CurrentSettings(c.Request().Context(), svc, env)
	if err != nil {
		return nil, err
	}
	if len(settings.Crons) == 0 {
		return nil, invalid("%s/%s has no cron triggers; add [triggers] crons to its wrangler.toml", svc, env)
	}
	if expr == "" {
		expr = settings.Crons[0]
	}
	found := false
	for _, x := range settings.Crons {
		found = found || x == expr
	}
	if !found {
		return nil, invalid("%q is not one of %s/%s's cron triggers %v", expr, svc, env, settings.Crons)
	}
	run, err := a.gateway.RunCron(c.Request().Context(), a.store, svc, env, expr, time.Now(), "manual")
	if err != nil {
		return nil, err
	}
	if err := a.store.Audit(c.Request().Context(), actor(c), "cron.run", "cron "+svc+"/"+env+" "+expr, run.Outcome); err != nil {
		return nil, err
	}
	return run, nil
}
