package main

import (
	"fmt"
	"net/http"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// loadResult is one measured run against one server.
type loadResult struct {
	Requests   uint64  `json:"requests"`
	RPS        float64 `json:"rps"`
	P50Ms      float64 `json:"p50_ms"`
	P99Ms      float64 `json:"p99_ms"`
	Errors     uint64  `json:"errors"`
	PeakRSSMiB float64 `json:"peak_rss_mib"`
	FirstError string  `json:"first_error,omitempty"`
}

// drive sends requests from a fixed number of connections, each sending its next request when the
// last one is answered, for warmup (not counted) and then duration.
func drive(url string, header http.Header, connections int, warmup, duration time.Duration) loadResult {
	return driveTargets([]vegeta.Target{{Method: http.MethodGet, URL: url, Header: header}}, connections, warmup, duration)
}

// driveTargets is drive over several targets, taken in turn.
func driveTargets(targets []vegeta.Target, connections int, warmup, duration time.Duration) loadResult {
	var failed string // the first failed response, with the start of its body
	attack := func(d time.Duration) *vegeta.Metrics {
		atk := vegeta.NewAttacker(vegeta.Connections(connections), vegeta.MaxConnections(connections),
			vegeta.Workers(uint64(connections)), vegeta.MaxWorkers(uint64(connections)),
			vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second), vegeta.MaxBody(200), vegeta.Redirects(vegeta.NoFollow))
		tr := vegeta.NewStaticTargeter(targets...)
		var m vegeta.Metrics
		for res := range atk.Attack(tr, vegeta.Rate{Freq: 0}, d, "load") {
			m.Add(res)
			if failed == "" && (res.Code < 200 || res.Code >= 400) {
				failed = fmt.Sprintf("%d %s: %q", res.Code, res.Error, res.Body)
			}
		}
		m.Close()
		return &m
	}
	if warmup > 0 {
		attack(warmup)
		failed = ""
	}
	m := attack(duration)
	out := loadResult{Requests: m.Requests, RPS: m.Throughput, P50Ms: ms(m.Latencies.P50), P99Ms: ms(m.Latencies.P99)}
	out.Errors = m.Requests - uint64(float64(m.Requests)*m.Success+0.5)
	if out.Errors > 0 {
		out.FirstError = failed
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
