package wrangler

import (
	"fmt"
	"sort"

	"github.com/weft-dev/weft/models"
)

// topLevel is the whole file: a section, plus what only the top level may hold.
type topLevel struct {
	section
	Migrations []migration        `toml:"migrations"`
	Env        map[string]section `toml:"env"`
	// Fields Wrangler knows that do not change how Weft runs a Worker; decoded so they raise no warning.
	AccountID  string `toml:"account_id"`
	WorkersDev *bool  `toml:"workers_dev"`
	KeepVars   *bool  `toml:"keep_vars"`
}

// section is what the top level and each [env.NAME] may set.
type section struct {
	Name               string         `toml:"name"`
	Main               string         `toml:"main"`
	CompatibilityDate  string         `toml:"compatibility_date"`
	CompatibilityFlags []string       `toml:"compatibility_flags"`
	Route              any            `toml:"route"`
	Routes             []any          `toml:"routes"`
	Vars               map[string]any `toml:"vars"`
	KV                 []kvNamespace  `toml:"kv_namespaces"`
	Services           []service      `toml:"services"`
	DurableObjects     *struct {
		Bindings []durableObject `toml:"bindings"`
	} `toml:"durable_objects"`
	R2     []r2Bucket `toml:"r2_buckets"`
	Queues *struct {
		Producers []queueProducer `toml:"producers"`
		Consumers []queueConsumer `toml:"consumers"`
	} `toml:"queues"`
	Triggers *struct {
		Crons []string `toml:"crons"`
	} `toml:"triggers"`
	Limits *struct {
		CPUMs       int `toml:"cpu_ms"`
		Subrequests int `toml:"subrequests"`
		// Weft's own: Workers fixes these.
		WallMs      int `toml:"wall_ms"`
		RequestMiB  int `toml:"request_body_mib"`
		Connections int `toml:"connections"`
		StackDepth  int `toml:"stack_depth"`
	} `toml:"limits"`
	VersionMetadata *struct {
		Binding string `toml:"binding"`
	} `toml:"version_metadata"`
}

type kvNamespace struct {
	Binding   string `toml:"binding"`
	ID        string `toml:"id"`
	PreviewID string `toml:"preview_id"`
}

type service struct {
	Binding     string `toml:"binding"`
	Service     string `toml:"service"`
	Environment string `toml:"environment"`
	Entrypoint  string `toml:"entrypoint"`
}

type durableObject struct {
	Name        string `toml:"name"`
	ClassName   string `toml:"class_name"`
	ScriptName  string `toml:"script_name"`
	Environment string `toml:"environment"`
}

type r2Bucket struct {
	Binding           string `toml:"binding"`
	BucketName        string `toml:"bucket_name"`
	PreviewBucketName string `toml:"preview_bucket_name"`
	Jurisdiction      string `toml:"jurisdiction"`
}

type queueProducer struct {
	Binding       string `toml:"binding"`
	Queue         string `toml:"queue"`
	DeliveryDelay int    `toml:"delivery_delay"`
}

type queueConsumer struct {
	Queue           string `toml:"queue"`
	MaxBatchSize    int    `toml:"max_batch_size"`
	MaxBatchTimeout int    `toml:"max_batch_timeout"`
	MaxRetries      *int   `toml:"max_retries"`
	DeadLetterQueue string `toml:"dead_letter_queue"`
	MaxConcurrency  int    `toml:"max_concurrency"`
	RetryDelay      int    `toml:"retry_delay"`
}

type migration struct {
	Tag              string   `toml:"tag"`
	NewClasses       []string `toml:"new_classes"`
	NewSqliteClasses []string `toml:"new_sqlite_classes"`
	RenamedClasses   []struct {
		From string `toml:"from"`
		To   string `toml:"to"`
	} `toml:"renamed_classes"`
	DeletedClasses []string `toml:"deleted_classes"`
}

// into fills cfg from the section; prefix ("" or "env.NAME.") names fields in errors.
func (s *section) into(cfg *Config, file, prefix string, order map[string]int) error {
	fail := func(format string, args ...any) error {
		return models.Errorf(models.EINVALID, "%s: %s%s", file, prefix, fmt.Sprintf(format, args...))
	}
	cfg.Main = s.Main
	set := &cfg.Settings
	set.CompatibilityDate = s.CompatibilityDate
	set.CompatibilityFlags = s.CompatibilityFlags
	if set.CompatibilityDate == "" {
		set.CompatibilityDate = models.DefaultCompatDate
		cfg.warn("%s: no compatibility_date set; using %s. Add compatibility_date = \"%s\" to pin it.",
			file, models.DefaultCompatDate, models.DefaultCompatDate)
	}

	names := make([]string, 0, len(s.Vars))
	for name := range s.Vars {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		return order[prefix+"vars."+names[i]] < order[prefix+"vars."+names[j]]
	})
	for _, name := range names {
		v := models.Var{Name: name, Type: "plain_text"}
		if str, ok := s.Vars[name].(string); ok {
			v.Value = str
		} else {
			text, err := jsonVar(s.Vars[name], prefix+"vars."+name, order)
			if err != nil {
				return fail("vars.%s: %v", name, err)
			}
			v.Type, v.Value = "json", text
		}
		set.Vars = append(set.Vars, v)
	}

	for i, kv := range s.KV {
		if kv.Binding == "" || kv.ID == "" {
			return fail("kv_namespaces[%d]: binding and id are required", i)
		}
		set.Bindings = append(set.Bindings, models.Binding{Name: kv.Binding, Type: models.BindingKV, NamespaceID: kv.ID})
	}
	for i, sv := range s.Services {
		if sv.Binding == "" || sv.Service == "" {
			return fail("services[%d]: binding and service are required", i)
		}
		set.Bindings = append(set.Bindings, models.Binding{Name: sv.Binding, Type: models.BindingService,
			Service: sv.Service, Environment: sv.Environment, Entrypoint: sv.Entrypoint})
	}
	if s.DurableObjects != nil {
		for i, do := range s.DurableObjects.Bindings {
			if do.Name == "" || do.ClassName == "" {
				return fail("durable_objects.bindings[%d]: name and class_name are required", i)
			}
			set.Bindings = append(set.Bindings, models.Binding{Name: do.Name, Type: models.BindingDurable,
				ClassName: do.ClassName, ScriptName: do.ScriptName, Environment: do.Environment})
		}
	}
	for i, r2 := range s.R2 {
		if r2.Binding == "" || r2.BucketName == "" {
			return fail("r2_buckets[%d]: binding and bucket_name are required", i)
		}
		set.Bindings = append(set.Bindings, models.Binding{Name: r2.Binding, Type: models.BindingR2, BucketName: r2.BucketName})
	}
	if s.Queues != nil {
		for i, p := range s.Queues.Producers {
			if p.Binding == "" || p.Queue == "" {
				return fail("queues.producers[%d]: binding and queue are required", i)
			}
			set.Bindings = append(set.Bindings, models.Binding{Name: p.Binding, Type: models.BindingQueue, QueueName: p.Queue})
		}
		for i, c := range s.Queues.Consumers {
			if c.Queue == "" {
				return fail("queues.consumers[%d]: queue is required", i)
			}
			set.QueueConsumers = append(set.QueueConsumers, models.QueueConsumer{Queue: c.Queue, MaxBatchSize: c.MaxBatchSize,
				MaxBatchTimeout: c.MaxBatchTimeout, MaxRetries: c.MaxRetries, DeadLetterQueue: c.DeadLetterQueue, RetryDelay: c.RetryDelay})
		}
	}
	if s.VersionMetadata != nil {
		if s.VersionMetadata.Binding == "" {
			return fail("version_metadata: binding is required")
		}
		set.Bindings = append(set.Bindings, models.Binding{Name: s.VersionMetadata.Binding, Type: models.BindingVersion})
	}
	if s.Triggers != nil {
		set.Crons = s.Triggers.Crons
	}
	if s.Limits != nil {
		set.Limits = models.Limits{CPUMs: s.Limits.CPUMs, Subrequests: s.Limits.Subrequests, WallMs: s.Limits.WallMs,
			RequestMiB: s.Limits.RequestMiB, Connections: s.Limits.Connections, StackDepth: s.Limits.StackDepth}
	}

	routes, err := s.routes()
	if err != nil {
		return fail("%v", err)
	}
	cfg.Routes = routes
	return nil
}

// routes accepts Wrangler's forms: route = "p", routes = ["p", {pattern = "p", zone_name = "z"}].
func (s *section) routes() ([]string, error) {
	var all []any
	if s.Route != nil {
		all = append(all, s.Route)
	}
	all = append(all, s.Routes...)
	var out []string
	for i, r := range all {
		switch r := r.(type) {
		case string:
			out = append(out, r)
		case map[string]any:
			p, ok := r["pattern"].(string)
			if !ok || p == "" {
				return nil, fmt.Errorf("routes[%d]: pattern is required", i)
			}
			out = append(out, p)
		default:
			return nil, fmt.Errorf("routes[%d]: a route is a string or a table with pattern", i)
		}
	}
	return out, nil
}

func (t *topLevel) migrations() []models.DOMigration {
	var out []models.DOMigration
	for _, m := range t.Migrations {
		dm := models.DOMigration{Tag: m.Tag, NewClasses: m.NewClasses, NewSqliteClasses: m.NewSqliteClasses, DeletedClasses: m.DeletedClasses}
		for _, r := range m.RenamedClasses {
			dm.RenamedClasses = append(dm.RenamedClasses, models.RenamedClass{From: r.From, To: r.To})
		}
		out = append(out, dm)
	}
	return out
}
