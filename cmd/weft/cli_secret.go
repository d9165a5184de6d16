package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/weft-dev/weft/cmd/weft/client"
)

// maxSecretInput bounds what we read from stdin; the server enforces the real (much smaller) limit.
const maxSecretInput = 1 << 20

func newSecretCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "secret",
		Short: "Set, list and delete an environment's secrets (values are never shown)",
		Long: `Secrets are encrypted bindings in env. Changing one makes a new version of the environment
(once it has been deployed); the value never appears in output, logs or the audit log.`,
	}
	cmd.AddCommand(newSecretPutCommand(g), newSecretListCommand(g), newSecretDeleteCommand(g))
	return cmd
}

func newSecretPutCommand(g *globals) *cobra.Command {
	var t target
	cmd := &cobra.Command{
		Use:   "put NAME",
		Short: "Set a secret, reading its value from stdin (or a prompt on a terminal)",
		Long: `Set a secret's value. Piped input is read whole, with one trailing newline removed, so
echo "$KEY" | weft secret put API_KEY works. On a terminal you are prompted and typing is hidden.`,
		Example: "  weft secret put API_KEY < key.txt\n  printf %s \"$TOKEN\" | weft secret put TOKEN --env staging",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			service, c, err := g.serviceClient(&t)
			if err != nil {
				return err
			}
			value, err := readSecret(cmd.InOrStdin(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			env := t.environment()
			res, err := c.PutSecret(cmd.Context(), service, env, args[0], value)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Set secret %s on %s (%s)%s\n", args[0], service, env, versionNote(res))
			return nil
		},
	}
	t.register(cmd.Flags(), true)
	return cmd
}

// versionNote says what the change made: a new version now live, or a draft kept for the first deploy.
func versionNote(res *client.SecretResponse) string {
	switch {
	case res.Version == nil:
		return "; it takes effect with the first deploy"
	case res.Deployment != nil:
		return fmt.Sprintf(": version %d is live", res.Version.Number)
	}
	return fmt.Sprintf(": created version %d", res.Version.Number)
}

// readSecret reads a secret value: all of piped stdin minus one trailing newline (which echo and
// most editors add), or one hidden line typed at a terminal.
func readSecret(in io.Reader, prompt io.Writer) (string, error) {
	if f, ok := in.(*os.File); ok && isTerminal(in) {
		fmt.Fprint(prompt, "Enter a secret value: ")
		line, err := readHiddenLine(f)
		fmt.Fprintln(prompt)
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", fmt.Errorf("read secret value: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	b, err := io.ReadAll(io.LimitReader(in, maxSecretInput+1))
	if err != nil {
		return "", fmt.Errorf("read secret value from stdin: %w", err)
	}
	if len(b) > maxSecretInput {
		return "", errors.New("secret value on stdin is over 1 MiB")
	}
	s := string(b)
	if strings.HasSuffix(s, "\r\n") {
		s = s[:len(s)-2]
	} else {
		s = strings.TrimSuffix(s, "\n")
	}
	return s, nil
}

func newSecretListCommand(g *globals) *cobra.Command {
	var t target
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List an environment's secret names and when each was last set (never values)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			service, c, err := g.serviceClient(&t)
			if err != nil {
				return err
			}
			secrets, err := c.ListSecrets(cmd.Context(), service, t.environment())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), secrets)
			}
			if len(secrets) == 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "%s (%s) has no secrets\n", service, t.environment())
				return nil
			}
			tw := newTable(cmd.OutOrStdout())
			row(tw, "NAME", "TYPE", "UPDATED")
			for _, s := range secrets {
				row(tw, s.Name, dash(s.Type), fmtTime(s.UpdatedAt))
			}
			return tw.Flush()
		},
	}
	t.register(cmd.Flags(), true)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	return cmd
}

func newSecretDeleteCommand(g *globals) *cobra.Command {
	var t target
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a secret from an environment (making a new version without it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			service, c, err := g.serviceClient(&t)
			if err != nil {
				return err
			}
			env := t.environment()
			res, err := c.DeleteSecret(cmd.Context(), service, env, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted secret %s from %s (%s)%s\n", args[0], service, env, versionNote(res))
			return nil
		},
	}
	t.register(cmd.Flags(), true)
	return cmd
}
