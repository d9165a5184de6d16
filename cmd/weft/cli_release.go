package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/weft-dev/weft/cmd/weft/client"
	"github.com/weft-dev/weft/models"
)

func newPromoteCommand(g *globals) *cobra.Command {
	var t target
	var from, to, message string
	cmd := &cobra.Command{
		Use:   "promote --from ENV [--to ENV]",
		Short: "Promote one environment's live code to another, keeping the target's own settings",
		Long: `Give the target environment (--to, default production) a new version whose code bundle is exactly
the source environment's live bundle (same hash, no rebuild) and make it live. Settings never travel:
the target keeps its own variables, secrets, bindings and routes.`,
		Example: "  weft promote --from staging --to production --message \"release 1.4\"",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			service, c, err := g.serviceClient(&t)
			if err != nil {
				return err
			}
			res, err := c.Promote(cmd.Context(), service, from, to, message)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Promoted %s %s → %s as version %d (bundle %s)\n", service, from, to, res.Version.Number, shortHash(res.Version.BundleHash))
			fmt.Fprintf(out, "settings kept: %s's own\n", to)
			printURLs(out, res.URLs)
			return nil
		},
	}
	t.register(cmd.Flags(), false)
	cmd.Flags().StringVar(&from, "from", "", "environment whose live code is promoted (required)")
	cmd.Flags().StringVar(&to, "to", models.ProductionEnvName, "environment that receives it")
	cmd.Flags().StringVar(&message, "message", "", "why, kept with the new version")
	cmd.MarkFlagRequired("from")
	return cmd
}

func newRollbackCommand(g *globals) *cobra.Command {
	var t target
	var message string
	var force bool
	cmd := &cobra.Command{
		Use:   "rollback [VERSION]",
		Short: "Make an earlier version of an environment live again: its code and settings exactly",
		Long: `Deploy an earlier version of the environment at 100%, code and settings exactly as they were.
Without VERSION it is the version before the live one. If that version's secrets differ from
today's, nothing changes unless you pass --force, which restores the version's secrets exactly.`,
		Example: "  weft rollback\n  weft rollback 3 --env staging --message \"bad release\"",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := client.RollbackRequest{Message: message, Force: force}
			if len(args) == 1 {
				n, err := parseVersionNumber(args[0])
				if err != nil {
					return err
				}
				req.Version = n
			}
			service, c, err := g.serviceClient(&t)
			if err != nil {
				return err
			}
			env := t.environment()
			res, err := c.Rollback(cmd.Context(), service, env, req)
			if err != nil {
				explainSecretsDiffer(cmd.ErrOrStderr(), err)
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Rolled back %s (%s) to version %d (bundle %s)\n", service, env, res.Version.Number, shortHash(res.Version.BundleHash))
			printURLs(out, res.URLs)
			return nil
		},
	}
	t.register(cmd.Flags(), true)
	cmd.Flags().StringVar(&message, "message", "", "why, kept with the deployment")
	cmd.Flags().BoolVar(&force, "force", false, "roll back even if the version's secrets differ from today's (restores its secrets exactly)")
	return cmd
}

// explainSecretsDiffer turns the server's secrets conflict into what to do about it; the error itself
// (the server's message) is still returned so the command exits 1.
func explainSecretsDiffer(w io.Writer, err error) {
	var ae *client.APIError
	var d models.SecretsDiffer
	if !errors.As(err, &ae) || ae.Code != models.ECONFLICT || !ae.DecodeDetails(&d) || len(d.SecretsDiffer) == 0 {
		return
	}
	fmt.Fprintf(w, "Version %d's secrets differ from the live version's: %s\n", d.Version, strings.Join(d.SecretsDiffer, ", "))
	fmt.Fprintf(w, "Nothing was changed. Rerun with --force to roll back anyway: it restores version %d's secrets exactly\n", d.Version)
	fmt.Fprintln(w, "(the values it was deployed with), replacing today's values of those secrets.")
}
