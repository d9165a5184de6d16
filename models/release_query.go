package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// Promote gives env `to` a new version running env `from`'s live bundle (same hash, nothing rebuilt)
// with `to`'s own settings, and deploys it at 100%.
func (s *Store) Promote(ctx context.Context, a Actor, service, from, to, message string) (*UploadResult, error) {
	if from == to {
		return nil, Errorf(EINVALID, "cannot promote %s to itself", from)
	}
	if err := validateMeta(message, ""); err != nil {
		return nil, err
	}
	res := &UploadResult{}
	err := s.write(ctx, func(tx *gorm.DB) error {
		svc, src, err := findEnv(tx, service, from)
		if err != nil {
			return err
		}
		_, dst, err := findEnv(tx, service, to)
		if err != nil {
			return err
		}
		sv, err := liveVersion(tx, src.ID)
		if err != nil {
			return err
		}
		if sv == nil {
			return Errorf(EINVALID, "environment %q of service %q has no deployed version to promote", from, service)
		}
		settings, err := currentSettings(tx, dst)
		if err != nil {
			return err
		}
		origin := fmt.Sprintf("%s@v%d", from, sv.Number)
		if message == "" {
			message = "Promoted from " + origin
		}
		v := &Version{Author: a.Name, Source: a.Source, TriggeredBy: "promotion", Message: message, Tag: sv.Tag,
			BundleHash: sv.BundleHash, PromotedFrom: origin, Settings: settings}
		if err := insertVersion(tx, dst, v); err != nil {
			return err
		}
		res.Version = v
		if err := audit(tx, a, "promote", service, to, versionResource(svc, dst, v), "",
			fmt.Sprintf("v%d runs bundle %s from %s", v.Number, short(v.BundleHash), origin)); err != nil {
			return err
		}
		res.Deployment, err = deployVersions(tx, a, svc, dst, "promotion", message, Splits{{VersionID: v.ID, Number: v.Number, Percentage: 100}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// RollbackInput asks to make an earlier version live again.
type RollbackInput struct {
	Service, Environment string
	Number               int // 0 means the version before the live one
	Message              string
	// Force restores the version's secrets even when they differ from the live version's.
	Force bool
}

// SecretsDiffer is the Details of the conflict Rollback returns without Force.
type SecretsDiffer struct {
	Version       int      `json:"version"`
	SecretsDiffer []string `json:"secrets_differ"`
}

// Rollback makes an earlier version of the environment live again at 100%: its code and settings exactly.
func (s *Store) Rollback(ctx context.Context, a Actor, in RollbackInput) (*UploadResult, error) {
	if err := validateMeta(in.Message, ""); err != nil {
		return nil, err
	}
	res := &UploadResult{}
	err := s.write(ctx, func(tx *gorm.DB) error {
		svc, env, err := findEnv(tx, in.Service, in.Environment)
		if err != nil {
			return err
		}
		live, err := liveVersion(tx, env.ID)
		if err != nil {
			return err
		}
		if live == nil {
			return Errorf(EINVALID, "%s/%s has no deployed version to roll back from", in.Service, in.Environment)
		}
		target, err := rollbackTarget(tx, in, env, live)
		if err != nil {
			return err
		}
		if diff := DifferingSecrets(target.Settings, live.Settings); len(diff) > 0 && !in.Force {
			return &Error{Code: ECONFLICT, Details: SecretsDiffer{Version: target.Number, SecretsDiffer: diff},
				Message: fmt.Sprintf("version %d has different secrets than the live version %d (%s); roll back with force to restore them",
					target.Number, live.Number, strings.Join(diff, ", "))}
		}
		msg := in.Message
		if msg == "" {
			msg = fmt.Sprintf("Rollback to v%d", target.Number)
		}
		res.Version = target
		if err := audit(tx, a, "rollback", svc.Name, env.Name, versionResource(svc, env, target),
			fmt.Sprintf("v%d", live.Number), fmt.Sprintf("v%d", target.Number)); err != nil {
			return err
		}
		res.Deployment, err = deployVersions(tx, a, svc, env, "rollback", msg, Splits{{VersionID: target.ID, Number: target.Number, Percentage: 100}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func rollbackTarget(tx *gorm.DB, in RollbackInput, env *Environment, live *Version) (*Version, error) {
	if in.Number == 0 {
		var vs []Version
		if err := tx.Where("environment_id = ? AND number < ?", env.ID, live.Number).Order("number DESC").Limit(1).Find(&vs).Error; err != nil {
			return nil, fmt.Errorf("models: find previous version: %w", err)
		}
		if len(vs) == 0 {
			return nil, Errorf(EINVALID, "%s/%s has no version before the live v%d", in.Service, in.Environment, live.Number)
		}
		return &vs[0], nil
	}
	if in.Number == live.Number {
		return nil, Errorf(EINVALID, "version %d is already live on %s/%s", in.Number, in.Service, in.Environment)
	}
	return findVersion(tx, in.Service, env, in.Number)
}

// UpdateSettings applies change to the environment's current settings. With a live version it creates
// and deploys a new version (same code, triggered by "settings"); without one it updates the draft.
func (s *Store) UpdateSettings(ctx context.Context, a Actor, service, env, trigger, message string, change func(*Settings) error) (*UploadResult, error) {
	res := &UploadResult{}
	err := s.write(ctx, func(tx *gorm.DB) error {
		svc, e, err := findEnv(tx, service, env)
		if err != nil {
			return err
		}
		res.Version, res.Deployment, err = applySettings(tx, a, svc, e, trigger, message, change)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func applySettings(tx *gorm.DB, a Actor, svc *Service, env *Environment, trigger, message string, change func(*Settings) error) (*Version, *Deployment, error) {
	d, err := liveDeployment(tx, env.ID)
	if err != nil {
		return nil, nil, err
	}
	if d != nil && len(d.Splits) > 1 {
		return nil, nil, Errorf(ECONFLICT, "%s/%s is in a gradual deployment (%s); deploy one version at 100%% before changing settings", svc.Name, env.Name, d.Splits)
	}
	cur, err := currentSettings(tx, env)
	if err != nil {
		return nil, nil, err
	}
	if err := change(&cur); err != nil {
		return nil, nil, err
	}
	if err := cur.Validate(); err != nil {
		return nil, nil, err
	}
	if err := checkServiceBindings(tx, svc.Name, cur.Bindings); err != nil {
		return nil, nil, err
	}
	if err := ensureKVNamespaces(tx, a, cur.Bindings); err != nil {
		return nil, nil, err
	}
	if err := ensureQueues(tx, a, cur); err != nil {
		return nil, nil, err
	}
	if err := checkConsumers(tx, svc.Name, env.Name, cur); err != nil {
		return nil, nil, err
	}
	if err := ensureBuckets(tx, a, cur.Bindings); err != nil {
		return nil, nil, err
	}
	if d == nil {
		if err := tx.Model(env).Update("draft", cur).Error; err != nil {
			return nil, nil, fmt.Errorf("models: update draft settings: %w", err)
		}
		return nil, nil, nil
	}
	live, err := liveVersion(tx, env.ID)
	if err != nil {
		return nil, nil, err
	}
	v := &Version{Author: a.Name, Source: a.Source, TriggeredBy: trigger, Message: message, BundleHash: live.BundleHash, Settings: cur}
	if err := insertVersion(tx, env, v); err != nil {
		return nil, nil, err
	}
	dep, err := deployVersions(tx, a, svc, env, trigger, message, Splits{{VersionID: v.ID, Number: v.Number, Percentage: 100}})
	return v, dep, err
}

// CurrentSettings returns the settings the environment's next version builds on.
func (s *Store) CurrentSettings(ctx context.Context, service, env string) (Settings, error) {
	db := s.read(ctx)
	_, e, err := findEnv(db, service, env)
	if err != nil {
		return Settings{}, err
	}
	return currentSettings(db, e)
}
