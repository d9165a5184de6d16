package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

func isUniqueViolation(err error) bool {
	return errors.Is(err, gorm.ErrDuplicatedKey) || strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// CreateEnvironment creates an environment, blank or cloned from another one. A clone starts with a
// copy of the source's live code and settings (secrets included) as its version 1, deployed.
func (s *Store) CreateEnvironment(ctx context.Context, a Actor, service, name, from string) (*Environment, error) {
	if err := ValidateName("environment", name); err != nil {
		return nil, err
	}
	var env *Environment
	err := s.write(ctx, func(tx *gorm.DB) error {
		svc, err := findService(tx, service)
		if err != nil {
			return err
		}
		var src *Environment
		if from != "" {
			if _, src, err = findEnv(tx, service, from); err != nil {
				return err
			}
		}
		if env, err = insertEnv(tx, a, svc, name); err != nil {
			return err
		}
		if src == nil {
			return nil
		}
		return cloneInto(tx, a, svc, src, env)
	})
	return env, err
}

// cloneInto copies src's live version (or its draft settings) into the new environment dst.
func cloneInto(tx *gorm.DB, a Actor, svc *Service, src, dst *Environment) error {
	live, err := liveVersion(tx, src.ID)
	if err != nil {
		return err
	}
	settings := src.Draft
	if live != nil {
		settings = live.Settings
	}
	settings = settings.clone()
	for i, ref := range settings.Secrets {
		var sv SecretValue
		if err := tx.First(&sv, ref.ValueID).Error; err != nil {
			return fmt.Errorf("models: clone secret %s: %w", ref.Name, err)
		}
		cp := SecretValue{EnvironmentID: dst.ID, Name: sv.Name, Ciphertext: sv.Ciphertext}
		if err := tx.Create(&cp).Error; err != nil {
			return fmt.Errorf("models: clone secret %s: %w", ref.Name, err)
		}
		settings.Secrets[i].ValueID = cp.ID
	}
	if live == nil {
		dst.Draft = settings
		if err := tx.Model(dst).Update("draft", settings).Error; err != nil {
			return fmt.Errorf("models: clone settings: %w", err)
		}
		return audit(tx, a, "environment.clone", svc.Name, dst.Name, "environment "+svc.Name+"/"+dst.Name, "", "settings cloned from "+src.Name+" (no code yet)")
	}
	v := &Version{Author: a.Name, Source: a.Source, TriggeredBy: "clone", BundleHash: live.BundleHash,
		Message: fmt.Sprintf("Cloned from %s@v%d", src.Name, live.Number), Settings: settings}
	if err := insertVersion(tx, dst, v); err != nil {
		return err
	}
	if _, err := insertDeployment(tx, a, dst, "clone", v.Message, Splits{{VersionID: v.ID, Number: v.Number, Percentage: 100}}); err != nil {
		return err
	}
	return audit(tx, a, "environment.clone", svc.Name, dst.Name, "environment "+svc.Name+"/"+dst.Name, "",
		fmt.Sprintf("v1 cloned from %s@v%d (bundle %s)", src.Name, live.Number, short(live.BundleHash)))
}

// RenameEnvironment renames an environment; its hostname follows. Production keeps its name.
func (s *Store) RenameEnvironment(ctx context.Context, a Actor, service, oldName, newName string) error {
	if oldName == ProductionEnvName {
		return Errorf(EINVALID, "the production environment cannot be renamed")
	}
	if err := ValidateName("environment", newName); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		_, env, err := findEnv(tx, service, oldName)
		if err != nil {
			return err
		}
		if err := refuseIfBound(tx, service, oldName); err != nil {
			return err
		}
		// Durable Object storage is filed under "service/env/class", and idFromName derives ids from
		// "service/env": under a new name the objects would start empty, their data stranded.
		prefix := service + "/" + oldName + "/"
		var objects int64
		if err := tx.Model(&DOEntry{}).Where("substr(namespace, 1, ?) = ?", len(prefix), prefix).
			Distinct("namespace", "object_id").Count(&objects).Error; err != nil {
			return fmt.Errorf("models: rename environment: %w", err)
		}
		if objects > 0 {
			return Errorf(ECONFLICT, "environment %q of service %q holds the storage of %d Durable Object(s), which is kept under its name: "+
				"renaming it would leave them empty under the new one. Create a new environment from it instead (weft env create NAME --from %s)",
				oldName, service, objects, oldName)
		}
		if err := tx.Model(env).Update("name", newName).Error; err != nil {
			if isUniqueViolation(err) {
				return Errorf(ECONFLICT, "environment %q of service %q already exists", newName, service)
			}
			return fmt.Errorf("models: rename environment: %w", err)
		}
		return audit(tx, a, "environment.rename", service, newName, "environment "+service+"/"+newName, oldName, newName)
	})
}

// DeleteEnvironment deletes a non-production environment with its versions, secrets and routes.
func (s *Store) DeleteEnvironment(ctx context.Context, a Actor, service, name string) error {
	if name == ProductionEnvName {
		return Errorf(EINVALID, "the production environment cannot be deleted (delete the service instead)")
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		_, env, err := findEnv(tx, service, name)
		if err != nil {
			return err
		}
		if err := refuseIfBound(tx, service, name); err != nil {
			return err
		}
		if err := tx.Delete(env).Error; err != nil {
			return fmt.Errorf("models: delete environment: %w", err)
		}
		return audit(tx, a, "environment.delete", service, name, "environment "+service+"/"+name, "existed", "deleted")
	})
}

// refuseIfBound refuses to remove service/env (env "" means any of its environments) while the live
// version of another environment binds to it.
func refuseIfBound(tx *gorm.DB, service, env string) error {
	live, err := allLive(tx)
	if err != nil {
		return err
	}
	var users []string
	for _, le := range live {
		if le.Service == service && (env == "" || le.Environment == env) {
			continue
		}
		for _, sp := range le.Splits {
			for _, b := range sp.Version.Settings.Bindings {
				target := b.Environment
				if target == "" {
					target = ProductionEnvName
				}
				if b.Type == BindingService && b.Service == service && (env == "" || target == env) {
					users = append(users, fmt.Sprintf("%s/%s (binding %s)", le.Service, le.Environment, b.Name))
				}
			}
		}
	}
	if len(users) > 0 {
		what := service
		if env != "" {
			what = service + "/" + env
		}
		return Errorf(ECONFLICT, "%s is used by service bindings of %s; change those first", what, strings.Join(users, ", "))
	}
	return nil
}

// ListEnvironments returns a service's environments, production first.
func (s *Store) ListEnvironments(ctx context.Context, service string) ([]EnvironmentSummary, error) {
	svc, err := s.GetService(ctx, service)
	if err != nil {
		return nil, err
	}
	return svc.Environments, nil
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}
