package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/weft-dev/weft/cmd/weft/client"
	"github.com/weft-dev/weft/models"
	"github.com/weft-dev/weft/models/wrangler"
)

const (
	defaultAPIURL  = "http://127.0.0.1:8080"
	defaultDataDir = "./weft-data"
	defaultConfig  = "wrangler.toml"
)

// globals are the connection flags every client command shares.
type globals struct {
	api, token, data string
	// tokenFrom says where the token came from, so a 401 can say what was tried.
	tokenFrom string
}

// addClientCommands adds every subcommand except serve: each is a client of the REST API.
func addClientCommands(root *cobra.Command) {
	g := &globals{}
	cmds := []*cobra.Command{
		newDeployCommand(g),
		newVersionsCommand(g),
		newSecretCommand(g),
		newEnvCommand(g),
		newPromoteCommand(g),
		newRollbackCommand(g),
		newAuditCommand(g),
		newRoutesCommand(g),
		newServicesCommand(g),
		newKVCommand(g),
		newQueuesCommand(g),
		newTriggersCommand(g),
		newR2Command(g),
	}
	for _, c := range cmds {
		// Persistent on each client command rather than on root, so `serve --data` keeps its own meaning.
		g.register(c.PersistentFlags())
		wrapErrors(c, g)
		root.AddCommand(c)
	}
}

func (g *globals) register(fs *pflag.FlagSet) {
	fs.StringVar(&g.api, "api", "", "URL of the Weft REST API (env WEFT_API_URL, default "+defaultAPIURL+")")
	fs.StringVar(&g.token, "token", "", "API token (env WEFT_API_TOKEN; else <data>/admin-token when present)")
	fs.StringVar(&g.data, "data", "", "local Weft data dir to read admin-token from (env WEFT_DATA, default "+defaultDataDir+")")
}

// wrapErrors post-processes the errors of cmd and its children so every command explains a 401 the same way.
func wrapErrors(cmd *cobra.Command, g *globals) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(c *cobra.Command, args []string) error { return g.explain(run(c, args)) }
	}
	for _, sub := range cmd.Commands() {
		wrapErrors(sub, g)
	}
}

func (g *globals) explain(err error) error {
	var ae *client.APIError
	if errors.As(err, &ae) && ae.Code == models.EUNAUTHORIZED {
		if g.tokenFrom == "" {
			return fmt.Errorf("%s: no API token found; pass --token, set WEFT_API_TOKEN, or point --data at the server's data dir", ae.Message)
		}
		return fmt.Errorf("%s (token from %s)", ae.Message, g.tokenFrom)
	}
	return err
}

// resolve works out the API URL and token: flag, then environment, then default (for the token, the
// admin-token file of a local data dir, so the CLI works next to `weft serve` with no setup).
func (g *globals) resolve() (apiURL, token string, err error) {
	apiURL = firstNonEmpty(g.api, os.Getenv("WEFT_API_URL"), defaultAPIURL)
	if !strings.Contains(apiURL, "://") {
		apiURL = "http://" + apiURL
	}
	// Accept the API's own base too (…/api/v1), as printed by the server and docs.
	apiURL = strings.TrimSuffix(strings.TrimRight(apiURL, "/"), "/api/v1")
	switch {
	case g.token != "":
		g.tokenFrom = "--token"
		return apiURL, g.token, nil
	case os.Getenv("WEFT_API_TOKEN") != "":
		g.tokenFrom = "WEFT_API_TOKEN"
		return apiURL, os.Getenv("WEFT_API_TOKEN"), nil
	}
	path := filepath.Join(firstNonEmpty(g.data, os.Getenv("WEFT_DATA"), defaultDataDir), "admin-token")
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return apiURL, "", nil
	case err != nil:
		return "", "", fmt.Errorf("read API token: %w (pass --token or set WEFT_API_TOKEN)", err)
	}
	g.tokenFrom = path
	return apiURL, strings.TrimSpace(string(b)), nil
}

func (g *globals) client() (*client.Client, error) {
	apiURL, token, err := g.resolve()
	if err != nil {
		return nil, err
	}
	return client.New(apiURL, token), nil
}

// serviceClient is what most commands start with: the service they act on and an API client.
func (g *globals) serviceClient(t *target) (string, *client.Client, error) {
	service, err := t.service()
	if err != nil {
		return "", nil, err
	}
	c, err := g.client()
	return service, c, err
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// target picks the service (and environment) a command acts on.
type target struct {
	config, name, env string
}

// register adds -c/--config and --name, and --env when the command is environment-scoped.
func (t *target) register(fs *pflag.FlagSet, withEnv bool) {
	fs.StringVarP(&t.config, "config", "c", defaultConfig, "wrangler.toml whose name is the service")
	fs.StringVar(&t.name, "name", "", "service name (overrides the config's name)")
	if withEnv {
		fs.StringVar(&t.env, "env", models.ProductionEnvName, "environment")
	}
}

// service returns --name, else the config's name. Only the name is needed, so the file is loaded as
// for production (its top level): an environment made with `weft env create` needn't be in it.
func (t *target) service() (string, error) {
	if t.name != "" {
		return t.name, nil
	}
	if _, err := os.Stat(t.config); errors.Is(err, fs.ErrNotExist) {
		if t.config == defaultConfig {
			return "", errors.New("which service? pass --name SERVICE, or run next to a wrangler.toml (or -c PATH)")
		}
		return "", fmt.Errorf("config file %s not found", t.config)
	}
	cfg, err := wrangler.Load(t.config, models.ProductionEnvName)
	if err != nil {
		return "", err
	}
	if cfg.Name == "" {
		return "", fmt.Errorf("%s has no name; add name = \"...\" or pass --name SERVICE", t.config)
	}
	return cfg.Name, nil
}

// environment is --env, defaulting to production.
func (t *target) environment() string {
	return firstNonEmpty(t.env, models.ProductionEnvName)
}
