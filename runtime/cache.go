package runtime

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/dop251/goja"

	"github.com/weft-dev/weft/models"
)

// CacheStore keeps the Cache API's responses; models.Store implements it.
type CacheStore interface {
	CacheGet(ctx context.Context, ns, key string) (*models.CacheEntry, error)
	CachePut(ctx context.Context, e *models.CacheEntry) error
	CacheDelete(ctx context.Context, ns, key string) (bool, error)
}

var maxAgeRe = regexp.MustCompile(`(?i)(?:^|[,\s])(s-maxage|max-age)\s*=\s*"?(\d+)`)

// cacheLifetime applies Cloudflare's rules: no-store, private and Set-Cookie are not cached;
// s-maxage wins over max-age, then Expires; without any, the response is not stored.
func cacheLifetime(h http.Header) time.Duration {
	cc := strings.ToLower(h.Get("Cache-Control"))
	if strings.Contains(cc, "no-store") || strings.Contains(cc, "private") || h.Get("Set-Cookie") != "" {
		return 0
	}
	var maxAge, sMaxAge = -1, -1
	for _, m := range maxAgeRe.FindAllStringSubmatch(cc, -1) {
		n, _ := strconv.Atoi(m[2])
		if strings.EqualFold(m[1], "s-maxage") {
			sMaxAge = n
		} else {
			maxAge = n
		}
	}
	switch {
	case sMaxAge >= 0:
		return time.Duration(sMaxAge) * time.Second
	case maxAge >= 0:
		return time.Duration(maxAge) * time.Second
	}
	if exp, err := http.ParseTime(h.Get("Expires")); err == nil {
		return time.Until(exp)
	}
	return 0
}

func (n *natives) cacheNS(name string) (CacheStore, string) {
	store := n.in.w.engine.cfg.Cache
	if store == nil {
		n.throw("the Cache API is not available here")
	}
	return store, n.in.w.namespace() + "/" + name
}

func (n *natives) cacheNatives(set func(string, any)) {
	set("cacheMatch", func(name, url string) goja.Value {
		store, ns := n.cacheNS(name)
		e, err := store.CacheGet(n.storeCtx(), ns, url)
		if err != nil {
			n.throw("cache match failed: " + err.Error())
		}
		if e == nil {
			return goja.Undefined()
		}
		var headers [][]string
		json.Unmarshal([]byte(e.Headers), &headers)
		hs := make([]any, len(headers))
		for i, h := range headers {
			hs[i] = []any{h[0], h[1]}
		}
		return n.in.vm.ToValue(map[string]any{"status": e.Status, "headers": hs, "body": n.in.vm.NewArrayBuffer(e.Body)})
	})
	set("cachePut", func(name, url string, status int, headers [][]string, body goja.ArrayBuffer) bool {
		store, ns := n.cacheNS(name)
		h := http.Header{}
		for _, kv := range headers {
			h.Add(kv[0], kv[1])
		}
		life := cacheLifetime(h)
		if life <= 0 {
			return false
		}
		raw, _ := json.Marshal(headers)
		err := store.CachePut(n.storeCtx(), &models.CacheEntry{Namespace: ns, Key: url, Status: status, Headers: string(raw),
			Body: body.Bytes(), Expires: time.Now().Add(life).UnixMilli()})
		if err != nil {
			n.throw("cache put failed: " + models.ErrorMessage(err))
		}
		return true
	})
	set("cacheDelete", func(name, url string) bool {
		store, ns := n.cacheNS(name)
		ok, err := store.CacheDelete(n.storeCtx(), ns, url)
		if err != nil {
			n.throw("cache delete failed: " + err.Error())
		}
		return ok
	})
}

// appendRequestCF appends request.cf as far as a self-hosted server knows it, as JSON text: the
// protocol, TLS and encoding of the connection, plus the fields a trusted proxy passes in the headers
// named by CFHeaders. The script parses it only if it reads request.cf, which most never do.
func (e *Engine) appendRequestCF(b []byte, r *http.Request) []byte {
	b = append(b, `{"colo":"WEFT","httpProtocol":`...)
	b = appendQuoted(b, r.Proto)
	b = append(b, `,"clientAcceptEncoding":`...)
	b = appendQuoted(b, r.Header.Get("Accept-Encoding"))
	if r.TLS != nil {
		b = append(b, `,"tlsVersion":`...)
		b = appendQuoted(b, tlsVersionName(r.TLS.Version))
	}
	for field, header := range e.cfg.CFHeaders {
		if v := r.Header.Get(header); v != "" {
			b = append(b, ',')
			b = appendQuoted(b, field)
			b = append(b, ':')
			b = appendQuoted(b, v)
		}
	}
	return append(b, '}')
}

func tlsVersionName(v uint16) string {
	switch v {
	case 0x0304:
		return "TLSv1.3"
	case 0x0303:
		return "TLSv1.2"
	}
	return "TLS"
}
