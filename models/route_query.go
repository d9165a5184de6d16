package models

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"gorm.io/gorm"
)

var routeHostRe = regexp.MustCompile(`^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:[0-9]{1,5})?$`)

// NormaliseRoute checks a route pattern ("example.com/*", "*.example.com/api/*", "example.com/exact")
// and returns it in canonical form (no scheme, lowercase host).
func NormaliseRoute(pattern string) (string, error) {
	p := strings.TrimSpace(pattern)
	p = strings.TrimPrefix(strings.TrimPrefix(p, "https://"), "http://")
	slash := strings.IndexByte(p, '/')
	if slash < 0 {
		return "", Errorf(EINVALID, "route %q needs a path, e.g. %s/*", pattern, p)
	}
	host, path := strings.ToLower(p[:slash]), p[slash:]
	if !routeHostRe.MatchString(host) {
		return "", Errorf(EINVALID, "route %q: invalid host %q", pattern, host)
	}
	if i := strings.IndexByte(path, '*'); i >= 0 && i != len(path)-1 {
		return "", Errorf(EINVALID, "route %q: * is allowed only at the end of the path", pattern)
	}
	if strings.ContainsAny(path, "?# ") {
		return "", Errorf(EINVALID, "route %q: the path may not contain a query, fragment or space", pattern)
	}
	return host + path, nil
}

// RouteInfo is a route with the environment it serves.
type RouteInfo struct {
	Pattern     string `json:"pattern"`
	Service     string `json:"service"`
	Environment string `json:"environment"`
}

// ListRoutes returns routes, all of them or those of one service (and environment).
func (s *Store) ListRoutes(ctx context.Context, service, env string) ([]RouteInfo, error) {
	q := s.read(ctx).Table("routes").
		Select("routes.pattern, services.name AS service, environments.name AS environment").
		Joins("JOIN environments ON environments.id = routes.environment_id").
		Joins("JOIN services ON services.id = environments.service_id").Order("routes.pattern")
	if service != "" {
		if _, err := findService(s.read(ctx), service); err != nil {
			return nil, err
		}
		q = q.Where("services.name = ?", service)
	}
	if env != "" {
		q = q.Where("environments.name = ?", env)
	}
	out := []RouteInfo{}
	if err := q.Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list routes: %w", err)
	}
	return out, nil
}

// AddRoute attaches a route to an environment; a pattern already attached anywhere is a conflict.
func (s *Store) AddRoute(ctx context.Context, a Actor, service, env, pattern string) (string, error) {
	p, err := NormaliseRoute(pattern)
	if err != nil {
		return "", err
	}
	return p, s.write(ctx, func(tx *gorm.DB) error {
		svc, e, err := findEnv(tx, service, env)
		if err != nil {
			return err
		}
		return insertRoute(tx, a, svc, e, p)
	})
}

func insertRoute(tx *gorm.DB, a Actor, svc *Service, env *Environment, p string) error {
	var owner []RouteInfo
	tx.Table("routes").Select("services.name AS service, environments.name AS environment").
		Joins("JOIN environments ON environments.id = routes.environment_id").
		Joins("JOIN services ON services.id = environments.service_id").Where("routes.pattern = ?", p).Scan(&owner)
	if len(owner) > 0 {
		return Errorf(ECONFLICT, "route %s is already attached to %s/%s", p, owner[0].Service, owner[0].Environment)
	}
	if err := tx.Create(&Route{Pattern: p, EnvironmentID: env.ID}).Error; err != nil {
		return fmt.Errorf("models: add route: %w", err)
	}
	return audit(tx, a, "route.add", svc.Name, env.Name, "route "+p, "", "attached to "+svc.Name+"/"+env.Name)
}

// DeleteRoute detaches a route from an environment.
func (s *Store) DeleteRoute(ctx context.Context, a Actor, service, env, pattern string) error {
	p, err := NormaliseRoute(pattern)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		svc, e, err := findEnv(tx, service, env)
		if err != nil {
			return err
		}
		r := tx.Where("pattern = ? AND environment_id = ?", p, e.ID).Delete(&Route{})
		if r.Error != nil {
			return fmt.Errorf("models: delete route: %w", r.Error)
		}
		if r.RowsAffected == 0 {
			return Errorf(ENOTFOUND, "route %s is not attached to %s/%s", p, service, env)
		}
		return audit(tx, a, "route.delete", svc.Name, e.Name, "route "+p, "attached to "+svc.Name+"/"+e.Name, "detached")
	})
}

// replaceRoutes makes env's routes exactly patterns.
func replaceRoutes(tx *gorm.DB, a Actor, svc *Service, env *Environment, patterns []string) error {
	want := map[string]bool{}
	for _, raw := range patterns {
		p, err := NormaliseRoute(raw)
		if err != nil {
			return err
		}
		want[p] = true
	}
	var have []Route
	if err := tx.Where("environment_id = ?", env.ID).Find(&have).Error; err != nil {
		return fmt.Errorf("models: list routes: %w", err)
	}
	for _, r := range have {
		if want[r.Pattern] {
			delete(want, r.Pattern)
			continue
		}
		if err := tx.Delete(&r).Error; err != nil {
			return fmt.Errorf("models: delete route: %w", err)
		}
		if err := audit(tx, a, "route.delete", svc.Name, env.Name, "route "+r.Pattern, "attached", "detached"); err != nil {
			return err
		}
	}
	for p := range want {
		if err := insertRoute(tx, a, svc, env, p); err != nil {
			return err
		}
	}
	return nil
}

func routesByEnv(db *gorm.DB) (map[uint][]string, error) {
	var rs []Route
	if err := db.Order("pattern").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("models: list routes: %w", err)
	}
	m := map[uint][]string{}
	for _, r := range rs {
		m[r.EnvironmentID] = append(m[r.EnvironmentID], r.Pattern)
	}
	return m, nil
}
