package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// LiveSplit is a version serving a share of an environment's traffic.
type LiveSplit struct {
	Version    Version
	Percentage int
}

// LiveEnvironment is what the gateway needs to route to one environment.
type LiveEnvironment struct {
	Service       string
	Environment   string
	EnvironmentID uint
	Splits        []LiveSplit // empty while nothing is deployed
	Routes        []string
}

// Live returns every environment with its live versions and routes: the gateway's routing snapshot.
func (s *Store) Live(ctx context.Context) ([]LiveEnvironment, error) {
	return allLive(s.read(ctx))
}

func allLive(db *gorm.DB) ([]LiveEnvironment, error) {
	var svcs []Service
	if err := db.Preload("Environments").Find(&svcs).Error; err != nil {
		return nil, fmt.Errorf("models: live services: %w", err)
	}
	deps, err := liveDeployments(db)
	if err != nil {
		return nil, err
	}
	routes, err := routesByEnv(db)
	if err != nil {
		return nil, err
	}
	var ids []uint
	for _, d := range deps {
		for _, sp := range d.Splits {
			ids = append(ids, sp.VersionID)
		}
	}
	versions := map[uint]Version{}
	if len(ids) > 0 {
		var vs []Version
		if err := db.Where("id IN ?", ids).Find(&vs).Error; err != nil {
			return nil, fmt.Errorf("models: live versions: %w", err)
		}
		for _, v := range vs {
			versions[v.ID] = v
		}
	}
	var out []LiveEnvironment
	for _, svc := range svcs {
		for _, e := range svc.Environments {
			le := LiveEnvironment{Service: svc.Name, Environment: e.Name, EnvironmentID: e.ID, Routes: routes[e.ID]}
			for _, sp := range deps[e.ID].Splits {
				le.Splits = append(le.Splits, LiveSplit{Version: versions[sp.VersionID], Percentage: sp.Percentage})
			}
			out = append(out, le)
		}
	}
	return out, nil
}
