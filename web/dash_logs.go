package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/weft-dev/weft/runtime"
	"github.com/weft-dev/weft/views"
)

func (d *dashboard) registerLogPages(g *echo.Group) {
	p := "/services/:service/environments/:env/logs"
	g.GET(p, d.handleLogsPage)
	g.GET(p+"/stream", d.handleLogsStream)
}

func (d *dashboard) handleLogsPage(c echo.Context) error {
	svc, env := c.Param("service"), c.Param("env")
	if _, err := d.findEnvironment(c, svc, env); err != nil {
		return err
	}
	props := views.LogsProps{Service: svc, Env: env}
	for _, e := range d.gateway.cfg.Logs.Recent(svc, env, 200) {
		props.Recent = append(props.Recent, logLine(e))
	}
	return render(c, http.StatusOK, views.LogsPage(d.envPage(c, svc, env, "logs", "Logs"), props))
}

// handleLogsStream sends the environment's new log lines as server-sent events until the browser leaves.
func (d *dashboard) handleLogsStream(c echo.Context) error {
	svc, env := c.Param("service"), c.Param("env")
	if _, err := d.findEnvironment(c, svc, env); err != nil {
		return err
	}
	lines, cancel := d.gateway.cfg.Logs.Subscribe(svc, env)
	defer cancel()
	w := c.Response()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": connected\n\n")
	w.Flush()
	keepalive := time.NewTicker(20 * time.Second)
	defer keepalive.Stop()
	for {
		select {
		case <-c.Request().Context().Done():
			return nil
		case <-keepalive.C:
			fmt.Fprint(w, ": keepalive\n\n")
		case e := <-lines:
			b, _ := json.Marshal(logLine(e))
			fmt.Fprintf(w, "event: log\ndata: %s\n\n", b)
		}
		w.Flush()
	}
}

func logLine(e runtime.LogEntry) views.LogLine {
	_, version, _ := strings.Cut(e.Label, "@")
	return views.LogLine{Time: e.Time.Local().Format("15:04:05.000"), Level: e.Level, Version: version, Message: e.Message}
}
