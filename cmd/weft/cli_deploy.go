package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/weft-dev/weft/cmd/weft/client"
	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/models/wrangler"
	"github.com/weft-dev/weft/runtime"
)

// uploadFlags are the inputs of deploy and versions upload.
type uploadFlags struct {
	target
	message, tag string
}

func (f *uploadFlags) register(cmd *cobra.Command) {
	f.target.register(cmd.Flags(), true)
	cmd.Flags().StringVar(&f.message, "message", "", "what changed, kept with the version")
	cmd.Flags().StringVar(&f.tag, "tag", "", "a label for the version, e.g. a git commit or release name")
}

func newDeployCommand(g *globals) *cobra.Command {
	var f uploadFlags
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Bundle the project and deploy it to an environment as a new version",
		Long: `Bundle the project described by wrangler.toml (its main entry and everything it imports) into one
ES module, upload it with the wrangler.toml as a new version of the environment (--env, default
production) and make that version live at 100%. The server reads vars, bindings and routes for the
environment from the uploaded wrangler.toml. The service and environment are created if needed.`,
		Example: "  weft deploy\n  weft deploy --env staging --message \"new search\" --tag v1.4.0",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runUpload(cmd, g, &f, true)
		},
	}
	f.register(cmd)
	return cmd
}

func newVersionsUploadCommand(g *globals) *cobra.Command {
	var f uploadFlags
	cmd := &cobra.Command{
		Use:   "upload",
		Short: "Bundle the project and upload it as a new version without deploying it",
		Long: `Like deploy, but the new version does not take traffic: live traffic is unchanged. The version
answers at its own preview URL (v<N>.<env>.<service>.<domain>); make it live later with
weft versions deploy N (or a gradual split such as N@10).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runUpload(cmd, g, &f, false)
		},
	}
	f.register(cmd)
	return cmd
}

func runUpload(cmd *cobra.Command, g *globals, f *uploadFlags, deploy bool) error {
	env := f.environment()
	service, req, err := buildUpload(f, env, deploy)
	if err != nil {
		return err
	}
	c, err := g.client()
	if err != nil {
		return err
	}
	res, err := c.UploadVersion(cmd.Context(), service, env, req)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	for _, what := range res.Created {
		fmt.Fprintln(out, "Created", what)
	}
	printWarnings(cmd.ErrOrStderr(), res.Warnings)
	v := res.Version
	if deploy {
		fmt.Fprintf(out, "Deployed %s (%s) as version %d (bundle %s)\n", service, env, v.Number, shortHash(v.BundleHash))
		printURLs(out, res.URLs)
		return nil
	}
	fmt.Fprintf(out, "Uploaded %s (%s) as version %d (bundle %s); live traffic is unchanged\n", service, env, v.Number, shortHash(v.BundleHash))
	if len(res.URLs) > 0 {
		fmt.Fprintln(out, "Preview:")
		printURLs(out, res.URLs)
	}
	fmt.Fprintf(out, "Make it live with: weft versions deploy %d --env %s\n", v.Number, env)
	return nil
}

// buildUpload reads and checks wrangler.toml locally (failing fast with its own message), bundles the
// project next to it, and builds the upload body.
func buildUpload(f *uploadFlags, env string, deploy bool) (string, client.UploadRequest, error) {
	var req client.UploadRequest
	text, err := os.ReadFile(f.config)
	if errors.Is(err, fs.ErrNotExist) {
		return "", req, fmt.Errorf("%s not found: run in the project folder or pass -c path/to/wrangler.toml", f.config)
	} else if err != nil {
		return "", req, err
	}
	cfg, err := wrangler.Load(f.config, env)
	if err != nil {
		return "", req, err
	}
	// cfg.Warnings are printed after the upload: the server parses the same file and returns them.
	service := firstNonEmpty(f.name, cfg.Name)
	if service == "" {
		return "", req, fmt.Errorf("%s has no name; add name = \"...\" or pass --name SERVICE", f.config)
	}
	if cfg.Main == "" {
		return "", req, fmt.Errorf("%s has no main; add main = \"src/index.ts\" (the worker's entry file)", f.config)
	}
	mod, err := runtime.BundleProject(filepath.Dir(f.config), cfg.Main)
	if err != nil {
		return "", req, err // *runtime.BuildErrors: "file:line:col: message" lines
	}
	req = client.UploadRequest{
		Modules:      []models.Module{{Name: mod.Name, Content: mod.Content}},
		Main:         mod.Name,
		WranglerTOML: string(text),
		Message:      f.message,
		Tag:          f.tag,
		Deploy:       deploy,
	}
	return service, req, nil
}
