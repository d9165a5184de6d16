package runtime

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/dop251/goja"

	"github.com/weft-dev/weft/models"
)

// R2Store keeps R2 buckets; models.Store implements it.
type R2Store interface {
	R2Head(ctx context.Context, bucket, key string) (*models.R2Object, error)
	R2Get(ctx context.Context, bucket, key string, rng *models.R2Range, onlyIf *models.R2Conditional) (*models.R2Object, *models.R2Body, error)
	R2Put(ctx context.Context, bucket, key string, body io.Reader, opts models.R2PutOptions) (*models.R2Object, error)
	R2Delete(ctx context.Context, bucket string, keys []string) error
	R2List(ctx context.Context, bucket string, o models.R2ListOptions) (*models.R2ListResult, error)
	R2CreateMultipart(ctx context.Context, bucket, key string, opts models.R2PutOptions) (string, error)
	R2UploadPart(ctx context.Context, bucket, key, id string, n int, body io.Reader) (string, error)
	R2CompleteMultipart(ctx context.Context, bucket, key, id string, parts []models.R2Part) (*models.R2Object, error)
	R2AbortMultipart(ctx context.Context, bucket, key, id string) error
}

func (n *natives) r2Bucket(binding string) (R2Store, string) {
	store := n.in.w.engine.cfg.R2
	for _, b := range n.in.w.spec.Bindings {
		if b.Name == binding && b.Type == "r2_bucket" && store != nil {
			return store, b.Target["bucket_name"]
		}
	}
	n.throw("R2 binding " + binding + " is not available")
	return nil, ""
}

func r2Desc(o *models.R2Object) map[string]any {
	return map[string]any{"key": o.Key, "version": o.Version, "size": o.Size, "etag": o.ETag, "sha256": o.SHA256,
		"uploaded": o.Uploaded.UnixMilli(), "httpMetadata": o.HTTPMetadata, "customMetadata": o.CustomMetadata}
}

func (n *natives) r2Check(op string, err error) {
	if err == nil {
		return
	}
	if models.ErrorCode(err) == models.EINTERNAL {
		n.in.w.engine.log(&n.in.w.spec, "error", "R2 "+op+": "+err.Error())
		n.throw(op + ": internal error")
	}
	n.throw(op + ": " + models.ErrorMessage(err))
}

func (n *natives) conditional(v goja.Value) *models.R2Conditional {
	if v == nil || goja.IsNull(v) || goja.IsUndefined(v) {
		return nil
	}
	o := v.ToObject(n.in.vm)
	c := &models.R2Conditional{EtagMatches: o.Get("etagMatches").String(), EtagDoesNotMatch: o.Get("etagDoesNotMatch").String()}
	if ms := o.Get("uploadedBefore").ToInteger(); ms > 0 {
		t := time.UnixMilli(ms)
		c.UploadedBefore = &t
	}
	if ms := o.Get("uploadedAfter").ToInteger(); ms > 0 {
		t := time.UnixMilli(ms)
		c.UploadedAfter = &t
	}
	return c
}

func (n *natives) r2Natives(set func(string, any)) {
	set("r2Head", func(binding, key string) goja.Value {
		store, bucket := n.r2Bucket(binding)
		o, err := store.R2Head(n.storeCtx(), bucket, key)
		if models.ErrorCode(err) == models.ENOTFOUND {
			return goja.Null()
		}
		n.r2Check("head", err)
		return n.in.vm.ToValue(r2Desc(o))
	})
	set("r2Get", func(binding, key string, rng goja.Value, onlyIf goja.Value) goja.Value {
		store, bucket := n.r2Bucket(binding)
		var r *models.R2Range
		if rng != nil && !goja.IsNull(rng) && !goja.IsUndefined(rng) {
			ro := rng.ToObject(n.in.vm)
			r = &models.R2Range{}
			if v := ro.Get("offset"); v != nil && !goja.IsUndefined(v) {
				r.Offset, r.HasOffset = v.ToInteger(), true
			}
			if v := ro.Get("length"); v != nil && !goja.IsUndefined(v) {
				r.Length, r.HasLength = v.ToInteger(), true
			}
			if v := ro.Get("suffix"); v != nil && !goja.IsUndefined(v) {
				r.Suffix, r.HasSuffix = v.ToInteger(), true
			}
		}
		o, body, err := store.R2Get(n.storeCtx(), bucket, key, r, n.conditional(onlyIf))
		if models.ErrorCode(err) == models.ENOTFOUND {
			return goja.Null()
		}
		n.r2Check("get", err)
		d := r2Desc(o)
		handle := int64(-1)
		if body != nil {
			handle = n.openBody(body)
			if r != nil {
				d["range"] = map[string]any{"offset": body.Offset, "length": body.Length}
			}
		}
		return n.in.vm.ToValue(map[string]any{"object": d, "handle": handle})
	})
	set("r2Read", func(handle int64, max int) goja.ArrayBuffer {
		body := n.bodies[handle]
		if body == nil {
			return n.in.vm.NewArrayBuffer(nil)
		}
		buf := make([]byte, max)
		k, err := io.ReadFull(body, buf)
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			n.r2Check("get", fmt.Errorf("read body: %w", err))
		}
		return n.in.vm.NewArrayBuffer(buf[:k])
	})
	set("r2Close", func(handle int64) {
		if b := n.bodies[handle]; b != nil {
			b.Close()
			delete(n.bodies, handle)
		}
	})
	set("r2Put", func(binding, key string, value goja.ArrayBuffer, opts *goja.Object) goja.Value {
		store, bucket := n.r2Bucket(binding)
		po := models.R2PutOptions{HTTPMetadata: opts.Get("httpMetadata").String(), CustomMetadata: opts.Get("customMetadata").String(),
			MD5: opts.Get("md5").String(), SHA256: opts.Get("sha256").String(), OnlyIf: n.conditional(opts.Get("onlyIf"))}
		o, err := store.R2Put(n.storeCtx(), bucket, key, bytes.NewReader(value.Bytes()), po)
		n.r2Check("put", err)
		if o == nil {
			return goja.Null()
		}
		return n.in.vm.ToValue(r2Desc(o))
	})
	set("r2Delete", func(binding string, keys []string) {
		store, bucket := n.r2Bucket(binding)
		n.r2Check("delete", store.R2Delete(n.storeCtx(), bucket, keys))
	})
	set("r2CreateMultipart", func(binding, key, httpMeta, customMeta string) string {
		store, bucket := n.r2Bucket(binding)
		id, err := store.R2CreateMultipart(n.storeCtx(), bucket, key, models.R2PutOptions{HTTPMetadata: httpMeta, CustomMetadata: customMeta})
		n.r2Check("createMultipartUpload", err)
		return id
	})
	set("r2UploadPart", func(binding, key, id string, part int, value goja.ArrayBuffer) string {
		store, bucket := n.r2Bucket(binding)
		etag, err := store.R2UploadPart(n.storeCtx(), bucket, key, id, part, bytes.NewReader(value.Bytes()))
		n.r2Check("uploadPart", err)
		return etag
	})
	set("r2CompleteMultipart", func(binding, key, id string, raw []map[string]any) goja.Value {
		store, bucket := n.r2Bucket(binding)
		parts := make([]models.R2Part, len(raw))
		for i, p := range raw {
			parts[i].ETag, _ = p["etag"].(string)
			switch v := p["partNumber"].(type) {
			case int64:
				parts[i].PartNumber = int(v)
			case float64:
				parts[i].PartNumber = int(v)
			}
		}
		o, err := store.R2CompleteMultipart(n.storeCtx(), bucket, key, id, parts)
		n.r2Check("complete", err)
		return n.in.vm.ToValue(r2Desc(o))
	})
	set("r2AbortMultipart", func(binding, key, id string) {
		store, bucket := n.r2Bucket(binding)
		n.r2Check("abort", store.R2AbortMultipart(n.storeCtx(), bucket, key, id))
	})
	set("r2List", func(binding string, o map[string]any) goja.Value {
		store, bucket := n.r2Bucket(binding)
		str := func(k string) string { s, _ := o[k].(string); return s }
		lo := models.R2ListOptions{Prefix: str("prefix"), Delimiter: str("delimiter"), Cursor: str("cursor"), StartAfter: str("startAfter")}
		switch l := o["limit"].(type) {
		case int64:
			lo.Limit = int(l)
		case float64:
			lo.Limit = int(l)
		}
		res, err := store.R2List(n.storeCtx(), bucket, lo)
		n.r2Check("list", err)
		objs := make([]any, len(res.Objects))
		for i := range res.Objects {
			objs[i] = r2Desc(&res.Objects[i])
		}
		return n.in.vm.ToValue(map[string]any{"objects": objs, "delimitedPrefixes": res.DelimitedPrefixes, "truncated": res.Truncated, "cursor": res.Cursor})
	})
}
