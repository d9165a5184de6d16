package runtime

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
	lru "github.com/hashicorp/golang-lru/v2"
)

// Defaults for a version's limits.
const (
	DefaultCPULimit  = 50 * time.Millisecond
	DefaultWallLimit = 30 * time.Second
	// startupCPULimit bounds a script's top-level evaluation, as Workers' startup limit does.
	startupCPULimit = 400 * time.Millisecond
	maxSubrequests  = 50
	// programCacheSize compiled bundles are kept by hash, so a promotion or a restart of a worker
	// reuses the compiled program; the least recently used beyond that are dropped.
	programCacheSize = 1024
	maxConnections   = 6 // outbound requests of one request awaiting an answer at once, as in Workers
	maxRequestBody   = 100 << 20
	maxCallStack     = 2000
)

// EngineConfig configures the engine.
type EngineConfig struct {
	Logs     LogSink
	Fetch    *http.Client
	Services ServiceDispatcher
	KV       KVStore // nil: KV bindings throw
	Durable  DurableStore
	Queues   QueueStore
	R2       R2Store
	Cache    CacheStore
	// CFHeaders maps request.cf fields to request headers a trusted proxy in front of Weft sets, such
	// as {"country": "CF-IPCountry"}; untrusted clients must not be able to reach Weft directly.
	CFHeaders map[string]string
	// MemoryLimit is the heap size (bytes) at which running scripts are stopped; 0 means DefaultMemoryLimit.
	MemoryLimit uint64
	Hosts       DurableHosts // finds the live worker of an environment; nil in tests
	// PoolSize caps the idle runtimes a worker keeps (0: defaultPoolSize). A request holds its runtime
	// while it awaits I/O, so a worker whose requests wait on a Durable Object, a fetch or a timer has
	// as many busy as there are requests in flight; a cap near the core count would throw most away
	// after each burst and build them again on the next. ShrinkEvery trims what goes unused.
	PoolSize int
	// IdleRuntimes caps the idle runtimes of all workers together (0: defaultIdleRuntimes), so that
	// bursts to many workers at once cannot pool without bound between trims.
	IdleRuntimes int
	// ShrinkEvery is how often idle pools are trimmed to what the busiest moment since the last
	// trim needed (0: every 30 s); a worker without traffic keeps no runtime at all.
	ShrinkEvery time.Duration
}

// ServiceDispatcher finds where a service binding's request goes; the runtime runs it in-process.
type ServiceDispatcher interface {
	// ServiceWorker is the worker serving service/environment for req, and done, which the runtime
	// calls with the outcome once the worker has answered (to log the hop).
	ServiceWorker(ctx context.Context, service, environment string, req *http.Request) (w *Worker, done func(*http.Response, error), err error)
}

// LogSink receives console output, exceptions and request lines.
type LogSink interface{ Log(e LogEntry) }

// LogEntry is one log line of a worker.
type LogEntry struct {
	WorkerID string
	Label    string
	Time     time.Time
	Level    string // log, info, warn, error, debug, exception, request
	Message  string
}

// Var is a plain-text or JSON variable.
type Var struct {
	Name  string
	JSON  bool
	Value string
}

// Binding is a named capability other than a variable or secret.
type Binding struct {
	Name   string
	Type   string
	Target map[string]string
}

// WorkerSpec describes one immutable version of one environment.
type WorkerSpec struct {
	ID        string
	Label     string
	Bundle    *Bundle
	Vars      []Var
	Secrets   map[string]string
	Bindings  []Binding
	CPULimit  time.Duration
	WallLimit time.Duration
	// Subrequests caps fetch and service-binding calls per request (default 50).
	Subrequests int
	// MaxRequestBody (bytes, default 100 MiB), Connections (outbound requests awaiting an answer at
	// once, default 6) and StackDepth (JavaScript call depth, default 2,000) bound one request.
	MaxRequestBody int64
	Connections    int
	StackDepth     int
	// Version is what a version_metadata binding shows: id, tag and timestamp.
	Version VersionInfo
	// Namespace is "service/env": Durable Objects of this worker's classes belong to it.
	Namespace string
	// Logs, when set, receives this worker's lines instead of the engine's sink (previews).
	Logs LogSink
}

// withDefaults fills the limits a spec leaves at zero.
func (s *WorkerSpec) withDefaults() {
	setDefault(&s.CPULimit, DefaultCPULimit)
	setDefault(&s.WallLimit, DefaultWallLimit)
	setDefault(&s.Subrequests, maxSubrequests)
	setDefault(&s.MaxRequestBody, maxRequestBody)
	setDefault(&s.Connections, maxConnections)
	setDefault(&s.StackDepth, maxCallStack)
}

func setDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// VersionInfo describes the version a worker runs.
type VersionInfo struct {
	ID, Tag   string
	Timestamp time.Time
}

// defaultPoolSize is the most idle runtimes a worker keeps by default, and defaultIdleRuntimes the
// most all workers keep together. An idle runtime of a small script holds about 570 KiB, so the
// budget is about 570 MiB, a quarter of the default memory limit; the memory guard drops them all
// before it stops a script.
const (
	defaultPoolSize     = 128
	defaultIdleRuntimes = 1024
)

// Engine compiles bundles once and keeps a pool of runtimes per worker.
type Engine struct {
	cfg      EngineConfig
	mu       sync.Mutex
	programs *lru.Cache[string, *goja.Program] // by bundle hash; workers hold their own, so eviction only costs a recompile
	workers  map[string]*Worker                // by spec ID
	compiles atomic.Int64
	do       durables
	memory   *memoryGuard
	idle     *idleBudget
	shrinker sync.Once
}

// NewEngine makes an engine.
func NewEngine(cfg EngineConfig) *Engine {
	if cfg.Fetch == nil {
		cfg.Fetch = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.PoolSize <= 0 {
		cfg.PoolSize = defaultPoolSize
	}
	if cfg.IdleRuntimes <= 0 {
		cfg.IdleRuntimes = defaultIdleRuntimes
	}
	if cfg.MemoryLimit == 0 {
		cfg.MemoryLimit = DefaultMemoryLimit
	}
	if cfg.ShrinkEvery <= 0 {
		cfg.ShrinkEvery = 30 * time.Second
	}
	programs, _ := lru.New[string, *goja.Program](programCacheSize)
	e := &Engine{cfg: cfg, programs: programs, workers: map[string]*Worker{}, idle: &idleBudget{max: int64(cfg.IdleRuntimes)}}
	e.memory = &memoryGuard{limit: cfg.MemoryLimit, running: map[*instance]time.Time{}, release: e.DropIdleRuntimes}
	return e
}

// Compiles counts bundle compilations; a promoted bundle must not add one.
func (e *Engine) Compiles() int64 { return e.compiles.Load() }

// program returns the compiled program for a bundle, compiling it on first use.
func (e *Engine) program(b *Bundle) (*goja.Program, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.programs.Get(b.Hash); ok {
		return p, nil
	}
	p, err := compile(b)
	if err != nil {
		return nil, err
	}
	e.compiles.Add(1)
	e.programs.Add(b.Hash, p)
	return p, nil
}

func compile(b *Bundle) (*goja.Program, error) {
	sm := []byte(b.SourceMap)
	ast, err := goja.Parse(bundleFile, b.Code, parser.WithSourceMapLoader(func(string) ([]byte, error) { return sm, nil }))
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	// A modules worker is ES module code, which is always strict (esbuild's IIFE wrapper drops the
	// implied "use strict"); a service-worker script is a classic script, sloppy unless it says so.
	p, err := goja.CompileAST(ast, b.Format == "modules")
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	return p, nil
}

// Load returns the worker for spec.ID, creating it (and starting one runtime, so a script that cannot
// start is reported now) if needed.
func (e *Engine) Load(spec WorkerSpec) (*Worker, error) {
	e.mu.Lock()
	w := e.workers[spec.ID]
	e.mu.Unlock()
	if w != nil {
		return w, nil
	}
	if spec.Bundle == nil {
		return nil, fmt.Errorf("worker %s has no bundle", spec.Label)
	}
	prg, err := e.program(spec.Bundle)
	if err != nil {
		return nil, err
	}
	spec.withDefaults()
	w = &Worker{engine: e, spec: spec, program: prg, idle: newIdleRuntimes(e.cfg.PoolSize), budget: e.idle}
	first, err := w.newInstance()
	if err != nil {
		return nil, err
	}
	w.keep(first)
	e.mu.Lock()
	defer e.mu.Unlock()
	if existing := e.workers[spec.ID]; existing != nil {
		w.drain() // another Load won the race; its worker is the one kept
		return existing, nil
	}
	e.workers[spec.ID] = w
	e.shrinker.Do(func() { go e.shrinkEvery(e.cfg.ShrinkEvery) })
	return w, nil
}

func (e *Engine) shrinkEvery(d time.Duration) {
	for range time.Tick(d) {
		e.ShrinkPools()
	}
}

// ShrinkPools trims every worker's idle runtimes to the most it had busy at once since the last trim.
func (e *Engine) ShrinkPools() {
	for _, w := range e.loaded() {
		w.shrink()
	}
}

// loaded lists the workers, so their pools can be trimmed without holding the engine's lock.
func (e *Engine) loaded() []*Worker {
	e.mu.Lock()
	defer e.mu.Unlock()
	ws := make([]*Worker, 0, len(e.workers))
	for _, w := range e.workers {
		ws = append(ws, w)
	}
	return ws
}

// DropIdleRuntimes empties every worker's pool; the next request to each starts a runtime.
func (e *Engine) DropIdleRuntimes() {
	for _, w := range e.loaded() {
		w.drain()
	}
}

// IdleRuntimes counts the runtimes pooled across all workers.
func (e *Engine) IdleRuntimes() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, w := range e.workers {
		n += w.idle.len()
	}
	return n
}

// Unload forgets a worker's idle runtimes; requests in flight finish on what they hold.
func (e *Engine) Unload(id string) {
	e.mu.Lock()
	w := e.workers[id]
	delete(e.workers, id)
	e.mu.Unlock()
	if w != nil {
		w.drain()
	}
}

func (e *Engine) log(spec *WorkerSpec, level, msg string) {
	sink := e.cfg.Logs
	if spec.Logs != nil {
		sink = spec.Logs
	}
	if sink != nil {
		sink.Log(LogEntry{WorkerID: spec.ID, Label: spec.Label, Time: time.Now(), Level: level, Message: msg})
	}
}

// Try serves one request with a worker that is neither pooled nor kept, and whose program is not
// cached: the dashboard's preview of code that has not been saved.
func (e *Engine) Try(spec WorkerSpec, rw http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	prg, _ := e.programs.Get(spec.Bundle.Hash)
	e.mu.Unlock()
	if prg == nil {
		var err error
		if prg, err = compile(spec.Bundle); err != nil {
			return err
		}
	}
	spec.withDefaults()
	w := &Worker{engine: e, spec: spec, program: prg, idle: newIdleRuntimes(1)}
	in, err := w.newInstance()
	if err != nil {
		return err
	}
	w.keep(in)
	w.serve(rw, r) // a body cut short shows in the preview's console
	return nil
}
