package models

import (
	"context"
	"fmt"
	"time"
)

// AuditFilter narrows the audit log; zero fields match everything.
type AuditFilter struct {
	Actor   string
	Service string
	Action  string // exact, or a prefix ending in "." such as "secret."
	Since   time.Time
	Until   time.Time
	Limit   int // default 100, at most 1000
}

// ListAudit returns audit events, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEvent, error) {
	q := s.read(ctx).Order("id DESC")
	if f.Actor != "" {
		q = q.Where("actor = ?", f.Actor)
	}
	if f.Service != "" {
		q = q.Where("service = ?", f.Service)
	}
	if f.Action != "" {
		if f.Action[len(f.Action)-1] == '.' {
			q = q.Where("action LIKE ?", f.Action+"%")
		} else {
			q = q.Where("action = ?", f.Action)
		}
	}
	if !f.Since.IsZero() {
		q = q.Where("created_at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("created_at < ?", f.Until.UTC())
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	if f.Limit > 1000 {
		f.Limit = 1000
	}
	out := []AuditEvent{}
	if err := q.Limit(f.Limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list audit: %w", err)
	}
	return out, nil
}

// Audit records an event that is not part of another change, such as a KV key written by a person.
func (s *Store) Audit(ctx context.Context, a Actor, action, resource, after string) error {
	return audit(s.read(ctx), a, action, "", "", resource, "", after)
}
