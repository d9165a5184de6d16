package web

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/runtime"
	"github.com/weft-dev/weft/views"
)

func (d *dashboard) registerEditRoutes(g *echo.Group) {
	p := "/services/:service/environments/:env"
	g.GET(p+"/edit", d.handleEditPage)
	g.POST(p+"/edit/preview", d.handleEditPreview)
	g.POST(p+"/edit/save", d.handleEditSave)
}

// envPage is the frame of an environment's page: title, breadcrumbs and the environment switcher.
func (d *dashboard) envPage(c echo.Context, svc, env, page, title string) views.Page {
	p := d.page(c, title+" · "+env+" · "+svc, envCrumbs(svc, env, title)...)
	if envs, err := d.store.ListEnvironments(d.ctx(c), svc); err == nil {
		p.EnvNav = &views.EnvNav{Service: svc, Current: env, Page: page}
		for _, e := range envs {
			p.EnvNav.Envs = append(p.EnvNav.Envs, e.Name)
		}
	}
	return p
}

func envCrumbs(svc, env, page string) []views.Crumb {
	return []views.Crumb{servicesCrumb(), serviceCrumb(svc), {Label: env, Href: "/services/" + svc + "/environments/" + env + "/deployments"}, {Label: page}}
}

// currentCode is what Quick Edit opens: the live version's modules, else the newest version's, else a
// starter module.
func (d *dashboard) currentCode(c echo.Context, svc, env string) ([]models.Module, string, int, error) {
	e, err := d.findEnvironment(c, svc, env)
	if err != nil {
		return nil, "", 0, err
	}
	n := 0
	if len(e.Live) > 0 {
		n = e.Live[0].Number
	} else if vs, err := d.store.ListVersions(d.ctx(c), svc, env); err != nil {
		return nil, "", 0, err
	} else if len(vs) > 0 {
		n = vs[0].Number
	}
	if n == 0 {
		return []models.Module{{Name: "index.js", Content: serviceTemplates[0].Modules[0].Content}}, "index.js", 0, nil
	}
	v, err := d.store.GetVersion(d.ctx(c), svc, env, n)
	if err != nil {
		return nil, "", 0, err
	}
	b, err := d.store.GetBundle(d.ctx(c), v.BundleHash)
	if err != nil {
		return nil, "", 0, err
	}
	return b.Modules, b.Main, n, nil
}

func (d *dashboard) handleEditPage(c echo.Context) error {
	svc, env := c.Param("service"), c.Param("env")
	mods, main, n, err := d.currentCode(c, svc, env)
	if err != nil {
		return err
	}
	props := views.EditProps{Service: svc, Env: env, Modules: mods, Main: main, FromVersion: n, URL: d.gateway.URLs(svc, env)[0]}
	return render(c, http.StatusOK, views.EditPage(d.envPage(c, svc, env, "edit", "Quick Edit"), props))
}

// editRequest is Quick Edit's unsaved code, and for a preview the request to send it.
type editRequest struct {
	Modules []runtime.Module `json:"modules"`
	Main    string           `json:"main"`
	Message string           `json:"message"`
	Deploy  bool             `json:"deploy"`
	Method  string           `json:"method"`
	Path    string           `json:"path"`
	Headers [][2]string      `json:"headers"`
	Body    string           `json:"body"`
}

// problem is an error at a place in the code, for the editor to mark.
type problem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

type previewResult struct {
	Status     int          `json:"status"`
	Headers    [][2]string  `json:"headers"`
	Body       string       `json:"body"`
	BodyBase64 bool         `json:"body_base64"`
	TimeMs     float64      `json:"time_ms"`
	Logs       []previewLog `json:"logs"`
	Problems   []problem    `json:"problems"`
}

type previewLog struct {
	Level   string `json:"level"`
	Message string `json:"message"`
}

type previewLogs struct {
	mu    sync.Mutex
	lines []previewLog
}

func (p *previewLogs) Log(e runtime.LogEntry) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.lines) < 500 {
		p.lines = append(p.lines, previewLog{Level: e.Level, Message: e.Message})
	}
}

// handleEditPreview runs the unsaved code against one request with the environment's settings, and
// reports the response, the console and any problem with its file and line. Nothing is stored.
func (d *dashboard) handleEditPreview(c echo.Context) error {
	svc, env := c.Param("service"), c.Param("env")
	var in editRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	settings, err := d.store.CurrentSettings(d.ctx(c), svc, env)
	if err != nil {
		return err
	}
	out := previewResult{Headers: [][2]string{}, Logs: []previewLog{}, Problems: []problem{}}
	b, err := buildModules(in.Modules, in.Main)
	if err != nil {
		out.Problems = problems(err)
		return c.JSON(http.StatusOK, out)
	}
	req, err := previewRequest(d.gateway.URLs(svc, env)[0], in)
	if err != nil {
		return err
	}
	logs := &previewLogs{}
	rec := httptest.NewRecorder()
	start := time.Now()
	if err := d.gateway.Try(d.ctx(c), b, settings, logs, rec, req); err != nil {
		out.Problems = problems(err)
	} else {
		out.Status = rec.Code
		for k, vs := range rec.Header() {
			for _, v := range vs {
				out.Headers = append(out.Headers, [2]string{strings.ToLower(k), v})
			}
		}
		out.Body = rec.Body.String()
		if !utf8.ValidString(out.Body) {
			out.Body, out.BodyBase64 = base64.StdEncoding.EncodeToString(rec.Body.Bytes()), true
		}
	}
	out.TimeMs = float64(time.Since(start).Microseconds()) / 1000
	out.Logs = logs.lines
	for _, l := range logs.lines {
		if l.Level == "exception" {
			out.Problems = append(out.Problems, stackProblem(l.Message))
		}
	}
	return c.JSON(http.StatusOK, out)
}

func previewRequest(base string, in editRequest) (*http.Request, error) {
	method := strings.ToUpper(strings.TrimSpace(in.Method))
	if method == "" {
		method = http.MethodGet
	}
	path := in.Path
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	var body *strings.Reader
	if in.Body != "" && method != http.MethodGet && method != http.MethodHead {
		body = strings.NewReader(in.Body)
	}
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequest(method, strings.TrimSuffix(base, "/")+path, body)
	} else {
		req, err = http.NewRequest(method, strings.TrimSuffix(base, "/")+path, nil)
	}
	if err != nil {
		return nil, invalid("request: %v", err)
	}
	for _, h := range in.Headers {
		if strings.TrimSpace(h[0]) != "" {
			req.Header.Add(strings.TrimSpace(h[0]), h[1])
		}
	}
	return req, nil
}

// buildModules bundles without the upload's size and start-up checks (the preview starts it anyway).
func buildModules(mods []runtime.Module, main string) (*runtime.Bundle, error) {
	if len(mods) == 0 {
		return nil, invalid("there are no files")
	}
	if main == "" {
		main = mods[0].Name
	}
	return runtime.Build(mods, main)
}

// problems turns a build or start-up failure into places in the code.
func problems(err error) []problem {
	var be *runtime.BuildErrors
	if errors.As(err, &be) {
		out := make([]problem, 0, len(*be))
		for _, e := range *be {
			out = append(out, problem{File: e.File, Line: e.Line, Column: e.Column, Message: e.Message})
		}
		return out
	}
	var de *models.Error
	if errors.As(err, &de) {
		if d, ok := de.Details.(map[string]any); ok {
			if be, ok := d["errors"].(runtime.BuildErrors); ok {
				return problems(&be)
			}
		}
	}
	return []problem{stackProblem(models.ErrorMessage(err))}
}

var stackPlace = regexp.MustCompile(`\(?([A-Za-z0-9_./@-]+\.(?:[cm]?[jt]sx?|json)):(\d+):(\d+)\)?`)

// stackProblem finds the first place in a message or stack that is in the user's own files.
func stackProblem(msg string) problem {
	p := problem{Message: strings.SplitN(msg, "\n", 2)[0]}
	for _, m := range stackPlace.FindAllStringSubmatch(msg, -1) {
		if strings.HasPrefix(m[1], "weft:") {
			continue
		}
		p.File = m[1]
		p.Line, _ = strconv.Atoi(m[2])
		p.Column, _ = strconv.Atoi(m[3])
		break
	}
	return p
}

// handleEditSave stores the code as a new version (deployed with "Save and deploy"), through the same
// upload path as the REST API; the environment's settings carry over unchanged.
func (d *dashboard) handleEditSave(c echo.Context) error {
	svc, env := c.Param("service"), c.Param("env")
	var in editRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	settings, err := d.store.CurrentSettings(d.ctx(c), svc, env)
	if err != nil {
		return err
	}
	res, err := d.upload(d.ctx(c), actor(c), svc, env, uploadRequest{Modules: in.Modules, Main: in.Main, Settings: &settings,
		Message: in.Message, Deploy: in.Deploy})
	if err != nil {
		if models.ErrorCode(err) == models.EINTERNAL {
			return err
		}
		return c.JSON(statusByCode[models.ErrorCode(err)], map[string]any{"error": models.ErrorMessage(err), "problems": problems(err)})
	}
	msg := "Saved version " + strconv.Itoa(res.Version.Number) + " (not deployed; preview at " + res.URLs[0] + ")"
	if in.Deploy {
		msg = "Deployed version " + strconv.Itoa(res.Version.Number) + " to " + env + " at 100%"
	}
	return c.JSON(http.StatusCreated, map[string]any{"version": res.Version.Number, "deployed": in.Deploy, "urls": res.URLs, "message": msg})
}
