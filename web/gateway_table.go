package web

import (
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/weft-dev/weft/models"
)

// Request headers that choose a version of a split deployment.
const (
	headerVersionOverride = "Weft-Version"     // pin one of the live versions by number, for testing
	headerVersionKey      = "Weft-Version-Key" // keep a client on one version
	headerCFVersionKey    = "Cloudflare-Workers-Version-Key"
)

// routeTable is an immutable snapshot of what the gateway serves; a deploy swaps in a new one.
type routeTable struct {
	envs   map[string]*liveEnv // "service/env"
	routes []customRoute       // most specific first
}

type liveEnv struct {
	service, env string
	splits       []models.LiveSplit
}

type customRoute struct {
	hostSuffix string // for "*.example.com": ".example.com"
	host       string // exact host, when not a wildcard
	path       string // prefix when prefix is set, else exact
	prefix     bool
	target     *liveEnv
}

func envKey(service, env string) string { return service + "/" + env }

func buildTable(live []models.LiveEnvironment) *routeTable {
	t := &routeTable{envs: make(map[string]*liveEnv, len(live))}
	for _, le := range live {
		e := &liveEnv{service: le.Service, env: le.Environment, splits: le.Splits}
		t.envs[envKey(le.Service, le.Environment)] = e
		for _, p := range le.Routes {
			t.routes = append(t.routes, parseRoute(p, e))
		}
	}
	sort.SliceStable(t.routes, func(i, j int) bool { return t.routes[i].moreSpecific(t.routes[j]) })
	return t
}

func parseRoute(pattern string, target *liveEnv) customRoute {
	slash := strings.IndexByte(pattern, '/')
	host, path := pattern[:slash], pattern[slash:]
	r := customRoute{target: target, path: path}
	if strings.HasPrefix(host, "*.") {
		r.hostSuffix = host[1:]
	} else {
		r.host = host
	}
	if strings.HasSuffix(path, "*") {
		r.prefix, r.path = true, strings.TrimSuffix(path, "*")
	}
	return r
}

// moreSpecific orders exact hosts before wildcards, exact paths before prefixes, longer paths first.
func (r customRoute) moreSpecific(o customRoute) bool {
	if (r.host != "") != (o.host != "") {
		return r.host != ""
	}
	if r.prefix != o.prefix {
		return !r.prefix
	}
	return len(r.path) > len(o.path)
}

func (r customRoute) matches(host, path string) bool {
	if r.host != "" && r.host != host || r.host == "" && !strings.HasSuffix(host, r.hostSuffix) {
		return false
	}
	if r.prefix {
		return strings.HasPrefix(path, r.path)
	}
	return path == r.path
}

// target says which environment (and for a preview hostname, which version number) a request is for.
type target struct {
	env     *liveEnv
	version int // >0 for v<N>.<env>.<service> preview hostnames
	// service and environment named by the hostname, even when unknown (for the 404 page).
	service, envName string
}

// resolve maps host and path to an environment: custom routes first, then <env>.<service>.<domain>.
func (t *routeTable) resolve(host, path, domain string) target {
	for _, r := range t.routes {
		if r.matches(host, path) {
			return target{env: r.target, service: r.target.service, envName: r.target.env}
		}
	}
	sub, ok := strings.CutSuffix(host, "."+domain)
	if !ok {
		return target{}
	}
	var labels [3]string // at most v<N>.<env>.<service>; split in place, as every request does this
	n := 0
	for rest, more := sub, true; more; n++ {
		if n == len(labels) {
			return target{}
		}
		labels[n], rest, more = strings.Cut(rest, ".")
	}
	var tg target
	switch n {
	case 1:
		tg.service, tg.envName = labels[0], models.ProductionEnvName
	case 2:
		tg.envName, tg.service = labels[0], labels[1]
	case 3:
		n, err := strconv.Atoi(strings.TrimPrefix(labels[0], "v"))
		if !strings.HasPrefix(labels[0], "v") || err != nil || n < 1 {
			return target{}
		}
		tg.version, tg.envName, tg.service = n, labels[1], labels[2]
	default:
		return target{}
	}
	tg.env = t.envs[envKey(tg.service, tg.envName)]
	return tg
}

// serves reports whether a version is one of the environment's live versions.
func (e *liveEnv) serves(versionID uint) bool {
	for i := range e.splits {
		if e.splits[i].Version.ID == versionID {
			return true
		}
	}
	return false
}

// pick chooses the version for a request: a pinned live version, a sticky key's bucket, or chance.
func (e *liveEnv) pick(r *http.Request) *models.Version {
	if len(e.splits) == 1 {
		return &e.splits[0].Version
	}
	if pin, err := strconv.Atoi(r.Header.Get(headerVersionOverride)); err == nil {
		for i := range e.splits {
			if e.splits[i].Version.Number == pin {
				return &e.splits[i].Version
			}
		}
	}
	bucket := rand.IntN(100)
	key := r.Header.Get(headerVersionKey)
	if key == "" {
		key = r.Header.Get(headerCFVersionKey)
	}
	if key != "" {
		h := fnv.New32a()
		h.Write([]byte(key))
		bucket = int(h.Sum32() % 100)
	}
	for i := range e.splits {
		bucket -= e.splits[i].Percentage
		if bucket < 0 {
			return &e.splits[i].Version
		}
	}
	return &e.splits[len(e.splits)-1].Version
}
