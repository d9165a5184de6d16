package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// scenarioResult is one scenario's rounds, and the median round, which the table and the targets use.
type scenarioResult struct {
	Name string `json:"name"`
	round
	Rounds []round `json:"rounds"`
}

// round is one measurement of each server, taken back to back.
type round struct {
	Weft    loadResult  `json:"weft"`
	Workerd *loadResult `json:"workerd,omitempty"`
	Ratio   float64     `json:"weft_to_workerd_rps,omitempty"`
	Floor   []floorLoad `json:"floor,omitempty"` // hello and the chain: the floor command's answers
}

// settle picks the median round: by the ratio when workerd ran, else by Weft's rate. With an even
// count it takes the lower middle, so a lucky round never decides a target.
func (s *scenarioResult) settle() {
	if len(s.Rounds) > 0 {
		s.round = lowerMedian(s.Rounds, round.key)
	}
}

// lowerMedian is the middle of xs ordered by key, the lower of the two middles with an even count.
func lowerMedian[T any](xs []T, key func(T) float64) T {
	sorted := slices.Clone(xs)
	slices.SortStableFunc(sorted, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	return sorted[(len(sorted)-1)/2]
}

func (r round) key() float64 {
	if r.Workerd != nil {
		return r.Ratio
	}
	return r.Weft.RPS
}

// ratioRange is the lowest and highest Weft/workerd ratio over the rounds.
func (s *scenarioResult) ratioRange() (lo, hi float64) {
	return s.rangeOf(func(r round) float64 { return r.Ratio })
}

// rangeOf is the lowest and highest of a figure over the rounds.
func (s *scenarioResult) rangeOf(figure func(round) float64) (lo, hi float64) {
	for i, r := range s.Rounds {
		v := figure(r)
		if i == 0 || v < lo {
			lo = v
		}
		hi = max(hi, v)
	}
	return lo, hi
}

type target struct {
	What string `json:"what"`
	Got  string `json:"got"`
	Met  bool   `json:"met"`
}

type report struct {
	Machine     string           `json:"machine"`
	Connections int              `json:"connections"`
	Rounds      int              `json:"rounds"`
	DurationS   float64          `json:"duration_s"`
	WarmupS     float64          `json:"warmup_s"`
	Workerd     string           `json:"workerd,omitempty"`
	Scenarios   []scenarioResult `json:"scenarios"`
	Cold        []coldResult     `json:"cold_start,omitempty"`
	Redeploy    *redeployResult  `json:"redeploy,omitempty"`
	Fleet       *fleetResult     `json:"fleet,omitempty"`
	Targets     []target         `json:"targets"`
}

func (r *report) scenario(name string) *scenarioResult {
	for i := range r.Scenarios {
		if r.Scenarios[i].Name == name {
			return &r.Scenarios[i]
		}
	}
	return nil
}

// check records the targets that this run can judge.
func (r *report) check() {
	add := func(what, got string, met bool) { r.Targets = append(r.Targets, target{what, got, met}) }
	hello, chain, jsonAPI := r.scenario("hello"), r.scenario("chain"), r.scenario("json")
	helloFloor, chainFloor := r.floorNotes()
	if hello != nil && hello.Workerd != nil {
		add("hello world ≥ 2.0× workerd req/s, p99 no worse", fmt.Sprintf("%.2f×, p99 %.2f vs %.2f ms%s", hello.Ratio, hello.Weft.P99Ms, hello.Workerd.P99Ms, helloFloor),
			hello.Ratio >= 2 && hello.Weft.P99Ms <= hello.Workerd.P99Ms)
	}
	if hello != nil && chain != nil && hello.Weft.RPS > 0 {
		own := chain.Weft.RPS / hello.Weft.RPS
		got := fmt.Sprintf("%.2f× Weft's hello", own)
		if chain.Workerd != nil && hello.Workerd != nil && hello.Workerd.RPS > 0 {
			got += fmt.Sprintf(" (workerd: %.2f× its own)", chain.Workerd.RPS/hello.Workerd.RPS)
		}
		got += chainFloor
		add("3-hop service-binding chain ≥ 0.7× Weft's hello world", got, own >= 0.7)
	}
	if jsonAPI != nil && jsonAPI.Workerd != nil {
		add("JSON API ≥ 0.5× workerd", fmt.Sprintf("%.2f×", jsonAPI.Ratio), jsonAPI.Ratio >= 0.5)
	}
	for _, c := range r.Cold {
		if c.BundleKiB <= 1 {
			add("cold start of a 1 KiB bundle ≤ 5 ms", fmt.Sprintf("%.2f ms", c.FirstReqMs), c.FirstReqMs <= 5)
			add("deploy-to-live ≤ 50 ms", fmt.Sprintf("%.2f ms", c.DeployLive), c.DeployLive <= 50)
		}
	}
	if f := r.Fleet; f != nil {
		add(fmt.Sprintf("%d environments, %d hot: RSS ≤ 300 MiB", f.Environments, f.Hot), fmt.Sprintf("%.0f MiB peak", f.PeakRSSMiB), f.PeakRSSMiB <= 300)
	}
}

func (r *report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Machine: %s. Load from wrk, %d connections, %gs measured after %gs warm-up. Each scenario ran %d round(s), the servers back to back, each round starting with the next server in turn; the row is the round with the median ratio, and the last column the range over all rounds. CPU µs/req is the server's CPU time (user and system) per answered request.\n\n",
		r.Machine, r.Connections, r.DurationS, r.WarmupS, r.Rounds)
	b.WriteString("| scenario | Weft req/s | p50 ms | p99 ms | errors | CPU µs/req | peak RSS MiB | workerd req/s | p50 ms | p99 ms | errors | CPU µs/req | peak RSS MiB | Weft/workerd | over the rounds |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range r.Scenarios {
		w := s.Weft
		fmt.Fprintf(&b, "| %s | %.0f | %.2f | %.2f | %d | %.0f | %.0f |", s.Name, w.RPS, w.P50Ms, w.P99Ms, w.Errors, w.ServerCPUus, w.PeakRSSMiB)
		if k := s.Workerd; k != nil {
			lo, hi := s.ratioRange()
			fmt.Fprintf(&b, " %.0f | %.2f | %.2f | %d | %.0f | %.0f | %.2f× | %.2f–%.2f× |\n", k.RPS, k.P50Ms, k.P99Ms, k.Errors, k.ServerCPUus, k.PeakRSSMiB, s.Ratio, lo, hi)
		} else {
			b.WriteString(" – | – | – | – | – | – | – | – |\n")
		}
	}
	b.WriteString(r.floorTable())
	if len(r.Cold) > 0 {
		b.WriteString("\n| Weft alone | upload (API call) ms | first request ms | deploy-to-live ms |\n|---|---:|---:|---:|\n")
		for _, c := range r.Cold {
			fmt.Fprintf(&b, "| cold start, %d KiB bundle (median of %d) | %.2f | %.2f | %.2f |\n", c.BundleKiB, c.Rounds, c.UploadMs, c.FirstReqMs, c.DeployLive)
		}
	}
	if d := r.Redeploy; d != nil {
		fmt.Fprintf(&b, "\nA deploy under load (%d KiB bundle, each request waiting 20 ms; the round with the median p99 of %d; the deploy API call took %.0f ms):\n\n", d.BundleKiB, d.Rounds, d.DeployMs)
		b.WriteString("| Weft alone | req/s | p50 ms | p99 ms | slowest ms | errors |\n|---|---:|---:|---:|---:|---:|\n")
		for _, row := range []struct {
			what string
			l    loadResult
		}{{"no deploy", d.Steady}, {"a deploy a third of the way in", d.Deploying}} {
			fmt.Fprintf(&b, "| %s | %.0f | %.2f | %.2f | %.2f | %d |\n", row.what, row.l.RPS, row.l.P50Ms, row.l.P99Ms, row.l.MaxMs, row.l.Errors)
		}
	}
	if f := r.Fleet; f != nil {
		fmt.Fprintf(&b, "\n%d environments deployed in %.1f s; RSS %.0f MiB idle, %.0f MiB peak while %d of them served %.0f req/s (%d errors).\n",
			f.Environments, f.DeploySeconds, f.IdleRSSMiB, f.PeakRSSMiB, f.Hot, f.Load.RPS, f.Load.Errors)
	}
	b.WriteString(r.runErrors())
	if len(r.Targets) > 0 {
		b.WriteString("\n| target | this run | met |\n|---|---|---|\n")
		for _, t := range r.Targets {
			met := "no"
			if t.Met {
				met = "yes"
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", t.What, t.Got, met)
		}
	}
	return b.String()
}

// runErrors lists every run with errors, in every round, by kind.
func (r *report) runErrors() string {
	var b strings.Builder
	note := func(what string, l *loadResult) {
		if l != nil && l.Errors > 0 {
			fmt.Fprintf(&b, "- %s: %d errors (%s)\n", what, l.Errors, l.ErrorKinds)
		}
	}
	for _, s := range r.Scenarios {
		for i, rd := range s.Rounds {
			note(fmt.Sprintf("%s on Weft, round %d", s.Name, i+1), &rd.Weft)
			note(fmt.Sprintf("%s on workerd, round %d", s.Name, i+1), rd.Workerd)
			for _, f := range rd.Floor {
				note(fmt.Sprintf("%s on %s, round %d", s.Name, f.Name, i+1), &f.loadResult)
			}
		}
	}
	if d := r.Redeploy; d != nil {
		for i, p := range d.All {
			note(fmt.Sprintf("redeploy, round %d, no deploy", i+1), &p.Steady)
			note(fmt.Sprintf("redeploy, round %d, with a deploy", i+1), &p.Deploying)
		}
	}
	if r.Fleet != nil {
		note("many environments on Weft", &r.Fleet.Load)
	}
	if b.Len() == 0 {
		return ""
	}
	return "\nErrors:\n" + b.String()
}

func (r *report) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(j, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "results.md"), []byte(r.markdown()), 0o644)
}

// machine describes where the numbers came from.
func machine() string {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%s/%s, %d cores, %s, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), model, runtime.Version())
}
