package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/views"
)

func (d *dashboard) registerR2Pages(g *echo.Group) {
	g.GET("/r2", d.handleR2BucketsPage)
	g.POST("/r2", d.handleR2BucketCreate)
	g.GET("/r2/:bucket", d.handleR2ObjectsPage)
	g.GET("/r2/:bucket/download", d.handleR2Download)
	g.POST("/r2/:bucket/upload", d.handleR2Upload)
	g.POST("/r2/:bucket/delete-object", d.handleR2ObjectDelete)
}

func r2Crumbs(bucket string) []views.Crumb {
	c := []views.Crumb{{Label: "R2", Href: "/r2"}}
	if bucket != "" {
		c = append(c, views.Crumb{Label: bucket})
	}
	return c
}

// bindingUsers says which live environments bind each resource of a kind, and as what.
func (d *dashboard) bindingUsers(c echo.Context, kind string, target func(models.Binding) string) (map[string][]string, error) {
	live, err := d.store.Live(d.ctx(c))
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, le := range live {
		for _, sp := range le.Splits {
			for _, b := range sp.Version.Settings.Bindings {
				if b.Type == kind {
					out[target(b)] = append(out[target(b)], le.Service+"/"+le.Environment+" as "+b.Name)
				}
			}
		}
	}
	return out, nil
}

func (d *dashboard) r2BucketsPage(c echo.Context, status int, name string, errs views.FieldErrors) error {
	bs, err := d.store.ListR2Buckets(d.ctx(c))
	if err != nil {
		return err
	}
	bound, err := d.bindingUsers(c, models.BindingR2, func(b models.Binding) string { return b.BucketName })
	if err != nil {
		return err
	}
	return render(c, status, views.R2BucketsPage(d.page(c, "R2 buckets", r2Crumbs("")...), views.R2BucketsProps{Buckets: bs, BoundBy: bound, NewName: name, Errors: errs}))
}

func (d *dashboard) handleR2BucketsPage(c echo.Context) error {
	return d.r2BucketsPage(c, http.StatusOK, "", nil)
}

func (d *dashboard) handleR2BucketCreate(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	if _, err := d.store.CreateR2Bucket(d.ctx(c), actor(c), name); err != nil {
		if models.ErrorCode(err) == models.EINTERNAL {
			return err
		}
		return d.r2BucketsPage(c, http.StatusUnprocessableEntity, name, views.FieldErrors{"name": models.ErrorMessage(err)})
	}
	return done(c, "/r2/"+name, "Created R2 bucket "+name)
}

func (d *dashboard) r2ObjectsPage(c echo.Context, status int, prefix string, errs views.FieldErrors) error {
	bucket := c.Param("bucket")
	res, err := d.store.R2List(d.ctx(c), bucket, models.R2ListOptions{Prefix: prefix, Delimiter: "/", Cursor: c.QueryParam("cursor"), Limit: 200})
	if err != nil {
		return err
	}
	props := views.R2ObjectsProps{Bucket: bucket, Prefix: prefix, Folders: res.DelimitedPrefixes, Objects: res.Objects, Errors: errs}
	if res.Truncated {
		props.NextCursor = res.Cursor
	}
	return render(c, status, views.R2ObjectsPage(d.page(c, bucket+" · R2", r2Crumbs(bucket)...), props))
}

func (d *dashboard) handleR2ObjectsPage(c echo.Context) error {
	return d.r2ObjectsPage(c, http.StatusOK, c.QueryParam("prefix"), nil)
}

// handleR2Download streams an object from disk to the browser.
func (d *dashboard) handleR2Download(c echo.Context) error {
	o, body, err := d.store.R2Get(d.ctx(c), c.Param("bucket"), c.QueryParam("key"), nil, nil)
	if err != nil {
		return err
	}
	defer body.Close()
	var meta map[string]string
	json.Unmarshal([]byte(o.HTTPMetadata), &meta)
	h := c.Response().Header()
	h.Set("Content-Type", firstNonEmpty(meta["contentType"], "application/octet-stream"))
	h.Set("Content-Length", strconv.FormatInt(o.Size, 10))
	h.Set("Content-Disposition", "inline; filename*=UTF-8''"+url.PathEscape(o.Key[strings.LastIndexByte(o.Key, '/')+1:]))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox") // an uploaded HTML file must not run as the dashboard
	c.Response().WriteHeader(http.StatusOK)
	_, err = io.Copy(c.Response(), body)
	return err
}

func (d *dashboard) handleR2Upload(c echo.Context) error {
	bucket, prefix := c.Param("bucket"), c.FormValue("prefix")
	fh, err := c.FormFile("file")
	if err != nil {
		return d.r2ObjectsPage(c, http.StatusUnprocessableEntity, prefix, views.FieldErrors{"file": "choose a file to upload"})
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	key := strings.TrimSpace(c.FormValue("key"))
	if key == "" {
		key = prefix + fh.Filename
	}
	meta := ""
	if ct := fh.Header.Get("Content-Type"); ct != "" {
		b, _ := json.Marshal(map[string]string{"contentType": ct})
		meta = string(b)
	}
	o, err := d.store.R2Put(d.ctx(c), bucket, key, f, models.R2PutOptions{HTTPMetadata: meta})
	if err == nil {
		err = d.store.Audit(d.ctx(c), actor(c), "r2.object.put", "r2 "+bucket+"/"+key, strconv.FormatInt(o.Size, 10)+" bytes")
	}
	if err != nil {
		if code := models.ErrorCode(err); code == models.EINTERNAL || code == models.ENOTFOUND {
			return err
		}
		return d.r2ObjectsPage(c, http.StatusUnprocessableEntity, prefix, views.FieldErrors{"file": models.ErrorMessage(err)})
	}
	return done(c, "/r2/"+bucket+"?prefix="+url.QueryEscape(prefix), "Uploaded "+key)
}

func (d *dashboard) handleR2ObjectDelete(c echo.Context) error {
	bucket, key, prefix := c.Param("bucket"), c.FormValue("key"), c.FormValue("prefix")
	to := "/r2/" + bucket + "?prefix=" + url.QueryEscape(prefix)
	err := d.store.R2Delete(d.ctx(c), bucket, []string{key})
	if err == nil {
		err = d.store.Audit(d.ctx(c), actor(c), "r2.object.delete", "r2 "+bucket+"/"+key, "deleted")
	}
	if err != nil {
		return failed(c, to, err)
	}
	return done(c, to, "Deleted "+key)
}
