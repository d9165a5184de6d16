package models

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"
)

// EnvironmentSummary is an environment with what is live on it.
type EnvironmentSummary struct {
	Name           string     `json:"name"`
	CreatedAt      time.Time  `json:"created_at"`
	Live           Splits     `json:"live"`
	LastDeployedAt *time.Time `json:"last_deployed_at"`
	Routes         []string   `json:"routes"`
}

// ServiceSummary is a service with its environments, production first.
type ServiceSummary struct {
	Name         string               `json:"name"`
	CreatedAt    time.Time            `json:"created_at"`
	Environments []EnvironmentSummary `json:"environments"`
}

func findService(tx *gorm.DB, name string) (*Service, error) {
	var svc Service
	if err := tx.Where("name = ?", name).First(&svc).Error; err != nil {
		return nil, notFound(err, "service %q not found", name)
	}
	return &svc, nil
}

func findEnv(tx *gorm.DB, service, env string) (*Service, *Environment, error) {
	svc, err := findService(tx, service)
	if err != nil {
		return nil, nil, err
	}
	var e Environment
	if err := tx.Where("service_id = ? AND name = ?", svc.ID, env).First(&e).Error; err != nil {
		return nil, nil, notFound(err, "environment %q of service %q not found", env, service)
	}
	return svc, &e, nil
}

// ensureEnv finds or creates the service and environment, as a first deploy does.
func ensureEnv(tx *gorm.DB, a Actor, service, env string) (*Service, *Environment, error) {
	if err := ValidateName("service", service); err != nil {
		return nil, nil, err
	}
	if err := ValidateName("environment", env); err != nil {
		return nil, nil, err
	}
	svc, err := findService(tx, service)
	if ErrorCode(err) == ENOTFOUND {
		svc, err = createService(tx, a, service)
	}
	if err != nil {
		return nil, nil, err
	}
	var e Environment
	err = tx.Where("service_id = ? AND name = ?", svc.ID, env).First(&e).Error
	if err == nil {
		return svc, &e, nil
	}
	if err != gorm.ErrRecordNotFound {
		return nil, nil, fmt.Errorf("models: find environment: %w", err)
	}
	created, err := insertEnv(tx, a, svc, env)
	return svc, created, err
}

func createService(tx *gorm.DB, a Actor, name string) (*Service, error) {
	svc := Service{Name: name}
	if err := tx.Create(&svc).Error; err != nil {
		if isUniqueViolation(err) {
			return nil, Errorf(ECONFLICT, "service %q already exists", name)
		}
		return nil, fmt.Errorf("models: create service %q: %w", name, err)
	}
	if _, err := insertEnv(tx, a, &svc, ProductionEnvName); err != nil {
		return nil, err
	}
	return &svc, audit(tx, a, "service.create", name, "", "service "+name, "", "created with environment production")
}

func insertEnv(tx *gorm.DB, a Actor, svc *Service, name string) (*Environment, error) {
	e := Environment{ServiceID: svc.ID, Name: name, Draft: Settings{CompatibilityDate: DefaultCompatDate}}
	if err := tx.Create(&e).Error; err != nil {
		if isUniqueViolation(err) {
			return nil, Errorf(ECONFLICT, "environment %q of service %q already exists", name, svc.Name)
		}
		return nil, fmt.Errorf("models: create environment %q: %w", name, err)
	}
	return &e, audit(tx, a, "environment.create", svc.Name, name, "environment "+svc.Name+"/"+name, "", "created blank")
}

// CreateService creates a service with its production environment.
func (s *Store) CreateService(ctx context.Context, a Actor, name string) (*Service, error) {
	if err := ValidateName("service", name); err != nil {
		return nil, err
	}
	var svc *Service
	err := s.write(ctx, func(tx *gorm.DB) (err error) {
		svc, err = createService(tx, a, name)
		return err
	})
	return svc, err
}

// DeleteService removes a service, all its environments, versions, secrets and routes.
// It refuses while another service's live version binds to it.
func (s *Store) DeleteService(ctx context.Context, a Actor, name string) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		svc, err := findService(tx, name)
		if err != nil {
			return err
		}
		if err := refuseIfBound(tx, name, ""); err != nil {
			return err
		}
		if err := tx.Where("service_id = ?", svc.ID).Delete(&Environment{}).Error; err != nil {
			return fmt.Errorf("models: delete service %q: %w", name, err)
		}
		if err := tx.Delete(svc).Error; err != nil {
			return fmt.Errorf("models: delete service %q: %w", name, err)
		}
		return audit(tx, a, "service.delete", name, "", "service "+name, "existed", "deleted")
	})
}

// GetService returns a service with its environments.
func (s *Store) GetService(ctx context.Context, name string) (*ServiceSummary, error) {
	all, err := s.ListServices(ctx, name)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, Errorf(ENOTFOUND, "service %q not found", name)
	}
	return &all[0], nil
}

// ListServices returns every service (or only the one named) with environments and live versions.
func (s *Store) ListServices(ctx context.Context, only string) ([]ServiceSummary, error) {
	db := s.read(ctx)
	var svcs []Service
	q := db.Order("name")
	if only != "" {
		q = q.Where("name = ?", only)
	}
	if err := q.Preload("Environments").Find(&svcs).Error; err != nil {
		return nil, fmt.Errorf("models: list services: %w", err)
	}
	live, err := liveDeployments(db)
	if err != nil {
		return nil, err
	}
	routes, err := routesByEnv(db)
	if err != nil {
		return nil, err
	}
	out := make([]ServiceSummary, 0, len(svcs))
	for _, svc := range svcs {
		sum := ServiceSummary{Name: svc.Name, CreatedAt: svc.CreatedAt}
		for _, e := range svc.Environments {
			es := EnvironmentSummary{Name: e.Name, CreatedAt: e.CreatedAt, Routes: routes[e.ID], Live: Splits{}}
			if d, ok := live[e.ID]; ok {
				es.Live, es.LastDeployedAt = d.Splits, &d.CreatedAt
			}
			if es.Routes == nil {
				es.Routes = []string{}
			}
			sum.Environments = append(sum.Environments, es)
		}
		sortEnvSummaries(sum.Environments)
		out = append(out, sum)
	}
	return out, nil
}

func sortEnvSummaries(envs []EnvironmentSummary) {
	sort.Slice(envs, func(i, j int) bool {
		if (envs[i].Name == ProductionEnvName) != (envs[j].Name == ProductionEnvName) {
			return envs[i].Name == ProductionEnvName
		}
		return envs[i].Name < envs[j].Name
	})
}

// liveDeployments maps environment id to its newest deployment.
func liveDeployments(db *gorm.DB) (map[uint]Deployment, error) {
	var ds []Deployment
	err := db.Where("id IN (SELECT MAX(id) FROM deployments GROUP BY environment_id)").Find(&ds).Error
	if err != nil {
		return nil, fmt.Errorf("models: live deployments: %w", err)
	}
	m := make(map[uint]Deployment, len(ds))
	for _, d := range ds {
		m[d.EnvironmentID] = d
	}
	return m, nil
}
