package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/runtime"
)

// GatewayConfig configures the listener that runs workers.
type GatewayConfig struct {
	Store  *models.Store
	Domain string // services answer at <env>.<service>.<Domain>
	// Port is appended to generated URLs ("8787"); empty for 80.
	Port string
	Logs *LogBuffer
	Log  *slog.Logger
}

// Gateway routes requests to the live version of an environment and runs it in the engine.
type Gateway struct {
	cfg    GatewayConfig
	engine *runtime.Engine
	table  atomic.Pointer[routeTable]

	// reloadMu serialises Reload so an older snapshot never replaces a newer one.
	reloadMu sync.Mutex
	mu       sync.Mutex
	workers  map[uint]*workerEntry // by version id
}

type workerEntry struct {
	label  string // the label it is loaded with; set when the entry is made
	once   sync.Once
	worker atomic.Pointer[runtime.Worker] // set once loaded; readable without waiting on once (see runtimesHeld)
	err    error
}

// NewGateway makes a gateway with an empty routing table; call SetEngine and Reload before serving.
func NewGateway(cfg GatewayConfig) *Gateway {
	g := &Gateway{cfg: cfg, workers: map[uint]*workerEntry{}}
	g.table.Store(&routeTable{envs: map[string]*liveEnv{}})
	return g
}

// SetEngine connects the engine, which in turn reaches other services through the gateway.
func (g *Gateway) SetEngine(e *runtime.Engine) { g.engine = e }

// Reload rebuilds the routing snapshot from the store and swaps it in atomically; requests in flight keep
// the version they started on. Workers of versions that left the table are dropped, and so are those
// of a renamed environment: a worker files its log lines under the label it was loaded with.
func (g *Gateway) Reload(ctx context.Context) error {
	g.reloadMu.Lock()
	defer g.reloadMu.Unlock()
	live, err := g.cfg.Store.Live(ctx)
	if err != nil {
		return err
	}
	t := buildTable(live)
	g.warmAhead(ctx, g.table.Load(), t)
	g.table.Store(t)
	labels := map[uint]string{} // live version ID → its worker's label
	for _, e := range t.envs {
		for i := range e.splits {
			labels[e.splits[i].Version.ID] = label(e, &e.splits[i].Version)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for id, ent := range g.workers {
		if want, ok := labels[id]; !ok || ent.label != want {
			delete(g.workers, id)
			g.engine.Unload(workerID(id))
		}
	}
	return nil
}

func workerID(versionID uint) string { return strconv.FormatUint(uint64(versionID), 10) }

// ServeHTTP answers a request on the gateway listener.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := hostOnly(r.Host)
	tg := g.table.Load().resolve(host, r.URL.Path, g.cfg.Domain)
	if tg.env == nil {
		g.notFound(w, host, tg)
		return
	}
	v, err := g.version(r.Context(), tg, r)
	if err != nil {
		g.notFound(w, host, tg)
		return
	}
	wk, err := g.worker(r.Context(), tg.env, v)
	if err != nil {
		g.cfg.Log.Error("worker failed to start", "service", tg.service, "env", tg.envName, "version", v.Number, "err", err)
		http.Error(w, "Worker failed to start; see the environment's logs", http.StatusInternalServerError)
		return
	}
	// Which version answered, so splits and pins can be checked from outside. The name is canonical
	// already, so it goes in without Header.Set's scan.
	w.Header()[headerVersionOverride] = []string{strconv.Itoa(v.Number)}
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	wk.ServeHTTP(rec, r)
	if g.cfg.Logs != nil {
		g.logRequest(wk, start, requestLine(r, rec.status, time.Since(start), ""))
	}
}

// version picks the live version, or the previewed one for v<N> hostnames.
func (g *Gateway) version(ctx context.Context, tg target, r *http.Request) (*models.Version, error) {
	if tg.version == 0 {
		if len(tg.env.splits) == 0 {
			return nil, models.Errorf(models.ENOTFOUND, "nothing deployed")
		}
		return tg.env.pick(r), nil
	}
	return g.cfg.Store.GetVersion(ctx, tg.service, tg.envName, tg.version)
}

// ServiceWorker finds the worker of another environment's live version that serves a service
// binding's request; done logs the hop in that environment's log, with its timing.
func (g *Gateway) ServiceWorker(ctx context.Context, service, env string, req *http.Request) (*runtime.Worker, func(*http.Response, error), error) {
	if env == "" {
		env = models.ProductionEnvName
	}
	e := g.table.Load().envs[envKey(service, env)]
	if e == nil || len(e.splits) == 0 {
		return nil, nil, fmt.Errorf("service %s/%s has no deployed version", service, env)
	}
	v := e.pick(req)
	wk, err := g.worker(ctx, e, v)
	if err != nil {
		return nil, nil, err
	}
	start := time.Now()
	return wk, func(res *http.Response, err error) {
		status := 0
		if err == nil {
			status = res.StatusCode
		}
		g.logRequest(wk, start, requestLine(req, status, time.Since(start), " (service binding)"))
	}, nil
}

// CallService makes an RPC call on another environment's live version: a method of its default
// export, or of a named entrypoint. args and the result are in the runtime's serialised form.
func (g *Gateway) CallService(ctx context.Context, service, env, entrypoint, method, args string) (string, error) {
	if env == "" {
		env = models.ProductionEnvName
	}
	e := g.table.Load().envs[envKey(service, env)]
	if e == nil || len(e.splits) == 0 {
		return "", fmt.Errorf("service %s/%s has no deployed version", service, env)
	}
	v := &e.splits[0].Version
	wk, err := g.worker(ctx, e, v)
	if err != nil {
		return "", err
	}
	start := time.Now()
	out, err := wk.Call(ctx, entrypoint, method, args)
	status := "ok"
	if err != nil {
		status = "error"
	}
	g.logRequest(wk, start, fmt.Sprintf("RPC %s %s %s (service binding)", firstNonEmpty(entrypoint, "default")+"."+method, status, time.Since(start).Round(10*time.Microsecond)))
	return out, err
}

// logRequest records a request or a service-binding call in the log of the worker that served it.
func (g *Gateway) logRequest(wk *runtime.Worker, start time.Time, msg string) {
	g.logWorker(wk, start, "request", msg)
}

// logWorker writes a line to the log of the environment a worker serves.
func (g *Gateway) logWorker(wk *runtime.Worker, at time.Time, level, msg string) {
	if g.cfg.Logs != nil {
		g.cfg.Logs.Log(runtime.LogEntry{WorkerID: wk.ID(), Label: wk.Label(), Time: at, Level: level, Message: msg})
	}
}

// requestLine is a request's log line, "GET /path 200 1.23ms" (status 0 is "error"). It is appended
// piece by piece rather than formatted, as every request makes one.
func requestLine(r *http.Request, status int, took time.Duration, suffix string) string {
	uri := r.URL.RequestURI()
	b := make([]byte, 0, len(r.Method)+len(uri)+len(suffix)+24)
	b = append(append(append(b, r.Method...), ' '), uri...)
	b = append(b, ' ')
	if status == 0 {
		b = append(b, "error"...)
	} else {
		b = strconv.AppendInt(b, int64(status), 10)
	}
	b = append(append(b, ' '), took.Round(10*time.Microsecond).String()...)
	return string(append(b, suffix...))
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func label(e *liveEnv, v *models.Version) string {
	return fmt.Sprintf("%s/%s@v%d", e.service, e.env, v.Number)
}

// worker returns the loaded worker for a version, loading it once on first use.
func (g *Gateway) worker(ctx context.Context, e *liveEnv, v *models.Version) (*runtime.Worker, error) {
	g.mu.Lock()
	ent := g.workers[v.ID]
	if ent == nil {
		ent = &workerEntry{label: label(e, v)}
		g.workers[v.ID] = ent
	}
	g.mu.Unlock()
	ent.once.Do(func() {
		wk, err := g.load(ctx, e, v)
		ent.worker.Store(wk)
		ent.err = err
	})
	if ent.err != nil {
		g.mu.Lock()
		if g.workers[v.ID] == ent {
			delete(g.workers, v.ID) // retry on the next request
		}
		g.mu.Unlock()
	}
	return ent.worker.Load(), ent.err
}

func (g *Gateway) load(ctx context.Context, e *liveEnv, v *models.Version) (*runtime.Worker, error) {
	b, err := g.cfg.Store.GetBundle(ctx, v.BundleHash)
	if err != nil {
		return nil, err
	}
	secrets, err := g.cfg.Store.SecretValues(ctx, v.Settings.Secrets)
	if err != nil {
		return nil, err
	}
	spec := workerSpec(workerID(v.ID), label(e, v), &runtime.Bundle{Code: b.Code, SourceMap: b.SourceMap, Format: b.Format, Hash: b.Hash}, v.Settings)
	spec.Secrets, spec.Namespace = secrets, envKey(e.service, e.env)
	spec.Version = runtime.VersionInfo{ID: versionUUID(e.service, e.env, v.Number), Tag: v.Tag, Timestamp: v.CreatedAt}
	return g.engine.Load(spec)
}

// workerSpec turns a version's settings into what the runtime needs.
func workerSpec(id, lbl string, b *runtime.Bundle, s models.Settings) runtime.WorkerSpec {
	spec := runtime.WorkerSpec{ID: id, Label: lbl, Bundle: b, CPULimit: s.Limits.CPULimit(), WallLimit: s.Limits.WallLimit(),
		Subrequests: s.Limits.SubrequestLimit(), MaxRequestBody: s.Limits.RequestBodyLimit(), Connections: s.Limits.ConnectionLimit(),
		StackDepth: s.Limits.StackLimit(), Secrets: map[string]string{}}
	for _, v := range s.Vars {
		spec.Vars = append(spec.Vars, runtime.Var{Name: v.Name, JSON: v.Type == "json", Value: v.Value})
	}
	for _, b := range s.Bindings {
		target := map[string]string{"namespace_id": b.NamespaceID, "service": b.Service, "environment": b.Environment,
			"entrypoint": b.Entrypoint, "class_name": b.ClassName, "script_name": b.ScriptName, "bucket_name": b.BucketName, "queue": b.QueueName}
		for k, val := range target {
			if val == "" {
				delete(target, k)
			}
		}
		spec.Bindings = append(spec.Bindings, runtime.Binding{Name: b.Name, Type: b.Type, Target: target})
	}
	return spec
}

// checkStarts loads a freshly built bundle once so a script that throws at start-up is refused at upload.
func (g *Gateway) checkStarts(b *runtime.Bundle, s models.Settings) error {
	spec := workerSpec("check-"+b.Hash, "upload check", b, s)
	for _, ref := range s.Secrets {
		spec.Secrets[ref.Name] = ""
	}
	if _, err := g.engine.Load(spec); err != nil {
		return invalid("script failed to start: %v", err)
	}
	g.engine.Unload(spec.ID)
	return nil
}

// checkRoutes refuses custom routes inside Weft's own domain, whose hostnames belong to services.
func (g *Gateway) checkRoutes(patterns []string) error {
	for _, p := range patterns {
		n, err := models.NormaliseRoute(p)
		if err != nil {
			return err
		}
		host := strings.TrimPrefix(n[:strings.IndexByte(n, '/')], "*.")
		if host == g.cfg.Domain || strings.HasSuffix(host, "."+g.cfg.Domain) {
			return invalid("route %q is inside Weft's domain %s, whose hostnames are generated per environment", p, g.cfg.Domain)
		}
	}
	return nil
}

func hostOnly(hostport string) string {
	if strings.IndexByte(hostport, ':') >= 0 { // without one, SplitHostPort would only make an error
		if h, _, err := net.SplitHostPort(hostport); err == nil {
			hostport = h
		}
	}
	return strings.ToLower(strings.TrimSuffix(hostport, "."))
}

func (g *Gateway) notFound(w http.ResponseWriter, host string, tg target) {
	why := "No service is configured for this hostname."
	switch {
	case tg.env != nil && tg.version > 0:
		why = fmt.Sprintf("Environment %s of service %s has no version %d.", tg.envName, tg.service, tg.version)
	case tg.env != nil:
		why = fmt.Sprintf("Environment %s of service %s has no deployed version yet.", tg.envName, tg.service)
	case tg.service != "":
		why = fmt.Sprintf("There is no environment %s of service %s.", tg.envName, tg.service)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprintf(w, `<!doctype html><title>Not found · Weft</title><h1>404: nothing here</h1><p>%s</p>
<p>Services answer at <code>&lt;service&gt;.%s</code> (production) and <code>&lt;environment&gt;.&lt;service&gt;.%s</code>.</p>
<p><small>host: %s</small></p>`, html.EscapeString(why), html.EscapeString(g.cfg.Domain), html.EscapeString(g.cfg.Domain), html.EscapeString(host))
}

// URLs are an environment's hostnames.
func (g *Gateway) URLs(service, env string) []string {
	urls := []string{g.url(env + "." + service)}
	if env == models.ProductionEnvName {
		urls = append([]string{g.url(service)}, urls...)
	}
	return urls
}

// VersionURL is where a version can be tried before it is deployed.
func (g *Gateway) VersionURL(service, env string, n int) string {
	return g.url(fmt.Sprintf("v%d.%s.%s", n, env, service))
}

// ServiceURLs maps each environment of a service to its URLs.
func (g *Gateway) ServiceURLs(s *models.ServiceSummary) map[string][]string {
	out := map[string][]string{}
	for _, e := range s.Environments {
		out[e.Name] = g.URLs(s.Name, e.Name)
	}
	return out
}

func (g *Gateway) url(sub string) string {
	host := sub + "." + g.cfg.Domain
	if g.cfg.Port != "" && g.cfg.Port != "80" {
		host += ":" + g.cfg.Port
	}
	return "http://" + host + "/"
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// WriteString writes a string body without copying it to bytes first, as net/http's writer does.
func (s *statusRecorder) WriteString(str string) (int, error) {
	return io.WriteString(s.ResponseWriter, str)
}

// Unwrap lets http.ResponseController reach the connection (full duplex, flushing).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Try runs one request against unsaved code with an environment's settings and real secrets (the
// dashboard's preview); nothing is cached, pooled or stored.
func (g *Gateway) Try(ctx context.Context, b *runtime.Bundle, s models.Settings, logs runtime.LogSink, rw http.ResponseWriter, r *http.Request) error {
	secrets, err := g.cfg.Store.SecretValues(ctx, s.Secrets)
	if err != nil {
		return err
	}
	spec := workerSpec("preview-"+b.Hash, "preview", b, s)
	spec.Secrets, spec.Logs = secrets, logs
	return g.engine.Try(spec, rw, r.WithContext(ctx))
}

// DurableHost is the worker whose code an environment's Durable Objects run: its live version (the
// one with the largest share during a split).
func (g *Gateway) DurableHost(namespace string) (*runtime.Worker, error) {
	e := g.table.Load().envs[namespace]
	if e == nil || len(e.splits) == 0 {
		return nil, fmt.Errorf("%s has no deployed version to run its Durable Objects", namespace)
	}
	top := &e.splits[0]
	for i := range e.splits {
		if e.splits[i].Percentage > top.Percentage {
			top = &e.splits[i]
		}
	}
	return g.worker(context.Background(), e, &top.Version)
}

// versionUUID is a version's stable id in UUID form, as Cloudflare's version ids are.
func versionUUID(service, env string, number int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("weft-version:%s/%s@%d", service, env, number)))
	sum[6] = sum[6]&0x0f | 0x80 // version 8: custom
	sum[8] = sum[8]&0x3f | 0x80
	h := hex.EncodeToString(sum[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
