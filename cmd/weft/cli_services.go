package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"
)

func newRoutesCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "routes",
		Short: "List, add and delete the host/path routes that send traffic to an environment",
		Long: `A route attaches a pattern such as example.com/* or example.com/api/* to one environment, in addition
to its own <env>.<service>.<domain> hostname. A pattern belongs to at most one environment.`,
	}
	cmd.AddCommand(newRoutesListCommand(g), newRoutesAddCommand(g), newRoutesDeleteCommand(g))
	return cmd
}

// optionalService is the service when one was named (by --name, -c, or a wrangler.toml here), or ""
// so listings can cover every service.
func (t *target) optionalService() (string, error) {
	if t.name == "" && t.config == defaultConfig {
		if _, err := os.Stat(t.config); errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
	}
	return t.service()
}

func newRoutesListCommand(g *globals) *cobra.Command {
	var t target
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List routes: the service's (from --name or wrangler.toml), or all when there is none",
		Long: `List routes with the environment each serves. With --name, -c or a wrangler.toml in the current
folder only that service's routes are listed, and with --env only that environment's.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			service, err := t.optionalService()
			if err != nil {
				return err
			}
			env := ""
			if cmd.Flags().Changed("env") {
				env = t.env
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			routes, err := c.ListRoutes(cmd.Context(), service, env)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), routes)
			}
			if len(routes) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "No routes.")
				return nil
			}
			tw := newTable(cmd.OutOrStdout())
			row(tw, "PATTERN", "SERVICE", "ENVIRONMENT")
			for _, r := range routes {
				row(tw, r.Pattern, r.Service, r.Environment)
			}
			return tw.Flush()
		},
	}
	t.register(cmd.Flags(), true)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	return cmd
}

func newRoutesAddCommand(g *globals) *cobra.Command {
	var t target
	cmd := &cobra.Command{
		Use:     "add PATTERN",
		Short:   "Route a host/path pattern (example.com/*) to an environment",
		Example: "  weft routes add 'shop.example.com/*' --env production",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			service, c, err := g.serviceClient(&t)
			if err != nil {
				return err
			}
			r, err := c.AddRoute(cmd.Context(), service, t.environment(), args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Routed %s to %s (%s)\n", r.Pattern, r.Service, r.Environment)
			return nil
		},
	}
	t.register(cmd.Flags(), true)
	return cmd
}

func newRoutesDeleteCommand(g *globals) *cobra.Command {
	var t target
	cmd := &cobra.Command{
		Use:   "delete PATTERN",
		Short: "Remove a route from an environment",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			service, c, err := g.serviceClient(&t)
			if err != nil {
				return err
			}
			env := t.environment()
			if err := c.DeleteRoute(cmd.Context(), service, env, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Removed route %s from %s (%s)\n", args[0], service, env)
			return nil
		},
	}
	t.register(cmd.Flags(), true)
	return cmd
}

func newServicesCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "services",
		Short: "List and delete services",
	}
	cmd.AddCommand(newServicesListCommand(g), newServicesDeleteCommand(g))
	return cmd
}

func newServicesListCommand(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every service with its environments and what is live on each",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := g.client()
			if err != nil {
				return err
			}
			services, err := c.ListServices(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), services)
			}
			if len(services) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "No services yet; create one with weft deploy.")
				return nil
			}
			// One row per environment: a service is mostly interesting for what runs where.
			tw := newTable(cmd.OutOrStdout())
			row(tw, "SERVICE", "ENVIRONMENT", "LIVE", "LAST DEPLOYED", "ROUTES")
			for _, s := range services {
				if len(s.Environments) == 0 {
					row(tw, s.Name, "-", "-", "-", "0")
				}
				for _, e := range s.Environments {
					row(tw, s.Name, e.Name, fmtSplits(e.Live), fmtTimePtr(e.LastDeployedAt), fmt.Sprint(len(e.Routes)))
				}
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	return cmd
}

func newServicesDeleteCommand(g *globals) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a service with all its environments, versions, secrets and routes (asks first unless --yes)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := confirm(cmd, yes, fmt.Sprintf("delete service %s with all its environments, versions, secrets and routes", args[0])); err != nil {
				return err
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			if err := c.DeleteService(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted service %s\n", args[0])
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "don't ask for confirmation (needed when stdin is not a terminal)")
	return cmd
}
