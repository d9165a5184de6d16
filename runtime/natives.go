package runtime

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dop251/goja"
	whatwg "github.com/nlnwa/whatwg-url/url"
)

// natives are the Go functions the prelude builds the Web APIs on.
type natives struct {
	in          *instance
	nextTimer   int64
	subrequests int
	conns       chan struct{} // this request's outbound requests awaiting an answer
	nextBody    int64
	bodies      map[int64]io.ReadCloser // Go bodies open in the current request (R2 objects, fetch responses)
	nextKey     int
	keys        map[int]*cryptoKey       // CryptoKeys made in this runtime
	codecs      map[int]*codec           // compression streams in progress
	pipes       map[int64]*io.PipeWriter // request bodies the script is writing
	nextHTML    int64
	html        map[int64]*htmlSession // HTMLRewriter passes in progress
	htmlNames   htmlNames              // tag and attribute names as goja strings (tokenValues)
	storage     storageCache           // the hosted Durable Object's storage, as read and written
	responded   *response              // the response handed over by __weft.respond, until taken
	respondErr  error                  // or why it could not be read
}

func (n *natives) object(vm *goja.Runtime) *goja.Object {
	o := vm.NewObject()
	set := func(name string, fn any) { o.Set(name, fn) }
	set("log", func(level, msg string) {
		if n.in.tap != nil {
			n.in.tap.Log(LogEntry{WorkerID: n.in.w.spec.ID, Label: n.in.w.spec.Label, Time: time.Now(), Level: level, Message: msg})
		}
		n.in.w.engine.log(&n.in.w.spec, level, msg)
	})
	set("urlParse", n.urlParse)
	set("urlSet", n.urlSet)
	set("utf8Encode", func(s string) goja.ArrayBuffer { return vm.NewArrayBuffer([]byte(s)) })
	set("utf8Decode", n.utf8Decode)
	set("atob", n.atob)
	set("btoa", n.btoa)
	set("randomBytes", func(size int) goja.ArrayBuffer {
		b := make([]byte, size)
		rand.Read(b)
		return vm.NewArrayBuffer(b)
	})
	set("digest", n.digest)
	set("setTimer", n.setTimer)
	set("clearTimer", func(id int64) { n.in.clearTimer(id) })
	// The natives every request may call take goja's direct form: goja calls a Go function of any
	// other signature through reflection, which cost a twentieth of a service-binding hop.
	set("waitUntil", func(goja.FunctionCall) goja.Value { n.in.waiting = true; return goja.Undefined() })
	set("fetch", func(c goja.FunctionCall) goja.Value { // (method, url, headers, redirect, body)
		return vm.ToValue(n.fetch(c.Argument(0).String(), c.Argument(1).String(), c.Argument(2), c.Argument(3).String(), c.Argument(4)))
	})
	set("service", func(c goja.FunctionCall) goja.Value { // (binding, method, url, headers, body)
		return vm.ToValue(n.service(c.Argument(0).String(), c.Argument(1).String(), c.Argument(2), c.Argument(3), c.Argument(4)))
	})
	set("respond", n.respond)
	set("kvGet", func(c goja.FunctionCall) goja.Value { return n.kvGet(c.Argument(0).String(), c.Argument(1).String()) })
	set("kvPut", n.kvPut)
	set("kvDelete", n.kvDelete)
	set("kvList", n.kvList)
	set("queueSend", n.queueSend)
	set("serviceCall", n.serviceCall)
	n.durableNatives(set)
	n.r2Natives(set)
	n.subtleNatives(set)
	n.cacheNatives(set)
	n.codecNatives(set)
	n.bodyNatives(set)
	n.htmlNatives(set)
	return o
}

// throw raises a JavaScript Error with msg in the running script.
func (n *natives) throw(msg string) {
	e, err := n.in.vm.New(n.in.vm.Get("Error"), n.in.vm.ToValue(msg))
	if err != nil {
		panic(n.in.vm.NewGoError(err))
	}
	panic(e)
}

func (n *natives) typeError(format string, args ...any) {
	panic(n.in.vm.NewTypeError(fmt.Sprintf(format, args...)))
}

// urlParts is a URL as the prelude's URL class keeps it: its fields in the order of urlFields there
// (href, origin, protocol, username, password, host, hostname, port, pathname, search, hash), in an
// array, which goja makes and reads for less than a Go map it would wrap and convert on every read.
func urlParts(vm *goja.Runtime, u *whatwg.Url) goja.Value {
	origin := "null"
	if u.IsSpecialScheme() && u.Scheme() != "file" {
		origin = u.Protocol() + "//" + u.Host()
	}
	if u.Scheme() == "blob" { // a blob: URL has the origin of the http(s) URL inside it
		if inner, err := urlParser.Parse(u.Pathname()); err == nil && (inner.Scheme() == "http" || inner.Scheme() == "https") {
			origin = inner.Protocol() + "//" + inner.Host()
		}
	}
	return vm.NewArray(u.Href(false), origin, u.Protocol(), u.Username(), u.Password(), u.Host(), u.Hostname(), u.Port(),
		u.Pathname(), u.Search(), u.Hash())
}

var urlParser = whatwg.NewParser()

// urlParse(input, base) parses as new URL does. It and urlSet take goja's call directly: a native
// Go signature costs a reflected call, and scripts make a URL on most requests.
func (n *natives) urlParse(c goja.FunctionCall) goja.Value {
	var u *whatwg.Url
	var err error
	if input, base := c.Argument(0).String(), c.Argument(1); goja.IsUndefined(base) {
		u, err = urlParser.Parse(input)
	} else {
		u, err = urlParser.ParseRef(base.String(), input)
	}
	if err != nil {
		n.typeError("Invalid URL string.")
	}
	return urlParts(n.in.vm, u)
}

// urlSet(href, field, value) is href with one field set, as URL's setters do.
func (n *natives) urlSet(c goja.FunctionCall) goja.Value {
	href, field, value := c.Argument(0).String(), c.Argument(1).String(), c.Argument(2).String()
	u, err := urlParser.Parse(href)
	if err != nil {
		n.typeError("Invalid URL string.")
	}
	switch field {
	case "href":
		if u, err = urlParser.Parse(value); err != nil {
			n.typeError("Invalid URL string.")
		}
	case "protocol":
		u.SetProtocol(value)
	case "username":
		u.SetUsername(value)
	case "password":
		u.SetPassword(value)
	case "host":
		u.SetHost(value)
	case "hostname":
		u.SetHostname(value)
	case "port":
		u.SetPort(value)
	case "pathname":
		u.SetPathname(value)
	case "search":
		u.SetSearch(value)
	case "hash":
		u.SetHash(value)
	}
	return urlParts(n.in.vm, u)
}

func (n *natives) utf8Decode(ab goja.ArrayBuffer, fatal, ignoreBOM bool) string {
	b := ab.Bytes()
	if !ignoreBOM {
		b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	}
	if fatal && !utf8.Valid(b) {
		n.typeError("The encoded data was not valid for encoding utf-8")
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func (n *natives) atob(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r' {
			return -1
		}
		return r
	}, s)
	if len(s)%4 == 0 {
		s = strings.TrimSuffix(strings.TrimSuffix(s, "="), "=")
	}
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil || len(s)%4 == 1 {
		panic(n.in.vm.NewGoError(fmt.Errorf("InvalidCharacterError: atob() called with invalid base64-encoded data")))
	}
	// Each byte becomes one UTF-16 code unit (a "binary string").
	runes := make([]rune, len(b))
	for i, c := range b {
		runes[i] = rune(c)
	}
	return string(runes)
}

func (n *natives) btoa(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			panic(n.in.vm.NewGoError(fmt.Errorf("InvalidCharacterError: btoa() can only operate on characters in the Latin1 (ISO/IEC 8859-1) range")))
		}
		b = append(b, byte(r))
	}
	return base64.StdEncoding.EncodeToString(b)
}

func (n *natives) digest(alg string, ab goja.ArrayBuffer) goja.ArrayBuffer {
	var h hash.Hash
	switch strings.ToUpper(strings.ReplaceAll(alg, "-", "")) {
	case "SHA1":
		h = sha1.New()
	case "SHA256":
		h = sha256.New()
	case "SHA384":
		h = sha512.New384()
	case "SHA512":
		h = sha512.New()
	case "MD5":
		h = md5.New()
	default:
		panic(n.in.vm.NewGoError(fmt.Errorf("NotSupportedError: Unrecognized name.")))
	}
	h.Write(ab.Bytes())
	return n.in.vm.NewArrayBuffer(h.Sum(nil))
}

func (n *natives) setTimer(ms float64, fn goja.Callable, repeat bool) int64 {
	n.nextTimer++
	d := time.Duration(max(ms, 0) * float64(time.Millisecond))
	n.in.mu.Lock()
	gen := n.in.gen
	n.in.mu.Unlock()
	n.in.setTimer(gen, n.nextTimer, d, fn, repeat)
	return n.nextTimer
}

// exported is v's Go value; nil for an absent property.
func exported(v goja.Value) any {
	if v == nil {
		return nil
	}
	return v.Export()
}
