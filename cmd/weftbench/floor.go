package main

import (
	"context"
	"fmt"
	"os"
)

// The floor under hello: the floor command (./floor) answers the hello scenario's bytes with Go's
// net/http and no Weft code, from Go alone and through one call into goja. Measured in the same
// rounds as Weft and workerd, it shows how much of the hello target the stack the project requires
// leaves within reach on this machine, whatever Weft's own code does.

// floorPaths are the floor's two answers, in the order the report lists them.
var floorPaths = []struct{ name, path string }{
	{"net/http alone", "/go"},
	{"net/http + one goja call", "/goja"},
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
	if err := waitHTTP(ctx, f.base+"/go", nil); err != nil {
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

// floorRuns are the floor's measurements for one round, each storing its result in rd.
func floorRuns(ctx context.Context, f *floorServer, s scenario, rd *round, o options) ([]func() error, error) {
	if f == nil || s.name != "hello" {
		return nil, nil
	}
	rd.Floor = make([]floorLoad, len(floorPaths))
	var runs []func() error
	for i, p := range floorPaths {
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

// floorTable is the report's table of the floor in the median round of hello, beside Weft.
func floorTable(s *scenarioResult) string {
	if s == nil || len(s.Floor) == 0 {
		return ""
	}
	out := "\nThe floor under hello: Go's net/http serving the same bytes with no Weft code, from Go alone and through one call into goja that builds a response object (the `floor` command), measured in the same rounds:\n\n" +
		"| server | req/s | p99 ms | CPU µs/req | ×workerd | over the rounds |\n|---|---:|---:|---:|---:|---:|\n"
	row := func(name string, l loadResult, ratio float64, all func(round) float64) string {
		line := fmt.Sprintf("| %s | %.0f | %.2f | %.0f |", name, l.RPS, l.P99Ms, l.ServerCPUus)
		if s.Workerd == nil {
			return line + " – | – |\n"
		}
		lo, hi := s.rangeOf(all)
		return line + fmt.Sprintf(" %.2f× | %.2f–%.2f× |\n", ratio, lo, hi)
	}
	out += row("Weft", s.Weft, s.Ratio, func(r round) float64 { return r.Ratio })
	for i, f := range s.Floor {
		out += row(f.Name, f.loadResult, f.Ratio, func(r round) float64 {
			if i < len(r.Floor) {
				return r.Floor[i].Ratio
			}
			return 0
		})
	}
	return out
}

// floorNote is what the hello target adds about the floor: the best a goja-based server did.
func floorNote(s *scenarioResult) string {
	if s == nil || len(s.Floor) == 0 || s.Workerd == nil {
		return ""
	}
	f := s.Floor[len(s.Floor)-1]
	return fmt.Sprintf("; %s, with no Weft code: %.2f×", f.Name, f.Ratio)
}
