package models

import (
	"context"
	"sort"
)

// ServiceEdge is a service binding from one live environment to another service's environment.
type ServiceEdge struct {
	FromService string `json:"from_service"`
	FromEnv     string `json:"from_environment"`
	Binding     string `json:"binding"`
	ToService   string `json:"to_service"`
	ToEnv       string `json:"to_environment"`
}

// ServiceGraph returns the service bindings of every live version: the dependency graph of services.
func (s *Store) ServiceGraph(ctx context.Context) ([]ServiceEdge, error) {
	live, err := s.Live(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[ServiceEdge]bool{}
	out := []ServiceEdge{}
	for _, le := range live {
		for _, sp := range le.Splits {
			for _, b := range sp.Version.Settings.Bindings {
				if b.Type != BindingService {
					continue
				}
				e := ServiceEdge{FromService: le.Service, FromEnv: le.Environment, Binding: b.Name, ToService: b.Service, ToEnv: b.Environment}
				if e.ToEnv == "" {
					e.ToEnv = ProductionEnvName
				}
				if !seen[e] {
					seen[e] = true
					out = append(out, e)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.FromService != b.FromService {
			return a.FromService < b.FromService
		}
		if a.FromEnv != b.FromEnv {
			return a.FromEnv < b.FromEnv
		}
		return a.Binding < b.Binding
	})
	return out, nil
}
