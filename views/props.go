// Package views holds the dashboard's templ components. Components take typed props and never query.
package views

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/weft-dev/weft/models"
)

// Page is what every page's frame shows.
type Page struct {
	Title  string
	User   string // empty on the login page
	CSRF   string
	Crumbs []Crumb
	Flash  *Flash
	// EnvNav, on an environment's pages, switches to the same page of another environment.
	EnvNav *EnvNav
}

// EnvNav is the environment switcher: the service's environments, production first.
type EnvNav struct {
	Service, Current, Page string
	Envs                   []string
}

// Crumb is one breadcrumb; the last has no link.
type Crumb struct {
	Label string
	Href  string
}

// Flash is a one-time message about the result of the previous action.
type Flash struct {
	Kind    string // "ok" or "error"
	Message string
}

// FieldErrors maps a form field name to what is wrong with it.
type FieldErrors map[string]string

// EnvLink is an environment of a service as the dashboard links it.
type EnvLink struct {
	models.EnvironmentSummary
	URL string // its hostname on the gateway
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

func whenPtr(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return when(*t)
}

func liveText(s models.Splits) string {
	if len(s) == 0 {
		return "nothing deployed"
	}
	out := ""
	for i, sp := range s {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("v%d %d%%", sp.Number, sp.Percentage)
	}
	return out
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func envPath(service, env string) string {
	return "/services/" + service + "/environments/" + env
}

func itoa(n int) string { return fmt.Sprint(n) }

func prefixNote(prefix string) string {
	if prefix == "" {
		return ""
	}
	return " starting with " + prefix
}

func kvKeyURL(ns, key, prefix string) string {
	q := url.Values{"key": {key}}
	if prefix != "" {
		q.Set("prefix", prefix)
	}
	return "/kv/" + ns + "?" + q.Encode()
}

func kvNextURL(ns, prefix, cursor string) string {
	q := url.Values{"cursor": {cursor}}
	if prefix != "" {
		q.Set("prefix", prefix)
	}
	return "/kv/" + ns + "?" + q.Encode()
}

func unixTime(sec int64) string { return when(time.Unix(sec, 0)) }

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func urlQuery(s string) string { return url.QueryEscape(s) }

func r2URL(bucket, prefix, cursor string) string {
	q := url.Values{}
	if prefix != "" {
		q.Set("prefix", prefix)
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if len(q) == 0 {
		return "/r2/" + bucket
	}
	return "/r2/" + bucket + "?" + q.Encode()
}

// parentPrefix is the folder above "a/b/": "a/".
func parentPrefix(p string) string {
	p = strings.TrimSuffix(p, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i+1]
	}
	return ""
}
