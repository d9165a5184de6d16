package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/models/wrangler"
)

func newKVCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kv",
		Short: "KV namespaces and their keys",
		Long: `KV namespaces are the stores behind [[kv_namespaces]] bindings; a deploy creates the ones its
wrangler.toml names. Key commands take the namespace as --namespace-id ID, or as --binding NAME looked up
in wrangler.toml for --env (so staging's SESSIONS and production's SESSIONS stay apart).`,
	}
	ns := &cobra.Command{Use: "namespace", Short: "Create, list and delete KV namespaces"}
	ns.AddCommand(newKVNamespaceCreate(g), newKVNamespaceList(g), newKVNamespaceDelete(g))
	key := &cobra.Command{Use: "key", Short: "Put, get, list and delete keys"}
	key.AddCommand(newKVKeyPut(g), newKVKeyGet(g), newKVKeyList(g), newKVKeyDelete(g))
	cmd.AddCommand(ns, key)
	return cmd
}

func newKVNamespaceCreate(g *globals) *cobra.Command {
	return &cobra.Command{
		Use: "create NAME", Short: "Create a namespace", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.client()
			if err != nil {
				return err
			}
			if err := c.CreateKVNamespace(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created KV namespace %s\nBind it with:\n  [[kv_namespaces]]\n  binding = \"MY_KV\"\n  id = %q\n", args[0], args[0])
			return nil
		},
	}
}

func newKVNamespaceList(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use: "list", Short: "List namespaces with their key counts", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := g.client()
			if err != nil {
				return err
			}
			list, err := c.ListKVNamespaces(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), list)
			}
			tw := newTable(cmd.OutOrStdout())
			fmt.Fprintln(tw, "NAMESPACE\tKEYS\tCREATED")
			for _, n := range list {
				fmt.Fprintf(tw, "%s\t%d\t%s\n", n.Name, n.Keys, n.CreatedAt.Local().Format("2006-01-02 15:04:05"))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newKVNamespaceDelete(g *globals) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use: "delete NAME", Short: "Delete a namespace and all its keys (asks first unless --yes)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := confirm(cmd, yes, "delete KV namespace "+args[0]+" and all its keys"); err != nil {
				return err
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			if err := c.DeleteKVNamespace(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Deleted KV namespace", args[0])
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

// kvTarget is how a key command names its namespace.
type kvTarget struct {
	namespace, binding string
	t                  target
}

func (k *kvTarget) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&k.namespace, "namespace-id", "", "the namespace's name (its id in wrangler.toml)")
	cmd.Flags().StringVar(&k.binding, "binding", "", "a [[kv_namespaces]] binding of wrangler.toml (with -c and --env)")
	k.t.register(cmd.Flags(), true)
}

// resolve returns the namespace: --namespace-id, or the binding's id in wrangler.toml for --env.
func (k *kvTarget) resolve() (string, error) {
	if (k.namespace == "") == (k.binding == "") {
		return "", fmt.Errorf("name the namespace with --namespace-id ID or --binding NAME")
	}
	if k.namespace != "" {
		return k.namespace, nil
	}
	cfg, err := wrangler.Load(k.t.config, k.t.environment())
	if err != nil {
		return "", err
	}
	for _, b := range cfg.Settings.Bindings {
		if b.Type == models.BindingKV && b.Name == k.binding {
			return b.NamespaceID, nil
		}
	}
	return "", fmt.Errorf("%s has no [[kv_namespaces]] binding %q for environment %s", k.t.config, k.binding, k.t.environment())
}

func newKVKeyPut(g *globals) *cobra.Command {
	var k kvTarget
	var ttl int64
	var metadata string
	cmd := &cobra.Command{
		Use: "put KEY [VALUE]", Short: "Write a key; the value is the argument, or stdin when it is omitted", Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ns, err := k.resolve()
			if err != nil {
				return err
			}
			var value io.Reader = cmd.InOrStdin()
			if len(args) == 2 {
				value = strings.NewReader(args[1])
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			if err := c.PutKV(cmd.Context(), ns, args[0], value, ttl, metadata); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Wrote %s in KV namespace %s\n", args[0], ns)
			return nil
		},
	}
	k.register(cmd)
	cmd.Flags().Int64Var(&ttl, "ttl", 0, "expire after this many seconds (at least 60)")
	cmd.Flags().StringVar(&metadata, "metadata", "", "JSON metadata to store with the key")
	return cmd
}

func newKVKeyGet(g *globals) *cobra.Command {
	var k kvTarget
	cmd := &cobra.Command{
		Use: "get KEY", Short: "Print a key's value", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ns, err := k.resolve()
			if err != nil {
				return err
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			value, _, err := c.GetKV(cmd.Context(), ns, args[0])
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(value)
			return err
		},
	}
	k.register(cmd)
	return cmd
}

func newKVKeyList(g *globals) *cobra.Command {
	var k kvTarget
	var prefix string
	var asJSON bool
	cmd := &cobra.Command{
		Use: "list", Short: "List keys (every page)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ns, err := k.resolve()
			if err != nil {
				return err
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			var keys []any
			tw := newTable(cmd.OutOrStdout())
			if !asJSON {
				fmt.Fprintln(tw, "KEY\tEXPIRES\tMETADATA")
			}
			for cursor := ""; ; {
				page, err := c.ListKVKeys(cmd.Context(), ns, prefix, 1000, cursor)
				if err != nil {
					return err
				}
				for _, key := range page.Keys {
					keys = append(keys, key)
					exp := "-"
					if key.Expiration != 0 {
						exp = fmt.Sprint(key.Expiration)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\n", key.Name, exp, firstNonEmpty(string(key.Metadata), "-"))
				}
				if page.ListComplete {
					break
				}
				cursor = page.Cursor
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), append([]any{}, keys...))
			}
			return tw.Flush()
		},
	}
	k.register(cmd)
	cmd.Flags().StringVar(&prefix, "prefix", "", "only keys starting with this")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newKVKeyDelete(g *globals) *cobra.Command {
	var k kvTarget
	cmd := &cobra.Command{
		Use: "delete KEY", Short: "Delete a key", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ns, err := k.resolve()
			if err != nil {
				return err
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			if err := c.DeleteKV(cmd.Context(), ns, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted %s from KV namespace %s\n", args[0], ns)
			return nil
		},
	}
	k.register(cmd)
	return cmd
}
