package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/weft-dev/weft/models"
)

func (a *api) registerR2Routes(g *echo.Group) {
	g.GET("/r2/buckets", a.handleR2BucketList)
	g.POST("/r2/buckets", a.handleR2BucketCreate)
	g.DELETE("/r2/buckets/:bucket", a.handleR2BucketDelete)
	g.GET("/r2/buckets/:bucket/objects", a.handleR2ObjectList)
	g.GET("/r2/buckets/:bucket/objects/:key", a.handleR2ObjectGet)
	g.PUT("/r2/buckets/:bucket/objects/:key", a.handleR2ObjectPut)
	g.DELETE("/r2/buckets/:bucket/objects/:key", a.handleR2ObjectDelete)
}

func (a *api) handleR2BucketList(c echo.Context) error {
	bs, err := a.store.ListR2Buckets(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"buckets": bs})
}

func (a *api) handleR2BucketCreate(c echo.Context) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	b, err := a.store.CreateR2Bucket(c.Request().Context(), actor(c), in.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"bucket": b})
}

func (a *api) handleR2BucketDelete(c echo.Context) error {
	if err := a.store.DeleteR2Bucket(c.Request().Context(), actor(c), c.Param("bucket")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// r2ObjectJSON is an object as the API shows it.
func r2ObjectJSON(o models.R2Object) map[string]any {
	return map[string]any{"key": o.Key, "size": o.Size, "etag": o.ETag, "version": o.Version, "uploaded": o.Uploaded,
		"http_metadata": json.RawMessage(o.HTTPMetadata), "custom_metadata": json.RawMessage(o.CustomMetadata)}
}

func (a *api) handleR2ObjectList(c echo.Context) error {
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	res, err := a.store.R2List(c.Request().Context(), c.Param("bucket"), models.R2ListOptions{Prefix: c.QueryParam("prefix"),
		Delimiter: c.QueryParam("delimiter"), Cursor: c.QueryParam("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	objs := make([]map[string]any, len(res.Objects))
	for i, o := range res.Objects {
		objs[i] = r2ObjectJSON(o)
	}
	return c.JSON(http.StatusOK, map[string]any{"objects": objs, "delimited_prefixes": res.DelimitedPrefixes, "truncated": res.Truncated, "cursor": res.Cursor})
}

func objectKey(c echo.Context) (string, error) {
	k, err := url.PathUnescape(c.Param("key"))
	if err != nil {
		return "", invalid("key: %v", err)
	}
	return k, nil
}

// handleR2ObjectGet streams the body from disk with the object's HTTP metadata.
func (a *api) handleR2ObjectGet(c echo.Context) error {
	key, err := objectKey(c)
	if err != nil {
		return err
	}
	o, body, err := a.store.R2Get(c.Request().Context(), c.Param("bucket"), key, nil, nil)
	if err != nil {
		return err
	}
	defer body.Close()
	var meta map[string]string
	json.Unmarshal([]byte(o.HTTPMetadata), &meta)
	h := c.Response().Header()
	h.Set("Content-Type", firstNonEmpty(meta["contentType"], "application/octet-stream"))
	h.Set("ETag", `"`+o.ETag+`"`)
	h.Set("Content-Length", strconv.FormatInt(o.Size, 10))
	c.Response().WriteHeader(http.StatusOK)
	_, err = io.Copy(c.Response(), body)
	return err
}

// handleR2ObjectPut stores the request body as it streams in; Content-Type becomes its contentType.
func (a *api) handleR2ObjectPut(c echo.Context) error {
	key, err := objectKey(c)
	if err != nil {
		return err
	}
	meta := ""
	if ct := c.Request().Header.Get("Content-Type"); ct != "" {
		b, _ := json.Marshal(map[string]string{"contentType": ct})
		meta = string(b)
	}
	o, err := a.store.R2Put(c.Request().Context(), c.Param("bucket"), key, c.Request().Body, models.R2PutOptions{HTTPMetadata: meta})
	if err != nil {
		return err
	}
	if err := a.store.Audit(c.Request().Context(), actor(c), "r2.object.put", "r2 "+c.Param("bucket")+"/"+key, strconv.FormatInt(o.Size, 10)+" bytes"); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"object": r2ObjectJSON(*o)})
}

func (a *api) handleR2ObjectDelete(c echo.Context) error {
	key, err := objectKey(c)
	if err != nil {
		return err
	}
	if err := a.store.R2Delete(c.Request().Context(), c.Param("bucket"), []string{key}); err != nil {
		return err
	}
	if err := a.store.Audit(c.Request().Context(), actor(c), "r2.object.delete", "r2 "+c.Param("bucket")+"/"+key, "deleted"); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
