package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/weft-dev/weft/cmd/weft/client"
)

func newAuditCommand(g *globals) *cobra.Command {
	var q client.AuditQuery
	var since, until string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Show the audit log: who did what to which resource, and when",
		Long: `Show audit events, newest first. --since and --until take a duration back from now (90m, 24h, 7d)
or a time (RFC 3339, or a date YYYY-MM-DD in local time). --action matches exactly, or by prefix
when it ends in "." (secret.). Secret values never appear in events.`,
		Example: "  weft audit --service api --since 24h\n  weft audit --actor admin --action secret. --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now()
			var err error
			if q.Since, err = parseSince(since, now); err != nil {
				return fmt.Errorf("--since: %w", err)
			}
			if q.Until, err = parseSince(until, now); err != nil {
				return fmt.Errorf("--until: %w", err)
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			events, err := c.ListAudit(cmd.Context(), q)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), events)
			}
			if len(events) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "No audit events match.")
				return nil
			}
			tw := newTable(cmd.OutOrStdout())
			row(tw, "TIME", "ACTOR", "SOURCE", "ACTION", "SERVICE", "ENVIRONMENT", "RESOURCE", "CHANGE")
			for _, e := range events {
				row(tw, fmtTime(e.CreatedAt), dash(e.Actor), dash(e.Source), e.Action, dash(e.Service), dash(e.Environment),
					dash(truncate(e.Resource, 30)), dash(change(e.Before, e.After)))
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.Service, "service", "", "only events of this service")
	f.StringVar(&q.Actor, "actor", "", "only events by this actor (a token's name)")
	f.StringVar(&q.Action, "action", "", `only this action, or a prefix ending in "." such as secret.`)
	f.StringVar(&since, "since", "", "only events at or after: a duration ago (24h, 7d) or a time (RFC 3339)")
	f.StringVar(&until, "until", "", "only events before: a duration ago or a time")
	f.IntVar(&q.Limit, "limit", 0, "at most this many events (server default 100, at most 1000)")
	f.BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	return cmd
}

// change summarises an event's before/after for one table cell.
func change(before, after string) string {
	switch {
	case before == "" && after == "":
		return ""
	case before == "":
		return truncate(after, 50)
	case after == "":
		return truncate(before, 24) + " → (removed)"
	}
	return truncate(before, 24) + " → " + truncate(after, 24)
}

// parseSince reads "how far back": a duration (with d for days, which time.ParseDuration lacks),
// an RFC 3339 time, or a local date.
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return now.Add(-time.Duration(n) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is neither a duration (30m, 24h, 7d) nor a time (2024-05-01T12:00:00Z, 2024-05-01)", s)
}
