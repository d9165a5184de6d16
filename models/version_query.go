package models

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"gorm.io/gorm"
)

// Limits on version metadata, as in Cloudflare's versions API.
const (
	maxMessageBytes = 1024
	maxTagBytes     = 64
	MaxBundleBytes  = 10 << 20
)

// UploadInput is a new version of an environment: a built bundle and its settings.
type UploadInput struct {
	Service     string
	Environment string
	Bundle      Bundle
	// Settings replace the environment's vars, bindings and limits; secrets are carried over.
	Settings Settings
	// Routes, when not nil, replace the environment's custom routes.
	Routes  []string
	Message string
	Tag     string
	Deploy  bool
}

// UploadResult is what an upload made.
type UploadResult struct {
	Version    *Version    `json:"version"`
	Deployment *Deployment `json:"deployment,omitempty"`
	Created    []string    `json:"created,omitempty"` // "service x", "environment y" when the upload created them
}

func validateMeta(message, tag string) error {
	if len(message) > maxMessageBytes {
		return Errorf(EINVALID, "message is %d bytes (at most %d)", len(message), maxMessageBytes)
	}
	if len(tag) > maxTagBytes {
		return Errorf(EINVALID, "tag is %d bytes (at most %d)", len(tag), maxTagBytes)
	}
	return nil
}

// UploadVersion stores a bundle and creates a version, creating the service and environment if missing,
// and deploys it at 100% when in.Deploy. Nothing changes if any part fails.
func (s *Store) UploadVersion(ctx context.Context, a Actor, in UploadInput) (*UploadResult, error) {
	if err := validateMeta(in.Message, in.Tag); err != nil {
		return nil, err
	}
	if in.Bundle.Hash == "" || in.Bundle.Code == "" {
		return nil, Errorf(EINVALID, "bundle is empty")
	}
	if len(in.Bundle.Code) > MaxBundleBytes {
		return nil, Errorf(ETOOLARGE, "bundle is %d bytes (at most %d)", len(in.Bundle.Code), MaxBundleBytes)
	}
	settings := in.Settings.clone()
	settings.Secrets = nil
	if settings.CompatibilityDate == "" {
		settings.CompatibilityDate = DefaultCompatDate
	}
	res := &UploadResult{}
	err := s.write(ctx, func(tx *gorm.DB) error {
		var before int64
		tx.Model(&Service{}).Where("name = ?", in.Service).Count(&before)
		svc, env, err := ensureEnv(tx, a, in.Service, in.Environment)
		if err != nil {
			return err
		}
		if before == 0 {
			res.Created = append(res.Created, "service "+in.Service)
		}
		if err := checkServiceBindings(tx, in.Service, settings.Bindings); err != nil {
			return err
		}
		if err := ensureKVNamespaces(tx, a, settings.Bindings); err != nil {
			return err
		}
		if err := ensureQueues(tx, a, settings); err != nil {
			return err
		}
		if err := checkConsumers(tx, in.Service, in.Environment, settings); err != nil {
			return err
		}
		if err := ensureBuckets(tx, a, settings.Bindings); err != nil {
			return err
		}
		cur, err := currentSettings(tx, env)
		if err != nil {
			return err
		}
		settings.Secrets = cur.Secrets
		if err := settings.Validate(); err != nil {
			return err
		}
		if err := storeBundle(tx, &in.Bundle); err != nil {
			return err
		}
		v := &Version{Author: a.Name, Source: a.Source, TriggeredBy: "upload", Message: in.Message, Tag: in.Tag,
			BundleHash: in.Bundle.Hash, Settings: settings}
		if err := insertVersion(tx, env, v); err != nil {
			return err
		}
		res.Version = v
		if in.Routes != nil {
			if err := replaceRoutes(tx, a, svc, env, in.Routes); err != nil {
				return err
			}
		}
		after := fmt.Sprintf("v%d bundle %s", v.Number, short(v.BundleHash))
		if err := audit(tx, a, "version.upload", svc.Name, env.Name, versionResource(svc, env, v), "", after); err != nil {
			return err
		}
		if !in.Deploy {
			return nil
		}
		res.Deployment, err = deployVersions(tx, a, svc, env, "upload", in.Message, Splits{{VersionID: v.ID, Number: v.Number, Percentage: 100}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func versionResource(svc *Service, env *Environment, v *Version) string {
	return fmt.Sprintf("version %s/%s@v%d", svc.Name, env.Name, v.Number)
}

// checkServiceBindings refuses bindings to services or environments that do not exist (a service may bind to itself).
func checkServiceBindings(tx *gorm.DB, self string, bindings []Binding) error {
	for _, b := range bindings {
		if b.Type != BindingService || b.Service == self && b.Environment == "" {
			continue
		}
		env := b.Environment
		if env == "" {
			env = ProductionEnvName
		}
		if _, _, err := findEnv(tx, b.Service, env); err != nil {
			if ErrorCode(err) == ENOTFOUND {
				return Errorf(EINVALID, "service binding %s: %s (deploy it first)", b.Name, ErrorMessage(err))
			}
			return err
		}
	}
	return nil
}

func storeBundle(tx *gorm.DB, b *Bundle) error {
	var n int64
	if err := tx.Model(&Bundle{}).Where("hash = ?", b.Hash).Count(&n).Error; err != nil {
		return fmt.Errorf("models: find bundle: %w", err)
	}
	if n > 0 {
		return nil
	}
	b.Size = len(b.Code)
	if err := tx.Create(b).Error; err != nil {
		return fmt.Errorf("models: store bundle: %w", err)
	}
	return nil
}

// insertVersion numbers v after the environment's newest version and stores it.
func insertVersion(tx *gorm.DB, env *Environment, v *Version) error {
	var max int
	if err := tx.Model(&Version{}).Where("environment_id = ?", env.ID).Select("COALESCE(MAX(number), 0)").Scan(&max).Error; err != nil {
		return fmt.Errorf("models: number version: %w", err)
	}
	v.EnvironmentID, v.Number = env.ID, max+1
	if err := tx.Create(v).Error; err != nil {
		return fmt.Errorf("models: create version: %w", err)
	}
	return nil
}

func insertDeployment(tx *gorm.DB, a Actor, env *Environment, trigger, message string, splits Splits) (*Deployment, error) {
	d := &Deployment{EnvironmentID: env.ID, Author: a.Name, Source: a.Source, TriggeredBy: trigger, Message: message, Splits: splits}
	if err := tx.Create(d).Error; err != nil {
		return nil, fmt.Errorf("models: create deployment: %w", err)
	}
	return d, nil
}

// deployVersions makes splits live and records it in the audit log.
func deployVersions(tx *gorm.DB, a Actor, svc *Service, env *Environment, trigger, message string, splits Splits) (*Deployment, error) {
	prev, err := liveDeployment(tx, env.ID)
	if err != nil {
		return nil, err
	}
	d, err := insertDeployment(tx, a, env, trigger, message, splits)
	if err != nil {
		return nil, err
	}
	if err := applyDOMigrations(tx, a, svc, env, splits); err != nil {
		return nil, fmt.Errorf("models: Durable Object migrations: %w", err)
	}
	before := ""
	if prev != nil {
		before = prev.Splits.String()
	}
	return d, audit(tx, a, "deployment.create", svc.Name, env.Name, "environment "+svc.Name+"/"+env.Name, before, splits.String()+" ("+trigger+")")
}

// String reads like "v3@90% v4@10%".
func (sp Splits) String() string {
	parts := make([]string, len(sp))
	for i, x := range sp {
		parts[i] = fmt.Sprintf("v%d@%d%%", x.Number, x.Percentage)
	}
	return strings.Join(parts, " ")
}

func liveDeployment(tx *gorm.DB, envID uint) (*Deployment, error) {
	var ds []Deployment
	if err := tx.Where("environment_id = ?", envID).Order("id DESC").Limit(1).Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("models: live deployment: %w", err)
	}
	if len(ds) == 0 {
		return nil, nil
	}
	return &ds[0], nil
}

// liveVersion is the version with the largest share of the live deployment, or nil.
func liveVersion(tx *gorm.DB, envID uint) (*Version, error) {
	d, err := liveDeployment(tx, envID)
	if err != nil || d == nil {
		return nil, err
	}
	best := d.Splits[0]
	for _, sp := range d.Splits[1:] {
		if sp.Percentage > best.Percentage {
			best = sp
		}
	}
	var v Version
	if err := tx.First(&v, best.VersionID).Error; err != nil {
		return nil, fmt.Errorf("models: live version: %w", err)
	}
	return &v, nil
}

// currentSettings are the settings that the next version of env builds on.
func currentSettings(tx *gorm.DB, env *Environment) (Settings, error) {
	v, err := liveVersion(tx, env.ID)
	if err != nil {
		return Settings{}, err
	}
	if v == nil {
		return env.Draft.clone(), nil
	}
	return v.Settings.clone(), nil
}

// ListVersions returns an environment's versions, newest first.
func (s *Store) ListVersions(ctx context.Context, service, env string) ([]Version, error) {
	db := s.read(ctx)
	_, e, err := findEnv(db, service, env)
	if err != nil {
		return nil, err
	}
	var vs []Version
	if err := db.Where("environment_id = ?", e.ID).Order("number DESC").Find(&vs).Error; err != nil {
		return nil, fmt.Errorf("models: list versions: %w", err)
	}
	return vs, nil
}

// GetVersion returns version number n of an environment.
func (s *Store) GetVersion(ctx context.Context, service, env string, n int) (*Version, error) {
	db := s.read(ctx)
	_, e, err := findEnv(db, service, env)
	if err != nil {
		return nil, err
	}
	return findVersion(db, service, e, n)
}

func findVersion(tx *gorm.DB, service string, env *Environment, n int) (*Version, error) {
	var v Version
	if err := tx.Where("environment_id = ? AND number = ?", env.ID, n).First(&v).Error; err != nil {
		return nil, notFound(err, "version %d of %s/%s not found", n, service, env.Name)
	}
	return &v, nil
}

// GetBundle returns a bundle by hash.
func (s *Store) GetBundle(ctx context.Context, hash string) (*Bundle, error) {
	var b Bundle
	if err := s.read(ctx).Where("hash = ?", hash).First(&b).Error; err != nil {
		return nil, notFound(err, "bundle %s not found", short(hash))
	}
	return &b, nil
}

// ListDeployments returns an environment's deployments, newest (live) first.
func (s *Store) ListDeployments(ctx context.Context, service, env string) ([]Deployment, error) {
	db := s.read(ctx)
	_, e, err := findEnv(db, service, env)
	if err != nil {
		return nil, err
	}
	var ds []Deployment
	if err := db.Where("environment_id = ?", e.ID).Order("id DESC").Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("models: list deployments: %w", err)
	}
	return ds, nil
}

// SplitInput asks for a version number to get a share of traffic.
type SplitInput struct {
	Number     int `json:"version"`
	Percentage int `json:"percentage"`
}

// Deploy makes one version live at 100%, or splits traffic between two.
func (s *Store) Deploy(ctx context.Context, a Actor, service, env string, in []SplitInput, message string) (*Deployment, error) {
	if err := validateSplits(in); err != nil {
		return nil, err
	}
	if err := validateMeta(message, ""); err != nil {
		return nil, err
	}
	var d *Deployment
	err := s.write(ctx, func(tx *gorm.DB) error {
		svc, e, err := findEnv(tx, service, env)
		if err != nil {
			return err
		}
		splits := make(Splits, 0, len(in))
		for _, x := range in {
			v, err := findVersion(tx, service, e, x.Number)
			if err != nil {
				return err
			}
			splits = append(splits, Split{VersionID: v.ID, Number: v.Number, Percentage: x.Percentage})
		}
		sort.SliceStable(splits, func(i, j int) bool { return splits[i].Percentage > splits[j].Percentage })
		d, err = deployVersions(tx, a, svc, e, "deployment", message, splits)
		return err
	})
	return d, err
}

func validateSplits(in []SplitInput) error {
	if len(in) == 0 || len(in) > 2 {
		return Errorf(EINVALID, "a deployment names one or two versions, got %d", len(in))
	}
	sum := 0
	for _, x := range in {
		if x.Percentage < 0 || x.Percentage > 100 {
			return Errorf(EINVALID, "percentage %d of version %d is out of range 0-100", x.Percentage, x.Number)
		}
		sum += x.Percentage
	}
	if len(in) == 2 && in[0].Number == in[1].Number {
		return Errorf(EINVALID, "version %d is named twice", in[0].Number)
	}
	if sum != 100 {
		return Errorf(EINVALID, "percentages add up to %d, not 100", sum)
	}
	return nil
}
