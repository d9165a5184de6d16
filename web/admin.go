package web

import (
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/runtime"
)

// maxAPIBody bounds one API request: a bundle of at most models.MaxBundleBytes plus its sources.
const maxAPIBody = "32M"

// AdminConfig is what the admin listener (REST API, later the dashboard) needs.
type AdminConfig struct {
	Store   *models.Store
	Engine  *runtime.Engine
	Gateway *Gateway
	// AdminToken, when set, is accepted besides the tokens in the database (WEFT_ADMIN_TOKEN).
	AdminToken string
	Log        *slog.Logger
}

// api holds the handlers' dependencies.
type api struct {
	store   *models.Store
	engine  *runtime.Engine
	gateway *Gateway
	log     *slog.Logger
}

// NewAdminServer builds the admin listener's handler.
func NewAdminServer(cfg AdminConfig) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Use(middleware.Recover())
	a := &api{store: cfg.Store, engine: cfg.Engine, gateway: cfg.Gateway, log: cfg.Log}
	apiErrors, dash := apiErrorHandler(cfg.Log), &dashboard{api: a}
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if strings.HasPrefix(c.Request().URL.Path, "/api/") || strings.HasPrefix(c.Request().URL.Path, "/healthz") {
			apiErrors(err, c)
			return
		}
		dash.dashboardError(err, c)
	}

	e.GET("/healthz", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"status": "ok"}) })
	e.GET("/api/v1/openapi.json", handleOpenAPI)

	g := e.Group("/api/v1", middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: maxAPIBody, Skipper: streamsItsBody}),
		requireToken(cfg.Store, cfg.AdminToken))
	a.registerServiceRoutes(g)
	a.registerVersionRoutes(g)
	a.registerSettingsRoutes(g)
	a.registerAuditRoutes(g)
	a.registerKVRoutes(g)
	a.registerQueueRoutes(g)
	a.registerCronRoutes(g)
	a.registerR2Routes(g)
	a.registerDashboardRoutes(e)
	return e
}

// streamsItsBody: an R2 object upload goes to disk as it arrives, bounded by R2's own object limit
// (5 GiB) rather than the API's.
func streamsItsBody(c echo.Context) bool {
	return c.Request().Method == http.MethodPut && c.Path() == "/api/v1/r2/buckets/:bucket/objects/:key"
}

// requireToken checks the bearer token and records who is acting for the audit log.
func requireToken(store *models.Store, adminToken string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Request().Header.Get("Authorization")
			value, ok := strings.CutPrefix(h, "Bearer ")
			if !ok || value == "" {
				return models.Errorf(models.EUNAUTHORIZED, "missing API token: send Authorization: Bearer <token>")
			}
			name := ""
			if adminToken != "" && subtle.ConstantTimeCompare([]byte(value), []byte(adminToken)) == 1 {
				name = "admin"
			} else {
				tok, err := store.Authenticate(c.Request().Context(), value)
				if err != nil {
					return err
				}
				name = tok.Name
			}
			c.Set("actor", models.Actor{Name: name, Source: requestSource(c.Request())})
			return next(c)
		}
	}
}

// requestSource says which client made a change: the CLI announces itself in its User-Agent.
func requestSource(r *http.Request) string {
	ua := r.Header.Get("User-Agent")
	switch {
	case strings.HasPrefix(ua, "weft-cli"):
		return "cli"
	case strings.HasPrefix(ua, "wrangler"):
		return "wrangler"
	}
	return "api"
}

func actor(c echo.Context) models.Actor { return c.Get("actor").(models.Actor) }
