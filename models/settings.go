package models

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/robfig/cron/v3"
)

// Binding types, as Wrangler names them in its upload metadata.
const (
	BindingKV           = "kv_namespace"
	BindingService      = "service"
	BindingDurable      = "durable_object_namespace"
	BindingR2           = "r2_bucket"
	BindingQueue        = "queue"
	BindingVersion      = "version_metadata"
	DefaultCPULimitMs   = 50
	MaxCPULimitMs       = 30_000
	DefaultWallLimitMs  = 30_000
	MaxWallLimitMs      = 15 * 60_000
	DefaultSubrequests  = 50
	MaxSubrequests      = 1000
	DefaultRequestMiB   = 100
	MaxRequestMiB       = 1024
	DefaultConnections  = 6
	MaxConnections      = 100
	DefaultStackDepth   = 2000
	MaxStackDepth       = 10000
	DefaultCompatDate   = "2024-09-23"
	productionEnvName   = "production"
	ProductionEnvName   = productionEnvName
	maxVarValueBytes    = 5 << 10
	maxVarsPerVersion   = 128
	maxBindingsPerEnv   = 256
	compatibilityLayout = "2006-01-02"
)

// Settings is everything about an environment except its code: what a version snapshots next to its bundle.
// Promotion never copies Settings; rollback restores them exactly.
type Settings struct {
	CompatibilityDate  string          `json:"compatibility_date"`
	CompatibilityFlags []string        `json:"compatibility_flags,omitempty"`
	Vars               []Var           `json:"vars"`
	Secrets            []SecretRef     `json:"secrets"`
	Bindings           []Binding       `json:"bindings"`
	Crons              []string        `json:"crons,omitempty"`
	QueueConsumers     []QueueConsumer `json:"queue_consumers,omitempty"`
	Migrations         []DOMigration   `json:"migrations,omitempty"`
	Limits             Limits          `json:"limits"`
}

// Var is a plain-text or JSON environment variable.
type Var struct {
	Name string `json:"name"`
	// Type is "plain_text" or "json"; for json, Value holds the JSON text.
	Type  string `json:"type"`
	Value string `json:"value"`
}

// SecretRef names an immutable encrypted secret value; the value itself never leaves the store unencrypted
// except to the runtime.
type SecretRef struct {
	Name    string `json:"name"`
	ValueID uint   `json:"-"`
}

// secretRefJSON keeps the value id in stored snapshots while API responses (which marshal SecretRef) show names only.
type secretRefJSON struct {
	Name    string `json:"name"`
	ValueID uint   `json:"value_id"`
}

// Binding is a named capability in env other than a variable or secret.
type Binding struct {
	Name string `json:"name"`
	Type string `json:"type"`
	// Kind-specific fields, as in wrangler.toml.
	NamespaceID string `json:"namespace_id,omitempty"` // kv_namespace
	Service     string `json:"service,omitempty"`      // service
	Environment string `json:"environment,omitempty"`  // service: target environment, default production
	Entrypoint  string `json:"entrypoint,omitempty"`   // service: named entrypoint
	ClassName   string `json:"class_name,omitempty"`   // durable_object_namespace
	ScriptName  string `json:"script_name,omitempty"`  // durable_object_namespace: another service's class
	BucketName  string `json:"bucket_name,omitempty"`  // r2_bucket
	QueueName   string `json:"queue_name,omitempty"`   // queue producer
}

// QueueConsumer makes the environment consume a queue.
type QueueConsumer struct {
	Queue           string `json:"queue"`
	MaxBatchSize    int    `json:"max_batch_size,omitempty"`
	MaxBatchTimeout int    `json:"max_batch_timeout,omitempty"`
	MaxRetries      *int   `json:"max_retries,omitempty"`
	DeadLetterQueue string `json:"dead_letter_queue,omitempty"`
	RetryDelay      int    `json:"retry_delay,omitempty"` // seconds before a retried message is redelivered
}

// DOMigration is one [[migrations]] entry of wrangler.toml.
type DOMigration struct {
	Tag              string         `json:"tag"`
	NewClasses       []string       `json:"new_classes,omitempty"`
	NewSqliteClasses []string       `json:"new_sqlite_classes,omitempty"`
	RenamedClasses   []RenamedClass `json:"renamed_classes,omitempty"`
	DeletedClasses   []string       `json:"deleted_classes,omitempty"`
}

// RenamedClass is a Durable Object class rename in a migration.
type RenamedClass struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Limits bound one request's use of the runtime; zero means the default.
type Limits struct {
	CPUMs       int `json:"cpu_ms"`
	WallMs      int `json:"wall_ms,omitempty"`          // waiting for a response, and for waitUntil work after it
	Subrequests int `json:"subrequests,omitempty"`      // fetch and service-binding calls per request
	RequestMiB  int `json:"request_body_mib,omitempty"` // largest request body a script receives
	Connections int `json:"connections,omitempty"`      // outbound requests awaiting an answer at once
	StackDepth  int `json:"stack_depth,omitempty"`      // JavaScript call depth
}

// RequestBodyLimit returns the largest request body, in bytes.
func (l Limits) RequestBodyLimit() int64 {
	return int64(orDefault(l.RequestMiB, DefaultRequestMiB)) << 20
}

// ConnectionLimit returns how many outbound requests may await an answer at once.
func (l Limits) ConnectionLimit() int { return int(orDefault(l.Connections, DefaultConnections)) }

// StackLimit returns the JavaScript call depth.
func (l Limits) StackLimit() int { return int(orDefault(l.StackDepth, DefaultStackDepth)) }

// CPULimit returns the effective CPU limit.
func (l Limits) CPULimit() time.Duration {
	return orDefault(l.CPUMs, DefaultCPULimitMs) * time.Millisecond
}

// WallLimit returns the effective wall-clock limit.
func (l Limits) WallLimit() time.Duration {
	return orDefault(l.WallMs, DefaultWallLimitMs) * time.Millisecond
}

// SubrequestLimit returns the effective number of subrequests a request may make.
func (l Limits) SubrequestLimit() int { return int(orDefault(l.Subrequests, DefaultSubrequests)) }

func orDefault(v, def int) time.Duration {
	if v <= 0 {
		return time.Duration(def)
	}
	return time.Duration(v)
}

// Validate checks settings supplied by a user (secrets are checked where they are written).
func (s *Settings) Validate() error {
	if s.CompatibilityDate != "" {
		if _, err := time.Parse(compatibilityLayout, s.CompatibilityDate); err != nil {
			return Errorf(EINVALID, "invalid compatibility_date %q: use YYYY-MM-DD", s.CompatibilityDate)
		}
	}
	if len(s.Vars) > maxVarsPerVersion {
		return Errorf(EINVALID, "too many variables: %d (at most %d)", len(s.Vars), maxVarsPerVersion)
	}
	seen := map[string]string{}
	claim := func(kind, name string) error {
		if err := ValidateBindingName(kind, name); err != nil {
			return err
		}
		if prev, ok := seen[name]; ok {
			return Errorf(EINVALID, "%s %q clashes with %s of the same name", kind, name, prev)
		}
		seen[name] = kind
		return nil
	}
	for i := range s.Vars {
		v := &s.Vars[i]
		if err := claim("variable", v.Name); err != nil {
			return err
		}
		switch v.Type {
		case "", "plain_text":
			v.Type = "plain_text"
		case "json":
			if !json.Valid([]byte(v.Value)) {
				return Errorf(EINVALID, "variable %s: value is not valid JSON", v.Name)
			}
		default:
			return Errorf(EINVALID, "variable %s: unknown type %q (plain_text or json)", v.Name, v.Type)
		}
		if len(v.Value) > maxVarValueBytes {
			return Errorf(EINVALID, "variable %s: value is %d bytes (at most %d)", v.Name, len(v.Value), maxVarValueBytes)
		}
	}
	for _, sec := range s.Secrets {
		if err := claim("secret", sec.Name); err != nil {
			return err
		}
	}
	if len(s.Bindings) > maxBindingsPerEnv {
		return Errorf(EINVALID, "too many bindings: %d (at most %d)", len(s.Bindings), maxBindingsPerEnv)
	}
	for _, b := range s.Bindings {
		if err := claim(b.Type+" binding", b.Name); err != nil {
			return err
		}
		if err := b.validate(); err != nil {
			return err
		}
	}
	for _, c := range s.Crons {
		if _, err := cron.ParseStandard(c); err != nil {
			return Errorf(EINVALID, "invalid cron %q: %v (use five fields: minute hour day-of-month month day-of-week)", c, err)
		}
	}
	tags := map[string]bool{}
	for _, m := range s.Migrations {
		if m.Tag == "" || tags[m.Tag] {
			return Errorf(EINVALID, "migrations: every [[migrations]] needs a unique tag (got %q)", m.Tag)
		}
		tags[m.Tag] = true
	}
	return s.Limits.validate()
}

func (l Limits) validate() error {
	if l.CPUMs < 0 || l.CPUMs > MaxCPULimitMs {
		return Errorf(EINVALID, "limits.cpu_ms must be between 1 and %d", MaxCPULimitMs)
	}
	if l.WallMs < 0 || l.WallMs > MaxWallLimitMs {
		return Errorf(EINVALID, "limits.wall_ms must be between 1 and %d", MaxWallLimitMs)
	}
	if l.Subrequests < 0 || l.Subrequests > MaxSubrequests {
		return Errorf(EINVALID, "limits.subrequests must be between 1 and %d", MaxSubrequests)
	}
	if l.RequestMiB < 0 || l.RequestMiB > MaxRequestMiB {
		return Errorf(EINVALID, "limits.request_body_mib must be between 1 and %d", MaxRequestMiB)
	}
	if l.Connections < 0 || l.Connections > MaxConnections {
		return Errorf(EINVALID, "limits.connections must be between 1 and %d", MaxConnections)
	}
	if l.StackDepth != 0 && (l.StackDepth < 100 || l.StackDepth > MaxStackDepth) {
		return Errorf(EINVALID, "limits.stack_depth must be between 100 and %d", MaxStackDepth)
	}
	return nil
}

func (b Binding) validate() error {
	need := func(field, value string) error {
		if value == "" {
			return Errorf(EINVALID, "%s binding %s: %s is required", b.Type, b.Name, field)
		}
		return nil
	}
	switch b.Type {
	case BindingKV:
		return need("id", b.NamespaceID)
	case BindingService:
		if err := need("service", b.Service); err != nil {
			return err
		}
		if err := ValidateName("service", b.Service); err != nil {
			return Errorf(EINVALID, "service binding %s: %s", b.Name, ErrorMessage(err))
		}
		if b.Environment != "" {
			if err := ValidateName("environment", b.Environment); err != nil {
				return Errorf(EINVALID, "service binding %s: %s", b.Name, ErrorMessage(err))
			}
		}
		return nil
	case BindingDurable:
		return need("class_name", b.ClassName)
	case BindingR2:
		return need("bucket_name", b.BucketName)
	case BindingQueue:
		return need("queue", b.QueueName)
	case BindingVersion:
		return nil
	}
	return Errorf(EINVALID, "binding %s: unknown type %q", b.Name, b.Type)
}

// SecretNames returns the names of the secrets, sorted.
func (s Settings) SecretNames() []string {
	names := make([]string, 0, len(s.Secrets))
	for _, r := range s.Secrets {
		names = append(names, r.Name)
	}
	sort.Strings(names)
	return names
}

// DifferingSecrets lists the secret names whose presence or value differ between a and b.
func DifferingSecrets(a, b Settings) []string {
	ids := map[string]uint{}
	for _, r := range a.Secrets {
		ids[r.Name] = r.ValueID
	}
	var out []string
	for _, r := range b.Secrets {
		if id, ok := ids[r.Name]; !ok || id != r.ValueID {
			out = append(out, r.Name)
		}
		delete(ids, r.Name)
	}
	for name := range ids {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// withSecret returns a copy of s with the secret set (valueID != 0) or removed (valueID == 0).
func (s Settings) withSecret(name string, valueID uint) Settings {
	out := s.clone()
	out.Secrets = out.Secrets[:0]
	for _, r := range s.Secrets {
		if r.Name != name {
			out.Secrets = append(out.Secrets, r)
		}
	}
	if valueID != 0 {
		out.Secrets = append(out.Secrets, SecretRef{Name: name, ValueID: valueID})
	}
	sort.Slice(out.Secrets, func(i, j int) bool { return out.Secrets[i].Name < out.Secrets[j].Name })
	return out
}

// clone deep-copies s through its stored form, which keeps secret value ids.
func (s Settings) clone() Settings {
	b, err := s.encode()
	if err != nil {
		panic(fmt.Sprintf("models: settings clone: %v", err))
	}
	var out Settings
	if err := out.decode(b); err != nil {
		panic(fmt.Sprintf("models: settings clone: %v", err))
	}
	return out
}
