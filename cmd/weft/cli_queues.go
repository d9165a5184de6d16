package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newQueuesCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "queues",
		Short: "Create, list and delete queues",
		Long: `Queues carry messages from [[queues.producers]] bindings to the environment with a matching
[[queues.consumers]] entry. A deploy creates the queues its wrangler.toml names.`,
	}
	var asJSON, yes bool
	list := &cobra.Command{Use: "list", Short: "List queues with their waiting messages", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := g.client()
			if err != nil {
				return err
			}
			qs, err := c.ListQueues(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), qs)
			}
			tw := newTable(cmd.OutOrStdout())
			fmt.Fprintln(tw, "QUEUE\tWAITING\tCREATED")
			for _, q := range qs {
				fmt.Fprintf(tw, "%s\t%d\t%s\n", q.Name, q.Messages, q.CreatedAt.Local().Format("2006-01-02 15:04:05"))
			}
			return tw.Flush()
		}}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	create := &cobra.Command{Use: "create NAME", Short: "Create a queue", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.client()
			if err != nil {
				return err
			}
			if err := c.CreateQueue(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Created queue", args[0])
			return nil
		}}
	del := &cobra.Command{Use: "delete NAME", Short: "Delete a queue and its waiting messages (asks first unless --yes)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := confirm(cmd, yes, "delete queue "+args[0]+" and its waiting messages"); err != nil {
				return err
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			if err := c.DeleteQueue(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Deleted queue", args[0])
			return nil
		}}
	del.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	cmd.AddCommand(list, create, del)
	return cmd
}
