// Command weft is the whole Weft product: `weft serve` runs the gateway, the dashboard and the REST API;
// the other subcommands are a CLI client of that API.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := newRootCommand().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "weft",
		Short:         "Self-hosted composable JavaScript services: environments, versions, promotion, rollback",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newServeCommand())
	addClientCommands(root)
	return root
}
