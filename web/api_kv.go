package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/weft-dev/weft/models"
)

func (a *api) registerKVRoutes(g *echo.Group) {
	g.GET("/kv/namespaces", a.handleKVNamespaceList)
	g.POST("/kv/namespaces", a.handleKVNamespaceCreate)
	g.DELETE("/kv/namespaces/:ns", a.handleKVNamespaceDelete)
	g.GET("/kv/namespaces/:ns/keys", a.handleKVKeyList)
	g.GET("/kv/namespaces/:ns/values/:key", a.handleKVValueGet)
	g.PUT("/kv/namespaces/:ns/values/:key", a.handleKVValuePut)
	g.DELETE("/kv/namespaces/:ns/values/:key", a.handleKVValueDelete)
}

func (a *api) handleKVNamespaceList(c echo.Context) error {
	ns, err := a.store.ListKVNamespaces(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"namespaces": ns})
}

func (a *api) handleKVNamespaceCreate(c echo.Context) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	ns, err := a.store.CreateKVNamespace(c.Request().Context(), actor(c), in.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"namespace": ns})
}

func (a *api) handleKVNamespaceDelete(c echo.Context) error {
	if err := a.store.DeleteKVNamespace(c.Request().Context(), actor(c), c.Param("ns")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// kvKey is the :key path segment, URL-decoded (keys may hold "/" as %2F).
func kvKey(c echo.Context) (string, error) {
	k, err := url.PathUnescape(c.Param("key"))
	if err != nil {
		return "", invalid("key: %v", err)
	}
	return k, nil
}

func (a *api) handleKVKeyList(c echo.Context) error {
	limit := 0
	if l := c.QueryParam("limit"); l != "" {
		var err error
		if limit, err = strconv.Atoi(l); err != nil {
			return invalid("limit must be a number")
		}
	}
	res, err := a.store.KVList(c.Request().Context(), c.Param("ns"), c.QueryParam("prefix"), limit, c.QueryParam("cursor"))
	if err != nil {
		return err
	}
	keys := make([]map[string]any, len(res.Keys))
	for i, k := range res.Keys {
		keys[i] = map[string]any{"name": k.Name}
		if k.Expiration != 0 {
			keys[i]["expiration"] = k.Expiration
		}
		if k.Metadata != "" {
			keys[i]["metadata"] = json.RawMessage(k.Metadata)
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"keys": keys, "list_complete": res.ListComplete, "cursor": res.Cursor})
}

func (a *api) handleKVValueGet(c echo.Context) error {
	key, err := kvKey(c)
	if err != nil {
		return err
	}
	value, meta, ok, err := a.store.KVGet(c.Request().Context(), c.Param("ns"), key)
	if err != nil {
		return err
	}
	if !ok {
		return models.Errorf(models.ENOTFOUND, "key %q not found in KV namespace %q", key, c.Param("ns"))
	}
	if meta != "" {
		c.Response().Header().Set("Weft-KV-Metadata", meta)
	}
	return c.Blob(http.StatusOK, "application/octet-stream", value)
}

// handleKVValuePut stores the request body; ?expiration_ttl=S or ?expiration=UNIX, ?metadata=JSON.
func (a *api) handleKVValuePut(c echo.Context) error {
	key, err := kvKey(c)
	if err != nil {
		return err
	}
	var expiration int64
	now := time.Now().Unix()
	if v := c.QueryParam("expiration_ttl"); v != "" {
		ttl, err := strconv.ParseInt(v, 10, 64)
		if err != nil || ttl < models.MinKVExpirationTTL {
			return invalid("expiration_ttl must be a whole number of seconds, at least %d", models.MinKVExpirationTTL)
		}
		expiration = now + ttl
	} else if v := c.QueryParam("expiration"); v != "" {
		if expiration, err = strconv.ParseInt(v, 10, 64); err != nil || expiration < now+models.MinKVExpirationTTL {
			return invalid("expiration must be a Unix time at least %d seconds from now", models.MinKVExpirationTTL)
		}
	}
	meta := c.QueryParam("metadata")
	if meta != "" && !json.Valid([]byte(meta)) {
		return invalid("metadata must be JSON")
	}
	value, err := io.ReadAll(io.LimitReader(c.Request().Body, models.MaxKVValueBytes+1))
	if err != nil {
		return err
	}
	ns := c.Param("ns")
	if err := a.store.KVPut(c.Request().Context(), ns, key, value, meta, expiration); err != nil {
		return err
	}
	if err := a.store.Audit(c.Request().Context(), actor(c), "kv.key.put", "kv "+ns+"/"+key, strconv.Itoa(len(value))+" bytes"); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *api) handleKVValueDelete(c echo.Context) error {
	key, err := kvKey(c)
	if err != nil {
		return err
	}
	ns := c.Param("ns")
	if err := a.store.KVDelete(c.Request().Context(), ns, key); err != nil {
		return err
	}
	if err := a.store.Audit(c.Request().Context(), actor(c), "kv.key.delete", "kv "+ns+"/"+key, "deleted"); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
