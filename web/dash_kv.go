package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/views"
)

func (d *dashboard) registerKVPages(g *echo.Group) {
	g.GET("/kv", d.handleKVNamespacesPage)
	g.POST("/kv", d.handleKVNamespaceCreate)
	g.POST("/kv/:ns/delete", d.handleKVNamespaceDelete)
	g.GET("/kv/:ns", d.handleKVKeysPage)
	g.POST("/kv/:ns/put", d.handleKVKeyPut)
	g.POST("/kv/:ns/delete-key", d.handleKVKeyDelete)
}

func kvCrumbs(ns string) []views.Crumb {
	c := []views.Crumb{{Label: "KV", Href: "/kv"}}
	if ns != "" {
		c = append(c, views.Crumb{Label: ns})
	}
	return c
}

func (d *dashboard) kvNamespacesPage(c echo.Context, status int, name string, errs views.FieldErrors) error {
	ns, err := d.store.ListKVNamespaces(d.ctx(c))
	if err != nil {
		return err
	}
	bound, err := d.bindingUsers(c, models.BindingKV, func(b models.Binding) string { return b.NamespaceID })
	if err != nil {
		return err
	}
	return render(c, status, views.KVNamespacesPage(d.page(c, "KV namespaces", kvCrumbs("")...),
		views.KVNamespacesProps{Namespaces: ns, BoundBy: bound, NewName: name, Errors: errs}))
}

func (d *dashboard) handleKVNamespacesPage(c echo.Context) error {
	return d.kvNamespacesPage(c, http.StatusOK, "", nil)
}

func (d *dashboard) handleKVNamespaceCreate(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	if _, err := d.store.CreateKVNamespace(d.ctx(c), actor(c), name); err != nil {
		if models.ErrorCode(err) == models.EINTERNAL {
			return err
		}
		return d.kvNamespacesPage(c, http.StatusUnprocessableEntity, name, views.FieldErrors{"name": models.ErrorMessage(err)})
	}
	return done(c, "/kv/"+name, "Created KV namespace "+name)
}

func (d *dashboard) handleKVNamespaceDelete(c echo.Context) error {
	if err := d.store.DeleteKVNamespace(d.ctx(c), actor(c), c.Param("ns")); err != nil {
		return failed(c, "/kv", err)
	}
	return done(c, "/kv", "Deleted KV namespace "+c.Param("ns"))
}

func (d *dashboard) kvKeysPage(c echo.Context, status int, props views.KVKeysProps) error {
	props.Namespace = c.Param("ns")
	page, err := d.store.KVList(d.ctx(c), props.Namespace, props.Prefix, 100, c.QueryParam("cursor"))
	if err != nil {
		return err
	}
	props.Keys, props.NextCursor = page.Keys, page.Cursor
	if props.Selected != "" && props.Value == "" {
		value, meta, ok, err := d.store.KVGet(d.ctx(c), props.Namespace, props.Selected)
		if err != nil {
			return err
		}
		props.Found, props.Metadata = ok, meta
		if utf8.Valid(value) {
			props.Value = string(value)
		} else {
			props.Binary = true
		}
	}
	return render(c, status, views.KVKeysPage(d.page(c, props.Namespace+" · KV", kvCrumbs(props.Namespace)...), props))
}

func (d *dashboard) handleKVKeysPage(c echo.Context) error {
	return d.kvKeysPage(c, http.StatusOK, views.KVKeysProps{Prefix: c.QueryParam("prefix"), Selected: c.QueryParam("key")})
}

func (d *dashboard) handleKVKeyPut(c echo.Context) error {
	ns, key, value := c.Param("ns"), c.FormValue("key"), c.FormValue("value")
	var expiration int64
	if ttl := strings.TrimSpace(c.FormValue("ttl")); ttl != "" {
		n, err := strconv.ParseInt(ttl, 10, 64)
		if err != nil || n < models.MinKVExpirationTTL {
			return d.kvKeysPage(c, http.StatusUnprocessableEntity, views.KVKeysProps{Selected: key, Value: value,
				Errors: views.FieldErrors{"value": "expiry must be a whole number of seconds, at least 60"}})
		}
		expiration = time.Now().Unix() + n
	}
	err := d.store.KVPut(d.ctx(c), ns, key, []byte(value), "", expiration)
	if err == nil {
		err = d.store.Audit(d.ctx(c), actor(c), "kv.key.put", "kv "+ns+"/"+key, strconv.Itoa(len(value))+" bytes")
	}
	if err != nil {
		if code := models.ErrorCode(err); code == models.EINTERNAL || code == models.ENOTFOUND {
			return err
		}
		return d.kvKeysPage(c, http.StatusUnprocessableEntity, views.KVKeysProps{Selected: key, Value: value, Errors: views.FieldErrors{"key": models.ErrorMessage(err)}})
	}
	return done(c, "/kv/"+ns+"?key="+url.QueryEscape(key), "Saved "+key)
}

func (d *dashboard) handleKVKeyDelete(c echo.Context) error {
	ns, key := c.Param("ns"), c.FormValue("key")
	err := d.store.KVDelete(d.ctx(c), ns, key)
	if err == nil {
		err = d.store.Audit(d.ctx(c), actor(c), "kv.key.delete", "kv "+ns+"/"+key, "deleted")
	}
	if err != nil {
		return failed(c, "/kv/"+ns, err)
	}
	return done(c, "/kv/"+ns, "Deleted "+key)
}
