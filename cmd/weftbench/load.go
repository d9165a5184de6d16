package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// The load generator is wrk (Debian package wrk), the same for both servers. It is a C event loop
// that spends a few µs of CPU per request; a Go HTTP client spends about as much per request as
// the server it measures, and on a 2-core machine that share of the cores bounds the rate measured.

// loadResult is one measured run against one server.
type loadResult struct {
	Requests   uint64  `json:"requests"`
	RPS        float64 `json:"rps"`
	P50Ms      float64 `json:"p50_ms"`
	P99Ms      float64 `json:"p99_ms"`
	MaxMs      float64 `json:"max_ms"`
	Errors     uint64  `json:"errors"`
	PeakRSSMiB float64 `json:"peak_rss_mib"`
	// CPU time per answered request, in µs, of the server and of the load generator, over the
	// measured part: on a 2-core machine the two share the cores, so both bound the rate.
	ServerCPUus float64 `json:"server_cpu_us_per_request"`
	LoadCPUus   float64 `json:"load_cpu_us_per_request"`
	ErrorKinds  string  `json:"error_kinds,omitempty"` // what wrk counted as errors, by kind
}

// loadTarget is one request the load generator sends: a URL and, for Weft, the Host that routes it.
type loadTarget struct {
	url, host string
}

// wrkSummary is what the generated script's done() prints: wrk's own counts, latencies in µs.
type wrkSummary struct {
	Requests   uint64 `json:"requests"`
	DurationUs int64  `json:"duration_us"`
	P50Us      int64  `json:"p50_us"`
	P99Us      int64  `json:"p99_us"`
	MaxUs      int64  `json:"max_us"`
	Connect    uint64 `json:"connect"`
	Read       uint64 `json:"read"`
	Write      uint64 `json:"write"`
	Status     uint64 `json:"status"`
	Timeout    uint64 `json:"timeout"`
}

const wrkMarker = "WEFTBENCH "

// wrkScript sends the targets in turn (all on one address) and prints the summary as JSON.
func wrkScript(targets []loadTarget) string {
	var b strings.Builder
	b.WriteString("local targets = {\n")
	for _, t := range targets {
		u, _ := url.Parse(t.url)
		fmt.Fprintf(&b, "  { path = %s, host = %s },\n", strconv.Quote(u.RequestURI()), strconv.Quote(t.host))
	}
	b.WriteString("}\n")
	if len(targets) == 1 {
		// One target: wrk builds the request once instead of calling request() every time.
		b.WriteString(`wrk.path = targets[1].path
if targets[1].host ~= "" then wrk.headers["Host"] = targets[1].host end
`)
	} else {
		b.WriteString(`local i = 0
request = function()
  i = i % #targets + 1
  local t = targets[i]
  return wrk.format("GET", t.path, t.host ~= "" and { Host = t.host } or nil)
end
`)
	}
	b.WriteString(`done = function(s, latency)
  io.write(string.format('` + wrkMarker + `{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    s.requests, s.duration, latency:percentile(50), latency:percentile(99), latency.max,
    s.errors.connect, s.errors.read, s.errors.write, s.errors.status, s.errors.timeout))
end
`)
	return b.String()
}

// wrkPath finds wrk, or says how to install it.
func wrkPath() (string, error) {
	p, err := exec.LookPath("wrk")
	if err != nil {
		return "", fmt.Errorf("weftbench drives load with wrk, which is not installed (Debian: apt-get install wrk)")
	}
	return p, nil
}

// drive sends requests from a fixed number of connections, each sending its next request when the
// last one is answered, for warmup (not counted) and then duration.
func drive(s *server, targets []loadTarget, connections int, warmup, duration time.Duration) (loadResult, error) {
	dir, err := os.MkdirTemp("", "weftbench-wrk-")
	if err != nil {
		return loadResult{}, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "load.lua")
	if err := os.WriteFile(script, []byte(wrkScript(targets)), 0o644); err != nil {
		return loadResult{}, err
	}
	if warmup > 0 {
		if _, _, err := runWrk(script, targets[0].url, connections, warmup); err != nil {
			return loadResult{}, err
		}
	}
	serverCPU := s.cpu()
	sum, loadCPU, err := runWrk(script, targets[0].url, connections, duration)
	if err != nil {
		return loadResult{}, err
	}
	out := loadResult{Requests: sum.Requests, P50Ms: float64(sum.P50Us) / 1000, P99Ms: float64(sum.P99Us) / 1000, MaxMs: float64(sum.MaxUs) / 1000}
	if sum.DurationUs > 0 {
		out.RPS = float64(sum.Requests) / (float64(sum.DurationUs) / 1e6)
	}
	if sum.Requests > 0 {
		per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(sum.Requests) }
		out.ServerCPUus, out.LoadCPUus = per(s.cpu()-serverCPU), per(loadCPU)
	}
	var kinds []string
	for _, k := range []struct {
		n    uint64
		what string
	}{{sum.Status, "status ≥ 400"}, {sum.Timeout, "timeout"}, {sum.Connect, "connect"}, {sum.Read, "read"}, {sum.Write, "write"}} {
		out.Errors += k.n
		if k.n > 0 {
			kinds = append(kinds, fmt.Sprintf("%d %s", k.n, k.what))
		}
	}
	out.ErrorKinds = strings.Join(kinds, ", ")
	return out, nil
}

// runWrk runs wrk once and returns its summary and the CPU time it used.
func runWrk(script, firstURL string, connections int, d time.Duration) (wrkSummary, time.Duration, error) {
	var sum wrkSummary
	bin, err := wrkPath()
	if err != nil {
		return sum, 0, err
	}
	u, err := url.Parse(firstURL)
	if err != nil {
		return sum, 0, err
	}
	threads := min(runtime.NumCPU(), connections)
	secs := max(1, int((d+time.Second/2)/time.Second))
	cmd := exec.Command(bin, "-t", strconv.Itoa(threads), "-c", strconv.Itoa(connections), "-d", fmt.Sprintf("%ds", secs),
		"--timeout", "30s", "-s", script, u.Scheme+"://"+u.Host)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return sum, 0, fmt.Errorf("wrk: %v: %s", err, strings.TrimSpace(stderr.String()+stdout.String()))
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	for _, line := range strings.Split(stdout.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, wrkMarker); ok {
			return sum, cpu, json.Unmarshal([]byte(rest), &sum)
		}
	}
	return sum, cpu, fmt.Errorf("wrk printed no summary: %s", strings.TrimSpace(stdout.String()))
}
