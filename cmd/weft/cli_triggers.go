package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

func newTriggersCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "triggers",
		Short: "Cron triggers: their runs, and running one now",
		Long:  "An environment's [triggers] crons call its scheduled() handler; every run is recorded with its outcome and logs.",
	}
	var t target
	var asJSON bool
	list := &cobra.Command{Use: "list", Short: "The environment's crons and recent runs", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			service, c, err := g.serviceClient(&t)
			if err != nil {
				return err
			}
			crons, runs, err := c.CronRuns(cmd.Context(), service, t.environment())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), map[string]any{"crons": crons, "runs": runs})
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Crons: %s\n\n", firstNonEmpty(strings.Join(crons, ", "), "none"))
			tw := newTable(out)
			fmt.Fprintln(tw, "STARTED\tCRON\tTRIGGER\tVERSION\tDURATION\tOUTCOME")
			for _, r := range runs {
				fmt.Fprintf(tw, "%s\t%s\t%s\tv%d\t%.1f ms\t%s\n", r.StartedAt.Local().Format("2006-01-02 15:04:05"), r.Cron, r.Trigger, r.Version, r.DurationMs,
					firstNonEmpty(strings.TrimSpace(r.Outcome+" "+r.Error), "-"))
			}
			return tw.Flush()
		}}
	t.register(list.Flags(), true)
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	var rt target
	run := &cobra.Command{Use: "run [CRON]", Short: "Run scheduled() now (the first cron unless one is named)", Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			service, err := rt.service()
			if err != nil {
				return err
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			expr := ""
			if len(args) == 1 {
				expr = args[0]
			}
			r, err := c.RunCron(cmd.Context(), service, rt.environment(), expr)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Ran scheduled(%q) on %s (%s) v%d: %s in %.1f ms\n", r.Cron, service, rt.environment(), r.Version, r.Outcome, r.DurationMs)
			if r.Error != "" {
				fmt.Fprintln(out, "error:", r.Error)
			}
			if r.Logs != "" {
				fmt.Fprintln(out, r.Logs)
			}
			if r.Outcome != "ok" {
				return fmt.Errorf("scheduled() failed")
			}
			return nil
		}}
	rt.register(run.Flags(), true)
	cmd.AddCommand(list, run)
	return cmd
}
