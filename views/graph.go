package views

import (
	"fmt"
	"html"
	"sort"
	"strings"

	"github.com/weft-dev/weft/models"
)

// graphSVG lays out services in columns by call depth (callers left of what they call) and draws an
// arrow per binding. Small graphs are the norm, so a layered layout is enough.
func graphSVG(current string, edges []models.ServiceEdge) string {
	depth := map[string]int{}
	for _, e := range edges {
		depth[e.FromService] += 0
		depth[e.ToService] += 0
	}
	for i := 0; i < len(depth); i++ { // longest-path layering; cycles stop after len(depth) rounds
		for _, e := range edges {
			if e.FromService != e.ToService && depth[e.ToService] <= depth[e.FromService] {
				depth[e.ToService] = depth[e.FromService] + 1
			}
		}
	}
	cols := map[int][]string{}
	maxCol, maxRow := 0, 0
	for name, d := range depth {
		d = min(d, len(depth))
		cols[d] = append(cols[d], name)
		maxCol = max(maxCol, d)
	}
	type pt struct{ x, y int }
	pos := map[string]pt{}
	const w, h, gx, gy = 150, 36, 70, 24
	for c, names := range cols {
		sort.Strings(names)
		for r, n := range names {
			pos[n] = pt{10 + c*(w+gx), 10 + r*(h+gy)}
			maxRow = max(maxRow, r)
		}
	}
	width, height := 20+(maxCol+1)*(w+gx)-gx, 20+(maxRow+1)*(h+gy)-gy
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="graph" role="img" aria-label="Service bindings" viewBox="0 0 %d %d" width="%d" height="%d">`, width, height, width, height)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker></defs>`)
	for _, e := range edges {
		a, z := pos[e.FromService], pos[e.ToService]
		x1, y1, x2, y2 := a.x+w, a.y+h/2, z.x, z.y+h/2
		if z.x <= a.x { // a call back or to itself: loop under the boxes
			fmt.Fprintf(&b, `<path class="edge" d="M%d %d C %d %d, %d %d, %d %d" marker-end="url(#arrow)"><title>%s</title></path>`,
				a.x+w/2, a.y+h, a.x+w/2, a.y+h+30, z.x+w/2, z.y+h+30, z.x+w/2, z.y+h, html.EscapeString(edgeTitle(e)))
			continue
		}
		fmt.Fprintf(&b, `<path class="edge" d="M%d %d C %d %d, %d %d, %d %d" marker-end="url(#arrow)"><title>%s</title></path>`,
			x1, y1, x1+gx/2, y1, x2-gx/2, y2, x2, y2, html.EscapeString(edgeTitle(e)))
	}
	for name, p := range pos {
		cls := "node"
		if name == current {
			cls += " current"
		}
		fmt.Fprintf(&b, `<a href="/services/%s"><rect class="%s" x="%d" y="%d" width="%d" height="%d" rx="6"/><text x="%d" y="%d">%s</text></a>`,
			html.EscapeString(name), cls, p.x, p.y, w, h, p.x+w/2, p.y+h/2+5, html.EscapeString(name))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func edgeTitle(e models.ServiceEdge) string {
	return fmt.Sprintf("%s (%s) env.%s → %s (%s)", e.FromService, e.FromEnv, e.Binding, e.ToService, e.ToEnv)
}
