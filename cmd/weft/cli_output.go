package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/weft-dev/weft/models"
)

// timeLayout is RFC 3339 shortened for tables: local time, to the second, no zone noise.
const timeLayout = "2006-01-02 15:04:05"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format(timeLayout)
}

func fmtTimePtr(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return fmtTime(*t)
}

// shortHash keeps tables narrow; --json always carries the full hash.
func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// dash fills empty cells so columns stay aligned and readable.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// truncate caps free text (messages, audit summaries) in a table cell at n runes.
func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
}

// row writes tab-separated cells and a newline.
func row(w io.Writer, cells ...string) {
	fmt.Fprintln(w, strings.Join(cells, "\t"))
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// fmtSplits renders live traffic as "v3 90%, v4 10%".
func fmtSplits(splits models.Splits) string {
	if len(splits) == 0 {
		return "-"
	}
	parts := make([]string, len(splits))
	for i, s := range splits {
		parts[i] = fmt.Sprintf("v%d %d%%", s.Number, s.Percentage)
	}
	return strings.Join(parts, ", ")
}

func printURLs(w io.Writer, urls []string) {
	for _, u := range urls {
		fmt.Fprintln(w, "  "+u)
	}
}

func printWarnings(w io.Writer, warnings []string) {
	for _, msg := range warnings {
		fmt.Fprintln(w, "warning:", msg)
	}
}

// isTerminal reports whether r is an interactive terminal (not a pipe, file or test buffer).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// confirm asks before destroying something. --yes skips the question; without a terminal to ask on,
// it refuses rather than guessing, so scripts must say --yes explicitly.
func confirm(cmd *cobra.Command, yes bool, question string) error {
	if yes {
		return nil
	}
	in := cmd.InOrStdin()
	if !isTerminal(in) {
		return fmt.Errorf("refusing to %s without confirmation: stdin is not a terminal; pass --yes", question)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "Really %s? [y/N] ", question)
	line, _ := bufio.NewReader(in).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return fmt.Errorf("cancelled: did not %s", question)
}
