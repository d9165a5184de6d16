// Package wrangler reads Cloudflare's wrangler.toml the way Wrangler does, into Weft settings.
//
// Where Weft differs: `[env.NAME]` selects an environment of the same service (Wrangler would deploy
// a separate "name-NAME" Worker), and a missing `[env.NAME]` section means the top-level configuration
// applies as it is, because every Weft environment of a service shares its wrangler.toml.
package wrangler

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/weft-dev/weft/models"
)

// Config is one environment's view of a wrangler.toml.
type Config struct {
	Name        string
	Main        string
	Environment string
	Settings    models.Settings
	Routes      []string
	// Warnings are things Wrangler would also warn about: ignored fields, settings not inherited.
	Warnings []string
}

// Load reads path and returns the configuration of environment env.
func Load(path, env string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, models.Errorf(models.EINVALID, "%s not found", path)
		}
		return nil, err
	}
	return Parse(path, data, env)
}

// Environments lists the names of the [env.NAME] sections, sorted.
func Environments(file string, data []byte) ([]string, error) {
	var top topLevel
	if _, err := toml.Decode(string(data), &top); err != nil {
		return nil, decodeError(file, err)
	}
	names := make([]string, 0, len(top.Env))
	for name := range top.Env {
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}

// Parse reads wrangler.toml text; file names it in errors ("wrangler.toml:3:7: ...").
func Parse(file string, data []byte, env string) (*Config, error) {
	var top topLevel
	md, err := toml.Decode(string(data), &top)
	if err != nil {
		return nil, decodeError(file, err)
	}
	if env == "" {
		env = models.ProductionEnvName
	}
	cfg := &Config{Name: top.Name, Environment: env}
	for _, k := range md.Undecoded() {
		if isVarKey(k) {
			continue // a JSON var's inner keys are decoded as part of the var
		}
		cfg.warn("%s: field %q is not used by Weft and was ignored", file, k.String())
	}

	section := &top.section
	prefix := ""
	if e, ok := top.Env[env]; ok {
		section = inherit(file, env, &top.section, &e, cfg)
		prefix = "env." + env + "."
		if e.Name != "" && e.Name != top.Name {
			cfg.warn("%s: env.%s.name is ignored: environments belong to service %q", file, env, top.Name)
		}
	}
	if err := section.into(cfg, file, prefix, keyOrder(md)); err != nil {
		return nil, err
	}
	cfg.Settings.Migrations = top.migrations()
	if cfg.Name != "" {
		if err := models.ValidateName("service", cfg.Name); err != nil {
			return nil, models.Errorf(models.EINVALID, "%s: name: %s", file, models.ErrorMessage(err))
		}
	}
	if err := cfg.Settings.Validate(); err != nil {
		return nil, models.Errorf(models.EINVALID, "%s: %s", file, models.ErrorMessage(err))
	}
	return cfg, nil
}

func (c *Config) warn(format string, args ...any) {
	c.Warnings = append(c.Warnings, fmt.Sprintf(format, args...))
}

// inherit applies Wrangler's rules: an environment inherits main, compatibility settings, routes,
// triggers and limits from the top level unless it sets them, and never inherits vars or bindings.
func inherit(file, env string, top, e *section, cfg *Config) *section {
	out := *e
	if out.Main == "" {
		out.Main = top.Main
	}
	if out.CompatibilityDate == "" {
		out.CompatibilityDate = top.CompatibilityDate
	}
	if out.CompatibilityFlags == nil {
		out.CompatibilityFlags = top.CompatibilityFlags
	}
	if out.Route == nil && out.Routes == nil {
		out.Route, out.Routes = top.Route, top.Routes
	}
	if out.Triggers == nil {
		out.Triggers = top.Triggers
	}
	if out.Limits == nil {
		out.Limits = top.Limits
	}
	notInherited := func(field string, atTop, inEnv bool) {
		if atTop && !inEnv {
			cfg.warn("%s: %q exists at the top level but not in [env.%s]; it is not inherited, so env.%s has none. Add it to [env.%s] if it needs it.",
				file, field, env, env, env)
		}
	}
	notInherited("vars", top.Vars != nil, e.Vars != nil)
	notInherited("kv_namespaces", top.KV != nil, e.KV != nil)
	notInherited("services", top.Services != nil, e.Services != nil)
	notInherited("durable_objects", top.DurableObjects != nil, e.DurableObjects != nil)
	notInherited("r2_buckets", top.R2 != nil, e.R2 != nil)
	notInherited("queues", top.Queues != nil, e.Queues != nil)
	return &out
}

func isVarKey(k toml.Key) bool {
	return (len(k) > 1 && k[0] == "vars") || (len(k) > 3 && k[0] == "env" && k[2] == "vars")
}

var lineRE = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

// decodeError turns the TOML library's error into "file:line:col: message".
func decodeError(file string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if pe.LastKey != "" && !strings.Contains(msg, pe.LastKey) {
			msg = fmt.Sprintf("%s (key %s)", msg, pe.LastKey)
		}
		return models.Errorf(models.EINVALID, "%s:%d:%d: %s", file, pe.Position.Line, max(pe.Position.Col, 1), msg)
	}
	if m := lineRE.FindStringSubmatch(err.Error()); m != nil {
		return models.Errorf(models.EINVALID, "%s:%s: %s: %s", file, m[1], m[2], strings.TrimPrefix(m[3], "incompatible types: "))
	}
	return models.Errorf(models.EINVALID, "%s: %s", file, strings.TrimPrefix(err.Error(), "toml: "))
}

// jsonVar encodes a non-string TOML value as the JSON text of a json-typed variable, with table keys
// in file order as Wrangler's JavaScript TOML parser keeps them. order maps dotted key paths to their
// position in the file.
func jsonVar(v any, path string, order map[string]int) (string, error) {
	var b strings.Builder
	if err := writeJSON(&b, v, path, order); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeJSON(b *strings.Builder, v any, path string, order map[string]int) error {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.SliceStable(keys, func(i, j int) bool {
			return order[path+"."+keys[i]] < order[path+"."+keys[j]]
		})
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			name, _ := json.Marshal(k)
			b.Write(name)
			b.WriteByte(':')
			if err := writeJSON(b, v[k], path+"."+k, order); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, x, path, order); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	default:
		text, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(text)
	}
	return nil
}

// keyOrder maps every dotted key of the file to its position.
func keyOrder(md toml.MetaData) map[string]int {
	keys := md.Keys()
	order := make(map[string]int, len(keys))
	for i, k := range keys {
		order[k.String()] = i
	}
	return order
}
