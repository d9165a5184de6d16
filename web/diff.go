package web

import (
	"encoding/json"
	"sort"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/views"
)

// codeDiff compares two versions' source modules file by file.
func codeDiff(from, to models.Modules) []views.FileDiff {
	a, b := map[string]string{}, map[string]string{}
	names := map[string]bool{}
	for _, m := range from {
		a[m.Name], names[m.Name] = m.Content, true
	}
	for _, m := range to {
		b[m.Name], names[m.Name] = m.Content, true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	var out []views.FileDiff
	for _, n := range sorted {
		if a[n] == b[n] {
			continue
		}
		out = append(out, fileDiff(n, a[n], b[n]))
	}
	return out
}

// settingsDiff compares what a version runs with, as readable JSON; secrets by name and whether the value changed.
func settingsDiff(from, to models.Settings) []views.FileDiff {
	had := map[string]bool{}
	for _, r := range from.Secrets {
		had[r.Name] = true
	}
	var changed []string // present in both, with another value
	for _, n := range models.DifferingSecrets(from, to) {
		if had[n] {
			changed = append(changed, n)
		}
	}
	a, b := settingsText(from, nil), settingsText(to, changed)
	if a == b {
		return nil
	}
	return []views.FileDiff{fileDiff("settings", a, b)}
}

func settingsText(s models.Settings, changedSecrets []string) string {
	changed := map[string]bool{}
	for _, n := range changedSecrets {
		changed[n] = true
	}
	secrets := []string{}
	for _, n := range s.SecretNames() {
		if changed[n] {
			n += " (different value)"
		}
		secrets = append(secrets, n)
	}
	view := map[string]any{"compatibility_date": s.CompatibilityDate, "compatibility_flags": orEmpty(s.CompatibilityFlags),
		"vars": orEmpty(s.Vars), "secrets": secrets, "bindings": orEmpty(s.Bindings), "limits": map[string]int{
			"cpu_ms": int(s.Limits.CPULimit().Milliseconds()), "wall_ms": int(s.Limits.WallLimit().Milliseconds()), "subrequests": s.Limits.SubrequestLimit(),
			"request_body_mib": int(s.Limits.RequestBodyLimit() >> 20), "connections": s.Limits.ConnectionLimit(), "stack_depth": s.Limits.StackLimit()}}
	if len(s.Crons) > 0 {
		view["crons"] = s.Crons
	}
	b, _ := json.MarshalIndent(view, "", "  ")
	return string(b) + "\n"
}

func fileDiff(name, a, b string) views.FileDiff {
	fd := views.FileDiff{Name: name}
	if a == "" {
		fd.Status = "added"
	} else if b == "" {
		fd.Status = "deleted"
	}
	text := udiff.Unified("a/"+name, "b/"+name, a, b)
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		kind := "ctx"
		switch {
		case strings.HasPrefix(line, "---"), strings.HasPrefix(line, "+++"):
			continue
		case strings.HasPrefix(line, "@@"):
			kind = "hunk"
		case strings.HasPrefix(line, "+"):
			kind = "add"
		case strings.HasPrefix(line, "-"):
			kind = "del"
		}
		fd.Lines = append(fd.Lines, views.DiffLine{Kind: kind, Text: line})
	}
	return fd
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
