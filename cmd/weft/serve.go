package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/weft-dev/weft/migrations"
	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/runtime"
	"github.com/weft-dev/weft/web"
)

// Config is everything `weft serve` needs, from flags and environment.
type Config struct {
	DataDir     string
	AdminAddr   string
	GatewayAddr string
	Domain      string
	// AdminToken and SecretKey come from WEFT_ADMIN_TOKEN and WEFT_SECRET_KEY when set.
	AdminToken string
	SecretKey  string
	// AdminPassword, from WEFT_ADMIN_PASSWORD, is the dashboard password of user admin.
	AdminPassword string
}

// Main is the running server; tests start it on :0 ports with a temp data dir.
type Main struct {
	Config   Config
	Out      io.Writer // where first-start credentials are printed
	Log      *slog.Logger
	store    *models.Store
	admin    *http.Server
	gateway  *http.Server
	adminLn  net.Listener
	gwLn     net.Listener
	serveErr chan error
	queues   *web.QueueRunner
	crons    *web.CronRunner
	// stopJanitor ends the background housekeeping (expired KV keys).
	stopJanitor func()
}

func newServeCommand() *cobra.Command {
	var cfg Config
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run Weft: the gateway, the REST API and the dashboard",
		Long: `Run Weft: the gateway that runs workers (each environment at <env>.<service>.<domain>) and the
admin listener (REST API under /api/v1, dashboard). State lives in the data dir (SQLite, WAL).
On first start an admin API token is created, printed once and stored in <data>/admin-token;
set WEFT_ADMIN_TOKEN to choose it instead. The dashboard's user admin is created on first start with
a password printed once, or WEFT_ADMIN_PASSWORD's. Secrets are encrypted with the key in <data>/secret.key,
or WEFT_SECRET_KEY (64 hex characters).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.AdminToken = os.Getenv("WEFT_ADMIN_TOKEN")
			cfg.SecretKey = os.Getenv("WEFT_SECRET_KEY")
			cfg.AdminPassword = os.Getenv("WEFT_ADMIN_PASSWORD")
			defer tuneGC()()
			m := &Main{Config: cfg, Out: cmd.OutOrStdout(), Log: slog.New(slog.NewTextHandler(os.Stderr, nil))}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if err := m.Run(ctx); err != nil {
				return err
			}
			select {
			case <-ctx.Done():
			case err := <-m.serveErr:
				m.Close()
				return err
			}
			m.Log.Info("shutting down")
			return m.Close()
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.DataDir, "data", envOr("WEFT_DATA", "./weft-data"), "data directory (SQLite database, keys, token)")
	f.StringVar(&cfg.AdminAddr, "admin-addr", "127.0.0.1:8080", "listen address of the dashboard and REST API")
	f.StringVar(&cfg.GatewayAddr, "gateway-addr", "127.0.0.1:8787", "listen address of the gateway that runs workers")
	f.StringVar(&cfg.Domain, "domain", "localhost", "domain under which environments get hostnames")
	return cmd
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// Run opens the data dir, migrates, and starts both listeners. It returns once they accept connections.
func (m *Main) Run(ctx context.Context) error {
	if m.Log == nil {
		m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if m.Out == nil {
		m.Out = io.Discard
	}
	m.Config.Domain = strings.ToLower(strings.Trim(m.Config.Domain, "."))
	if m.Config.Domain == "" {
		return errors.New("--domain must not be empty")
	}
	if err := os.MkdirAll(m.Config.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	key, err := m.secretKey()
	if err != nil {
		return err
	}
	db, err := models.OpenDB(filepath.Join(m.Config.DataDir, "weft.db"))
	if err != nil {
		return err
	}
	if err := migrations.Apply(db); err != nil {
		return err
	}
	if m.store, err = models.NewStore(db, key); err != nil {
		return err
	}
	m.store.SetBlobDir(filepath.Join(m.Config.DataDir, "r2"))
	if err := m.ensureAdminToken(ctx); err != nil {
		return err
	}
	if err := m.ensureAdminUser(ctx); err != nil {
		return err
	}

	if m.adminLn, err = net.Listen("tcp", m.Config.AdminAddr); err != nil {
		return fmt.Errorf("admin listener: %w", err)
	}
	if m.gwLn, err = net.Listen("tcp", m.Config.GatewayAddr); err != nil {
		m.adminLn.Close()
		return fmt.Errorf("gateway listener: %w", err)
	}
	logs := web.NewLogBuffer()
	_, gwPort, _ := net.SplitHostPort(m.gwLn.Addr().String()) // the bound port, also with :0
	gw := web.NewGateway(web.GatewayConfig{Store: m.store, Domain: m.Config.Domain, Port: gwPort, Logs: logs, Log: m.Log})
	engine := runtime.NewEngine(runtime.EngineConfig{Logs: logs, Services: gw, KV: m.store, Durable: m.store, Queues: m.store, R2: m.store, Cache: m.store, Hosts: gw,
		CFHeaders: parseCFHeaders(os.Getenv("WEFT_CF_HEADERS"))})
	gw.SetEngine(engine)
	m.store.OnChange(func() {
		if err := gw.Reload(context.Background()); err != nil {
			m.Log.Error("reload routing table", "err", err)
		}
	})
	if err := gw.Reload(ctx); err != nil {
		m.adminLn.Close()
		m.gwLn.Close()
		return err
	}
	if err := engine.RestoreAlarms(ctx); err != nil {
		m.Log.Error("restore Durable Object alarms", "err", err)
	}
	m.queues = web.NewQueueRunner(m.store, gw, m.Log)
	m.queues.Start()
	m.crons = web.NewCronRunner(m.store, gw, m.Log)
	m.crons.Start()
	admin := web.NewAdminServer(web.AdminConfig{Store: m.store, Engine: engine, Gateway: gw, AdminToken: m.Config.AdminToken, Log: m.Log})

	m.admin = &http.Server{Handler: admin, ReadHeaderTimeout: 10 * time.Second}
	m.gateway = &http.Server{Handler: gw, ReadHeaderTimeout: 10 * time.Second}
	m.serveErr = make(chan error, 2)
	m.stopJanitor = m.janitor()
	go m.serve(m.admin, m.adminLn)
	go m.serve(m.gateway, m.gwLn)
	m.Log.Info("weft serving", "admin", "http://"+m.adminLn.Addr().String(), "gateway", "http://"+m.gwLn.Addr().String(),
		"domain", m.Config.Domain, "data", m.Config.DataDir)
	return nil
}

func (m *Main) serve(s *http.Server, ln net.Listener) {
	if err := s.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		m.serveErr <- err
	}
}

// janitor purges expired KV keys every minute; reads never return them, this reclaims the space.
func (m *Main) janitor() func() {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := m.store.PurgeExpiredKV(ctx); err != nil && ctx.Err() == nil {
					m.Log.Error("purge expired KV keys", "err", err)
				}
				if _, err := m.store.PurgeExpiredCache(ctx); err != nil && ctx.Err() == nil {
					m.Log.Error("purge expired cache entries", "err", err)
				}
			}
		}
	}()
	return cancel
}

// AdminAddr and GatewayAddr are the bound addresses (useful with :0).
func (m *Main) AdminAddr() string   { return m.adminLn.Addr().String() }
func (m *Main) GatewayAddr() string { return m.gwLn.Addr().String() }

// Close stops the listeners, letting requests in flight finish, and closes the database.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if m.stopJanitor != nil {
		m.stopJanitor()
	}
	if m.queues != nil {
		m.queues.Stop()
	}
	if m.crons != nil {
		m.crons.Stop()
	}
	for _, s := range []*http.Server{m.admin, m.gateway} {
		if s != nil {
			s.Shutdown(ctx)
		}
	}
	if m.store != nil {
		return m.store.Close()
	}
	return nil
}

// secretKey reads WEFT_SECRET_KEY or <data>/secret.key, creating the file on first start.
func (m *Main) secretKey() ([]byte, error) {
	if m.Config.SecretKey != "" {
		k, err := hex.DecodeString(strings.TrimSpace(m.Config.SecretKey))
		if err != nil || len(k) != 32 {
			return nil, errors.New("WEFT_SECRET_KEY must be 64 hex characters (32 bytes)")
		}
		return k, nil
	}
	path := filepath.Join(m.Config.DataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		k, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) != 32 {
			return nil, fmt.Errorf("%s is corrupt: want 64 hex characters", path)
		}
		return k, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := writeFileExclusive(path, hex.EncodeToString(k)+"\n"); err != nil {
		return nil, err
	}
	return k, nil
}

// ensureAdminToken makes sure an admin token exists: WEFT_ADMIN_TOKEN's, or one created on first start.
func (m *Main) ensureAdminToken(ctx context.Context) error {
	if m.Config.AdminToken != "" {
		return nil
	}
	path := filepath.Join(m.Config.DataDir, "admin-token")
	if b, err := os.ReadFile(path); err == nil {
		return m.store.EnsureToken(ctx, "admin", strings.TrimSpace(string(b)))
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	value, err := models.NewTokenValue()
	if err != nil {
		return err
	}
	if err := m.store.EnsureToken(ctx, "admin", value); err != nil {
		return err
	}
	if err := writeFileExclusive(path, value+"\n"); err != nil {
		return err
	}
	fmt.Fprintf(m.Out, "Created the admin API token (shown once; also saved with mode 0600 in %s):\n\n    %s\n\n", path, value)
	return nil
}

// ensureAdminUser creates the dashboard user admin on first start. WEFT_ADMIN_PASSWORD, when set, is
// always its password; otherwise a random one is printed once.
func (m *Main) ensureAdminUser(ctx context.Context) error {
	password, reset := m.Config.AdminPassword, m.Config.AdminPassword != ""
	if !reset {
		value, err := models.NewTokenValue()
		if err != nil {
			return err
		}
		password = strings.TrimPrefix(value, "weft_")[:20]
	}
	created, err := m.store.EnsureUser(ctx, "admin", password, reset)
	if err != nil {
		return fmt.Errorf("WEFT_ADMIN_PASSWORD: %w", err)
	}
	if created && !reset {
		fmt.Fprintf(m.Out, "Created the dashboard user admin with password (shown once):\n\n    %s\n\n", password)
	}
	return nil
}

func writeFileExclusive(path, content string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// parseCFHeaders reads WEFT_CF_HEADERS, "country=CF-IPCountry,city=X-Geo-City": request.cf fields taken
// from headers that a trusted proxy in front of the gateway sets.
func parseCFHeaders(v string) map[string]string {
	out := map[string]string{}
	for _, pair := range strings.Split(v, ",") {
		if field, header, ok := strings.Cut(strings.TrimSpace(pair), "="); ok && field != "" && header != "" {
			out[field] = header
		}
	}
	return out
}
