package main

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// The floor under hello and the chain: the floor command (./floor) serves those scenarios' answers
// with Go's net/http and goja and no Weft code. Measured in the same rounds as Weft and workerd, it
// shows how much of the targets the stack the project requires leaves within reach on this machine,
// whatever Weft's own code does.

const (
	floorGoja      = "net/http + one goja call"
	floorGojaChain = "net/http + four goja runtimes"
)

type floorPath struct{ name, path string }

// floorPaths are the floor's answers for each scenario, in the order the report lists them.
var floorPaths = map[string][]floorPath{
	"hello": {{"net/http alone", "/go"}, {floorGoja, "/goja"}},
	"chain": {{floorGojaChain, "/goja-chain"}},
}

// floorServer is a running floor command.
type floorServer struct {
	*server
	base string // http://127.0.0.1:PORT
}

func startFloor(ctx context.Context, work string) (*floorServer, error) {
	bin, err := buildCommand(work, "floor", "github.com/weft-dev/weft/cmd/weftbench/floor")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	srv, err := start("floor", work, nil, bin, addr)
	if err != nil {
		return nil, err
	}
	f := &floorServer{server: srv, base: "http://" + addr}
	if err := waitHTTP(ctx, f.base+floorPaths["hello"][0].path, nil); err != nil {
		srv.stop()
		return nil, err
	}
	return f, nil
}

func (f *floorServer) stop() {
	if f != nil {
		f.server.stop()
	}
}

// floorLoad is one of the floor's answers measured in a round, with its rate against workerd's.
type floorLoad struct {
	Name string `json:"name"`
	loadResult
	Ratio float64 `json:"to_workerd_rps,omitempty"`
}

// floorRuns are the floor's measurements of a scenario for one round, each storing its result in rd.
func floorRuns(ctx context.Context, f *floorServer, s scenario, rd *round, o options) ([]func() error, error) {
	paths := floorPaths[s.name]
	if f == nil || len(paths) == 0 {
		return nil, nil
	}
	rd.Floor = make([]floorLoad, len(paths))
	var runs []func() error
	for i, p := range paths {
		url := f.base + p.path
		if err := checkAnswer(ctx, s, "the floor", url, nil); err != nil {
			return nil, err
		}
		rd.Floor[i].Name = p.name
		runs = append(runs, func() (err error) {
			fmt.Fprintf(os.Stderr, " %s", p.name)
			rd.Floor[i].loadResult, err = measure(f.server, url, nil, o)
			return err
		})
	}
	return runs, nil
}

// floorTable is the report's table of the floor beside Weft, in each scenario's median round.
func (r *report) floorTable() string {
	var rows strings.Builder
	for _, s := range r.Scenarios {
		if len(s.Floor) == 0 {
			continue
		}
		row := func(name string, l loadResult, ratio float64, all func(round) float64) {
			fmt.Fprintf(&rows, "| %s | %s | %.0f | %.2f | %.0f |", s.Name, name, l.RPS, l.P99Ms, l.ServerCPUus)
			if s.Workerd == nil {
				rows.WriteString(" – | – |\n")
				return
			}
			lo, hi := s.rangeOf(all)
			fmt.Fprintf(&rows, " %.2f× | %.2f–%.2f× |\n", ratio, lo, hi)
		}
		row("Weft", s.Weft, s.Ratio, func(r round) float64 { return r.Ratio })
		for i, f := range s.Floor {
			row(f.Name, f.loadResult, f.Ratio, func(r round) float64 {
				if i < len(r.Floor) {
					return r.Floor[i].Ratio
				}
				return 0
			})
		}
	}
	if rows.Len() == 0 {
		return ""
	}
	return "\nThe floor: the same answers from Go's net/http with no Weft code, from Go alone and through goja runtimes that build request and response objects and, for the chain, pass the request on through promises as the scenario's script does (the `floor` command), measured in the same rounds:\n\n" +
		"| scenario | server | req/s | p99 ms | CPU µs/req | ×workerd | over the rounds |\n|---|---|---:|---:|---:|---:|---:|\n" + rows.String()
}

// floorRPS is the median round's rate of a scenario's floor answer, or 0.
func (r *report) floorRPS(scenario, name string) float64 {
	if s := r.scenario(scenario); s != nil {
		for _, f := range s.Floor {
			if f.Name == name {
				return f.RPS
			}
		}
	}
	return 0
}

// floorNotes are what the hello and chain targets add about the floor: what goja alone did.
func (r *report) floorNotes() (hello, chain string) {
	if s := r.scenario("hello"); s != nil && s.Workerd != nil && s.Workerd.RPS > 0 {
		if rps := r.floorRPS("hello", floorGoja); rps > 0 {
			hello = fmt.Sprintf("; %s, with no Weft code: %.2f×", floorGoja, rps/s.Workerd.RPS)
		}
	}
	if h, c := r.floorRPS("hello", floorGoja), r.floorRPS("chain", floorGojaChain); h > 0 && c > 0 {
		chain = fmt.Sprintf("; the goja floor: %.2f× its own", c/h)
	}
	return hello, chain
}
