package main

import (
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

func newR2Command(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "r2",
		Short: "R2 buckets and objects",
		Long:  "R2 buckets are the stores behind [[r2_buckets]] bindings; a deploy creates the ones its wrangler.toml names. Objects are named BUCKET/KEY.",
	}
	bucket := &cobra.Command{Use: "bucket", Short: "Create, list and delete buckets"}
	var asJSON, yes bool
	blist := &cobra.Command{Use: "list", Short: "List buckets", Args: cobra.NoArgs, RunE: func(cmd *cobra.Command, _ []string) error {
		c, err := g.client()
		if err != nil {
			return err
		}
		bs, err := c.ListR2Buckets(cmd.Context())
		if err != nil {
			return err
		}
		if asJSON {
			return printJSON(cmd.OutOrStdout(), bs)
		}
		tw := newTable(cmd.OutOrStdout())
		fmt.Fprintln(tw, "BUCKET\tOBJECTS\tBYTES")
		for _, b := range bs {
			fmt.Fprintf(tw, "%s\t%d\t%d\n", b.Name, b.Objects, b.Bytes)
		}
		return tw.Flush()
	}}
	blist.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	bcreate := &cobra.Command{Use: "create NAME", Short: "Create a bucket", Args: cobra.ExactArgs(1), RunE: func(cmd *cobra.Command, args []string) error {
		c, err := g.client()
		if err != nil {
			return err
		}
		if err := c.CreateR2Bucket(cmd.Context(), args[0]); err != nil {
			return err
		}
		fmt.Fprintln(cmd.OutOrStdout(), "Created R2 bucket", args[0])
		return nil
	}}
	bdelete := &cobra.Command{Use: "delete NAME", Short: "Delete an empty bucket", Args: cobra.ExactArgs(1), RunE: func(cmd *cobra.Command, args []string) error {
		if err := confirm(cmd, yes, "delete R2 bucket "+args[0]); err != nil {
			return err
		}
		c, err := g.client()
		if err != nil {
			return err
		}
		if err := c.DeleteR2Bucket(cmd.Context(), args[0]); err != nil {
			return err
		}
		fmt.Fprintln(cmd.OutOrStdout(), "Deleted R2 bucket", args[0])
		return nil
	}}
	bdelete.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	bucket.AddCommand(blist, bcreate, bdelete)

	object := &cobra.Command{Use: "object", Short: "Put, get, list and delete objects"}
	var file, contentType, prefix string
	put := &cobra.Command{Use: "put BUCKET/KEY", Short: "Upload --file, or stdin", Args: cobra.ExactArgs(1), RunE: func(cmd *cobra.Command, args []string) error {
		b, k, err := splitObjectPath(args[0])
		if err != nil {
			return err
		}
		var body io.Reader = cmd.InOrStdin()
		if file != "" {
			f, err := os.Open(file)
			if err != nil {
				return err
			}
			defer f.Close()
			body = f
			if contentType == "" {
				contentType = mime.TypeByExtension(filepath.Ext(file))
			}
		}
		c, err := g.client()
		if err != nil {
			return err
		}
		if err := c.PutR2Object(cmd.Context(), b, k, body, contentType); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "Uploaded %s/%s\n", b, k)
		return nil
	}}
	put.Flags().StringVarP(&file, "file", "f", "", "file to upload (default: stdin)")
	put.Flags().StringVar(&contentType, "content-type", "", "the object's Content-Type (default: from the file's extension)")
	get := &cobra.Command{Use: "get BUCKET/KEY", Short: "Download an object to stdout", Args: cobra.ExactArgs(1), RunE: func(cmd *cobra.Command, args []string) error {
		b, k, err := splitObjectPath(args[0])
		if err != nil {
			return err
		}
		c, err := g.client()
		if err != nil {
			return err
		}
		data, err := c.GetR2Object(cmd.Context(), b, k)
		if err != nil {
			return err
		}
		_, err = cmd.OutOrStdout().Write(data)
		return err
	}}
	list := &cobra.Command{Use: "list BUCKET", Short: "List objects", Args: cobra.ExactArgs(1), RunE: func(cmd *cobra.Command, args []string) error {
		c, err := g.client()
		if err != nil {
			return err
		}
		tw := newTable(cmd.OutOrStdout())
		fmt.Fprintln(tw, "KEY\tSIZE\tETAG\tUPLOADED")
		for cursor := ""; ; {
			objs, next, err := c.ListR2Objects(cmd.Context(), args[0], prefix, cursor)
			if err != nil {
				return err
			}
			for _, o := range objs {
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", o.Key, o.Size, o.ETag, o.Uploaded)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		return tw.Flush()
	}}
	list.Flags().StringVar(&prefix, "prefix", "", "only keys starting with this")
	del := &cobra.Command{Use: "delete BUCKET/KEY", Short: "Delete an object", Args: cobra.ExactArgs(1), RunE: func(cmd *cobra.Command, args []string) error {
		b, k, err := splitObjectPath(args[0])
		if err != nil {
			return err
		}
		c, err := g.client()
		if err != nil {
			return err
		}
		if err := c.DeleteR2Object(cmd.Context(), b, k); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "Deleted %s/%s\n", b, k)
		return nil
	}}
	object.AddCommand(put, get, list, del)
	cmd.AddCommand(bucket, object)
	return cmd
}

func splitObjectPath(p string) (string, string, error) {
	b, k, ok := strings.Cut(p, "/")
	if !ok || b == "" || k == "" {
		return "", "", fmt.Errorf("name an object as BUCKET/KEY, got %q", p)
	}
	return b, k, nil
}
