package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/weft-dev/weft/models"
)

func newVersionsCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "versions",
		Short: "List, inspect, upload and deploy an environment's versions",
		Long: `A version is an immutable snapshot of one environment: a code bundle plus the settings in force.
Versions are numbered per environment; a deployment says which one (or two, split) serve traffic.`,
	}
	cmd.AddCommand(newVersionsUploadCommand(g), newVersionsListCommand(g), newVersionsViewCommand(g), newVersionsDeployCommand(g))
	return cmd
}

// versionRow is a version as --json prints it: the API's fields plus its live share, if any.
type versionRow struct {
	models.Version
	LivePercentage int `json:"live_percentage,omitempty"`
}

// liveShares maps version number to its share of traffic in the newest deployment.
func liveShares(ds []models.Deployment) map[int]int {
	out := map[int]int{}
	if len(ds) > 0 {
		for _, s := range ds[0].Splits {
			out[s.Number] = s.Percentage
		}
	}
	return out
}

func newVersionsListCommand(g *globals) *cobra.Command {
	var t target
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List an environment's versions, newest first, marking the live ones",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			service, c, err := g.serviceClient(&t)
			if err != nil {
				return err
			}
			env := t.environment()
			versions, err := c.ListVersions(cmd.Context(), service, env)
			if err != nil {
				return err
			}
			deployments, err := c.ListDeployments(cmd.Context(), service, env)
			if err != nil {
				return err
			}
			live := liveShares(deployments)
			rows := make([]versionRow, len(versions))
			for i, v := range versions {
				rows[i] = versionRow{Version: v, LivePercentage: live[v.Number]}
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), rows)
			}
			if len(rows) == 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "%s (%s) has no versions yet; upload one with weft deploy --env %s\n", service, env, env)
				return nil
			}
			tw := newTable(cmd.OutOrStdout())
			row(tw, "VERSION", "ID", "CREATED", "AUTHOR", "SOURCE", "TRIGGERED BY", "MESSAGE", "TAG", "BUNDLE", "PROMOTED FROM", "LIVE")
			for _, r := range rows {
				liveCell := "-"
				if r.LivePercentage > 0 {
					liveCell = fmt.Sprintf("live %d%%", r.LivePercentage)
				}
				row(tw, strconv.Itoa(r.Number), strconv.Itoa(int(r.ID)), fmtTime(r.CreatedAt), dash(r.Author), dash(r.Source),
					dash(r.TriggeredBy), dash(truncate(r.Message, 40)), dash(r.Tag), shortHash(r.BundleHash), dash(r.PromotedFrom), liveCell)
			}
			return tw.Flush()
		},
	}
	t.register(cmd.Flags(), true)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (full bundle hashes) instead of a table")
	return cmd
}

func newVersionsViewCommand(g *globals) *cobra.Command {
	var t target
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "view VERSION",
		Short: "Show one version: its metadata, bundle and the settings it snapshots (never secret values)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := parseVersionNumber(args[0])
			if err != nil {
				return err
			}
			service, c, err := g.serviceClient(&t)
			if err != nil {
				return err
			}
			v, err := c.GetVersion(cmd.Context(), service, t.environment(), n)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), v)
			}
			printVersion(cmd.OutOrStdout(), v)
			return nil
		},
	}
	t.register(cmd.Flags(), true)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of text")
	return cmd
}

func printVersion(w io.Writer, v *models.Version) {
	tw := newTable(w)
	row(tw, "Version:", strconv.Itoa(v.Number))
	row(tw, "ID:", strconv.Itoa(int(v.ID)))
	row(tw, "Created:", fmtTime(v.CreatedAt))
	row(tw, "Author:", dash(v.Author))
	row(tw, "Source:", dash(v.Source))
	row(tw, "Triggered by:", dash(v.TriggeredBy))
	row(tw, "Message:", dash(v.Message))
	row(tw, "Tag:", dash(v.Tag))
	row(tw, "Bundle:", dash(v.BundleHash))
	row(tw, "Promoted from:", dash(v.PromotedFrom))
	s := v.Settings
	row(tw, "Compatibility date:", dash(s.CompatibilityDate))
	if len(s.CompatibilityFlags) > 0 {
		row(tw, "Compatibility flags:", strings.Join(s.CompatibilityFlags, ", "))
	}
	row(tw, "CPU limit:", s.Limits.CPULimit().String())
	tw.Flush()
	if len(s.Vars) > 0 {
		fmt.Fprintln(w, "\nVariables:")
		for _, vr := range s.Vars {
			fmt.Fprintf(w, "  %s (%s) = %s\n", vr.Name, vr.Type, truncate(vr.Value, 80))
		}
	}
	if names := s.SecretNames(); len(names) > 0 {
		fmt.Fprintln(w, "\nSecrets (values hidden):")
		for _, n := range names {
			fmt.Fprintln(w, "  "+n)
		}
	}
	if len(s.Bindings) > 0 {
		fmt.Fprintln(w, "\nBindings:")
		for _, b := range s.Bindings {
			fmt.Fprintf(w, "  %s (%s) %s\n", b.Name, b.Type, bindingTarget(b))
		}
	}
	for _, cron := range s.Crons {
		fmt.Fprintln(w, "Cron:", cron)
	}
}

// bindingTarget says what a binding points at, in the terms wrangler.toml uses.
func bindingTarget(b models.Binding) string {
	switch b.Type {
	case models.BindingKV:
		return "id=" + b.NamespaceID
	case models.BindingService:
		s := "→ " + b.Service + " (" + firstNonEmpty(b.Environment, models.ProductionEnvName) + ")"
		if b.Entrypoint != "" {
			s += " entrypoint " + b.Entrypoint
		}
		return s
	case models.BindingDurable:
		if b.ScriptName != "" {
			return "class " + b.ClassName + " of " + b.ScriptName
		}
		return "class " + b.ClassName
	case models.BindingR2:
		return "bucket " + b.BucketName
	case models.BindingQueue:
		return "queue " + b.QueueName
	}
	return ""
}

func newVersionsDeployCommand(g *globals) *cobra.Command {
	var t target
	var message string
	cmd := &cobra.Command{
		Use:   "deploy VERSION[@PERCENT] [VERSION@PERCENT]",
		Short: "Make a version live, or split traffic between two versions (gradual rollout)",
		Long: `Create a deployment of existing versions. "N" alone means N@100; two versions split traffic by
percentage, e.g. 3@90 4@10. The server checks that the percentages add up to 100.`,
		Example: "  weft versions deploy 4\n  weft versions deploy 3@90 4@10 --env staging --message \"canary\"",
		Args:    cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			splits, err := parseSplits(args)
			if err != nil {
				return err
			}
			service, c, err := g.serviceClient(&t)
			if err != nil {
				return err
			}
			env := t.environment()
			d, err := c.CreateDeployment(cmd.Context(), service, env, splits, message)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deployed %s (%s): %s\n", service, env, fmtSplits(d.Splits))
			return nil
		},
	}
	t.register(cmd.Flags(), true)
	cmd.Flags().StringVar(&message, "message", "", "why, kept with the deployment")
	return cmd
}

// parseSplits turns "N@P" arguments into deployment splits; "N" alone is N@100. Only the syntax is
// checked here: ranges and sums are the server's rules, so they are reported exactly as it words them.
func parseSplits(args []string) ([]models.SplitInput, error) {
	out := make([]models.SplitInput, 0, len(args))
	for _, arg := range args {
		numText, pctText, hasPct := strings.Cut(arg, "@")
		n, err := parseVersionNumber(numText)
		if err != nil {
			return nil, fmt.Errorf("%q: %w; use N or N@PERCENT, e.g. 3@90", arg, err)
		}
		pct := 100
		if hasPct {
			pct, err = strconv.Atoi(strings.TrimSuffix(pctText, "%"))
			if err != nil {
				return nil, fmt.Errorf("%q: percentage %q is not a whole number; use N@PERCENT, e.g. 3@90", arg, pctText)
			}
		}
		out = append(out, models.SplitInput{Number: n, Percentage: pct})
	}
	return out, nil
}

func parseVersionNumber(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimPrefix(s, "v"))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("version %q is not a version number (1, 2, ...)", s)
	}
	return n, nil
}
