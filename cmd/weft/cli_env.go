package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/weft-dev/weft/models"
)

func newEnvCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "env",
		Short: "List, create, rename and delete a service's environments",
		Long: `An environment is one deployable copy of a service (production, staging, pr-42) with its own code,
variables, secrets, bindings and routes, reachable at <env>.<service>.<domain>.`,
	}
	cmd.AddCommand(newEnvListCommand(g), newEnvCreateCommand(g), newEnvRenameCommand(g), newEnvDeleteCommand(g))
	return cmd
}

func newEnvListCommand(g *globals) *cobra.Command {
	var t target
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List a service's environments with what is live on each",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			service, c, err := g.serviceClient(&t)
			if err != nil {
				return err
			}
			envs, err := c.ListEnvironments(cmd.Context(), service)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), envs)
			}
			tw := newTable(cmd.OutOrStdout())
			row(tw, "ENVIRONMENT", "LIVE", "LAST DEPLOYED", "ROUTES", "CREATED")
			for _, e := range envs {
				row(tw, e.Name, fmtSplits(e.Live), fmtTimePtr(e.LastDeployedAt), dash(strings.Join(e.Routes, " ")), fmtTime(e.CreatedAt))
			}
			return tw.Flush()
		},
	}
	t.register(cmd.Flags(), false)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	return cmd
}

func newEnvCreateCommand(g *globals) *cobra.Command {
	var t target
	var from string
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create an environment, blank or cloned from another with --from",
		Long: `Create an environment. With --from ENV it starts as a copy of that environment's live code and
settings (a new version triggered by "clone"); without, it is blank until the first deploy.`,
		Example: "  weft env create pr-42 --from staging",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			service, c, err := g.serviceClient(&t)
			if err != nil {
				return err
			}
			e, err := c.CreateEnvironment(cmd.Context(), service, args[0], from)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if from != "" {
				fmt.Fprintf(out, "Created environment %s of %s, cloned from %s (live: %s)\n", e.Name, service, from, fmtSplits(e.Live))
			} else {
				fmt.Fprintf(out, "Created environment %s of %s (blank until you deploy: weft deploy --env %s)\n", e.Name, service, e.Name)
			}
			return nil
		},
	}
	t.register(cmd.Flags(), false)
	cmd.Flags().StringVar(&from, "from", "", "environment to clone code and settings from")
	return cmd
}

func newEnvRenameCommand(g *globals) *cobra.Command {
	var t target
	cmd := &cobra.Command{
		Use:   "rename OLD NEW",
		Short: "Rename an environment; its hostname follows the new name",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			service, c, err := g.serviceClient(&t)
			if err != nil {
				return err
			}
			e, err := c.RenameEnvironment(cmd.Context(), service, args[0], args[1])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Renamed environment %s of %s to %s\n", args[0], service, e.Name)
			return nil
		},
	}
	t.register(cmd.Flags(), false)
	return cmd
}

func newEnvDeleteCommand(g *globals) *cobra.Command {
	var t target
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete an environment with its versions, secrets and routes (asks first unless --yes)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			service, err := t.service()
			if err != nil {
				return err
			}
			if args[0] == models.ProductionEnvName { // the server refuses too; say so before asking
				return fmt.Errorf("production cannot be deleted: it is the environment %s.<domain> serves (delete the service instead)", service)
			}
			if err := confirm(cmd, yes, fmt.Sprintf("delete environment %s of %s with its versions, secrets and routes", args[0], service)); err != nil {
				return err
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			if err := c.DeleteEnvironment(cmd.Context(), service, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted environment %s of %s\n", args[0], service)
			return nil
		},
	}
	t.register(cmd.Flags(), false)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "don't ask for confirmation (needed when stdin is not a terminal)")
	return cmd
}
