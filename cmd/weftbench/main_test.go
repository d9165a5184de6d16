package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The whole benchmark in a tiny mode against a real Weft: every scenario answers without errors,
// and cold start, deploy-to-live, the deploy under load and the many-environment run produce figures.
func TestBenchmarkRunsEveryScenarioOnWeft(t *testing.T) {
	out := t.TempDir()
	o, err := parseFlags([]string{"--connections", "4", "--duration", "300ms", "--warmup", "0", "--environments", "5", "--hot", "2",
		"--cold-rounds", "1", "--redeploy-rounds", "1", "--rounds", "2", "--workerd=false", "--out", out}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	r, err := run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range scenarios() {
		s := r.scenario(sc.name)
		if s == nil {
			t.Errorf("scenario %s missing from the report", sc.name)
			continue
		}
		if s.Weft.Requests == 0 || s.Weft.Errors != 0 || s.Weft.PeakRSSMiB <= 0 || s.Weft.ServerCPUus <= 0 || s.Workerd != nil {
			t.Errorf("%s: %+v", s.Name, s.Weft)
		}
		if len(s.Rounds) != 2 || s.Weft.RPS != min(s.Rounds[0].Weft.RPS, s.Rounds[1].Weft.RPS) {
			t.Errorf("%s: the lower of 2 rounds is not reported: %+v", s.Name, s.Rounds)
		}
		for i, rd := range s.Rounds {
			if want := len(floorPaths[s.Name]); len(rd.Floor) != want {
				t.Errorf("%s, round %d: %d floor measurements, want %d", s.Name, i+1, len(rd.Floor), want)
			}
			for _, f := range rd.Floor {
				if f.Name == "" || f.Requests == 0 || f.Errors != 0 || f.ServerCPUus <= 0 {
					t.Errorf("%s, round %d, floor: %+v", s.Name, i+1, f)
				}
			}
		}
	}
	if len(r.Cold) != 2 || r.Cold[0].FirstReqMs <= 0 || r.Cold[1].BundleKiB < 1000 {
		t.Errorf("cold start: %+v", r.Cold)
	}
	if d := r.Redeploy; d == nil || len(d.All) != 1 || d.Steady.Requests == 0 || d.Deploying.Requests == 0 || d.Deploying.Errors != 0 || d.DeployMs <= 0 || d.Deploying.MaxMs < d.Deploying.P99Ms {
		t.Errorf("redeploy: %+v", r.Redeploy)
	}
	if r.Fleet == nil || r.Fleet.Environments != 5 || r.Fleet.Load.Requests == 0 || r.Fleet.Load.Errors != 0 {
		t.Errorf("fleet: %+v", r.Fleet)
	}
	md, err := os.ReadFile(filepath.Join(out, "results.md"))
	if err != nil || !strings.Contains(string(md), "| hello |") || !strings.Contains(string(md), "deploy-to-live") || !strings.Contains(string(md), "| a deploy a third of the way in |") ||
		!strings.Contains(string(md), "| net/http + one goja call |") {
		t.Fatalf("results.md: %v\n%s", err, md)
	}
	if _, err := os.Stat(filepath.Join(out, "results.json")); err != nil {
		t.Fatal(err)
	}
}

// The reported round is the median by ratio (the lower middle of an even count), and the table shows
// the range; errors from every round are listed, not only the median's.
func TestMedianRoundIsReported(t *testing.T) {
	rd := func(weft, workerd float64, errs uint64) round {
		return round{Weft: loadResult{RPS: weft, Errors: errs, ErrorKinds: "x"}, Workerd: &loadResult{RPS: workerd}, Ratio: weft / workerd}
	}
	for _, c := range []struct {
		rounds []round
		want   float64
	}{
		{[]round{rd(300, 100, 0), rd(100, 100, 0), rd(200, 100, 0)}, 2},
		{[]round{rd(400, 100, 0), rd(100, 100, 0), rd(300, 100, 0), rd(200, 100, 0)}, 2},
		{[]round{rd(150, 100, 0)}, 1.5},
	} {
		s := scenarioResult{Name: "hello", Rounds: c.rounds}
		s.settle()
		if s.Ratio != c.want || s.Weft.RPS != c.want*100 {
			t.Errorf("%v rounds: median ratio %v, want %v", len(c.rounds), s.Ratio, c.want)
		}
	}
	// The floor's rows come from the same median round, with their own range over the rounds.
	withFloor := func(r round, rps float64, errs uint64) round {
		r.Floor = []floorLoad{{Name: floorGoja, loadResult: loadResult{RPS: rps, Errors: errs, ErrorKinds: "y"}, Ratio: rps / r.Workerd.RPS}}
		return r
	}
	s := scenarioResult{Name: "hello", Rounds: []round{withFloor(rd(90, 100, 7), 250, 3), withFloor(rd(180, 100, 0), 200, 0), withFloor(rd(210, 100, 0), 190, 0)}}
	s.settle()
	chain := scenarioResult{Name: "chain", Rounds: []round{rd(50, 100, 0)}}
	chain.Rounds[0].Floor = []floorLoad{{Name: floorGojaChain, loadResult: loadResult{RPS: 100}, Ratio: 1}}
	chain.settle()
	r := report{Rounds: 3, Scenarios: []scenarioResult{s, chain}}
	r.check()
	md := r.markdown()
	for _, want := range []string{"| hello | 180 |", "| 1.80× | 0.90–2.10× |", "hello on Weft, round 1: 7 errors",
		"| net/http + one goja call | 200 |", "| 2.00× | 1.90–2.50× |", "hello on net/http + one goja call, round 1: 3 errors", "with no Weft code: 2.00×",
		"| chain | net/http + four goja runtimes | 100 |", "0.28× Weft's hello (workerd: 1.00× its own); the goja floor: 0.50× its own"} {
		if !strings.Contains(md, want) {
			t.Errorf("results.md lacks %q:\n%s", want, md)
		}
	}
	if _, err := parseFlags([]string{"--rounds", "0"}, io.Discard); err == nil {
		t.Error("--rounds 0 is accepted")
	}
}

// workerd is given every scenario, with its bindings, on its own socket.
func TestWorkerdConfigServesEveryScenario(t *testing.T) {
	dir := t.TempDir()
	ports := map[string]int{}
	for i, s := range scenarios() {
		ports[s.name] = 9000 + i
	}
	cfg, err := workerdConfig(dir, scenarios(), ports)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`address = "127.0.0.1:9000", http = (), service = "hello"`, `service = "chainA"`, `(name = "NEXT", service = "chainD")`,
		`kvNamespace = "kvStore"`, `durableObjectNamespace = "Counter"`, `durableObjectStorage = (inMemory = void)`, `embed "rewrite.js"`} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %s", want)
		}
	}
	for _, s := range scenarios() {
		if socket := fmt.Sprintf(`(name = %q, address = "127.0.0.1:%d", http = (), service = %q)`, s.name, ports[s.name], capnpID(s.entry())); !strings.Contains(cfg, socket) {
			t.Errorf("config lacks the socket of %s: %s", s.name, socket)
		}
		if b, err := os.ReadFile(filepath.Join(dir, s.name+".js")); err != nil || string(b) != s.src {
			t.Errorf("%s.js: %v", s.name, err)
		}
	}
}

// A server that answers something else than the scenario's script would is not measured.
func TestScenarioChecksRefuseWrongAnswers(t *testing.T) {
	for _, s := range scenarios() {
		for _, body := range []string{"", "Hello world", "-1", "<a href=\"/item\">"} {
			if s.check([]byte(body)) == nil {
				t.Errorf("%s accepts %q", s.name, body)
			}
		}
	}
	if _, err := selected("hello,nope"); err == nil {
		t.Error("an unknown scenario is accepted")
	}
}

// Servers listen below the kernel's ephemeral range, where the outgoing connections made before
// they bind cannot take their port.
func TestFreePortIsBelowTheEphemeralRange(t *testing.T) {
	low := 32768 // freePort's assumption where the kernel does not say
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		fmt.Sscan(string(b), &low)
	}
	for range 20 {
		port, err := freePort()
		if err != nil || port < 1024 || port >= low {
			t.Fatalf("port %d (ephemeral range from %d): %v", port, low, err)
		}
	}
}
