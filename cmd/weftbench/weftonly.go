package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// coldResult is the median over rounds of three timings of a deploy.
type coldResult struct {
	BundleKiB  int     `json:"bundle_kib"`
	UploadMs   float64 `json:"upload_ms"`      // the deploy API call (bundling, compiling, storing)
	FirstReqMs float64 `json:"first_req_ms"`   // the first request the new version answers: its cold start
	DeployLive float64 `json:"deploy_live_ms"` // API call returned → first response from the new version
	Rounds     int     `json:"rounds"`
}

// measureCold deploys src rounds times, each a new bundle (so nothing is cached from the round before)
// to a new environment, and times the upload, the cold start and deploy-to-live. A new environment
// has had no traffic, so nothing is warmed before it goes live (web/gateway_warm.go): its first
// request starts the first runtime of a worker loaded for it.
func measureCold(ctx context.Context, w *weftServer, service, src string, rounds int) (coldResult, error) {
	toml := fmt.Sprintf("name = %q\nmain = \"index.js\"\ncompatibility_date = \"2024-09-23\"\n", service)
	var upload, first, live []float64
	for i := range rounds {
		code, env := fmt.Sprintf("// round %d\n%s", i, src), fmt.Sprintf("round%d", i)
		t0 := time.Now()
		res, err := w.deploy(ctx, service, env, code, toml)
		if err != nil {
			return coldResult{}, fmt.Errorf("deploy %s: %w", service, err)
		}
		returned := time.Now()
		upload = append(upload, ms(returned.Sub(t0)))
		want := strconv.Itoa(res.Version.Number)
		url, header := w.target(service, env, "/")
		for {
			start := time.Now()
			version, status, _, err := get(ctx, url, header)
			took := time.Since(start)
			if err == nil && status == http.StatusOK && version == want {
				first = append(first, ms(took))
				live = append(live, ms(time.Since(returned)))
				break
			}
			if time.Since(returned) > 30*time.Second {
				return coldResult{}, fmt.Errorf("%s v%s never answered (last: %d %v)", service, want, status, err)
			}
		}
	}
	return coldResult{BundleKiB: len(src) >> 10, UploadMs: median(upload), FirstReqMs: median(first), DeployLive: median(live), Rounds: rounds}, nil
}

// get sends one GET and returns the version that answered (Weft-Version), the status and the body.
func get(ctx context.Context, url string, header http.Header) (version string, status int, body []byte, err error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Host = header.Get("Host")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", 0, nil, err
	}
	defer res.Body.Close()
	body, err = io.ReadAll(res.Body)
	return res.Header.Get("Weft-Version"), res.StatusCode, body, err
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// bigBundle is a worker padded to about size bytes with a string constant.
func bigBundle(size int) string {
	return fmt.Sprintf("const pad = %q;\nexport default { fetch() { return new Response(\"bundle of \" + pad.length) } }\n", strings.Repeat("x", size))
}

// fleetResult is Weft's memory with many deployed environments, a few of them busy.
type fleetResult struct {
	Environments  int        `json:"environments"`
	Hot           int        `json:"hot"`
	DeploySeconds float64    `json:"deploy_seconds"`
	IdleRSSMiB    float64    `json:"idle_rss_mib"` // after deploying them all, before any traffic
	PeakRSSMiB    float64    `json:"peak_rss_mib"` // while the hot ones take load
	Load          loadResult `json:"load"`
}

// measureFleet deploys n environments of one service and sends load to hot of them.
func measureFleet(ctx context.Context, w *weftServer, n, hot, connections int, duration time.Duration) (fleetResult, error) {
	out := fleetResult{Environments: n, Hot: min(hot, n)}
	toml := "name = \"fleet\"\nmain = \"index.js\"\ncompatibility_date = \"2024-09-23\"\n"
	src := `export default { fetch(request, env) { return new Response("env " + new URL(request.url).hostname) } }`
	t0 := time.Now()
	for i := range n {
		if _, err := w.deploy(ctx, "fleet", envName(i), src, toml); err != nil {
			return out, fmt.Errorf("deploy fleet/%s: %w", envName(i), err)
		}
	}
	out.DeploySeconds = time.Since(t0).Seconds()
	out.IdleRSSMiB = mib(w.rss())
	var targets []loadTarget
	for i := range out.Hot {
		url, header := w.target("fleet", envName(i*n/out.Hot), "/")
		targets = append(targets, loadTarget{url, header.Get("Host")})
	}
	stop := w.peakRSS()
	load, err := drive(w.server, targets, connections, 0, duration)
	out.Load = load
	out.PeakRSSMiB = mib(stop())
	return out, err
}

func envName(i int) string { return fmt.Sprintf("e%04d", i) }

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
