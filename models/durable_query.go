package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Durable Object storage: the runtime keeps one live instance per object and calls these from it, so
// an object's operations never race each other.

// DOGet returns the stored values of keys that exist.
func (s *Store) DOGet(ctx context.Context, ns, id string, keys []string) (map[string]string, error) {
	var rows []DOEntry
	if err := s.read(ctx).Where("namespace = ? AND object_id = ? AND key IN ?", ns, id, keys).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: durable get: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Key] = r.Value
	}
	return out, nil
}

// DOWrite commits an object's writes atomically: puts (key → value) and deletes. The runtime
// gathers every write its objects made since the last commit into one call. The statements are
// prepared (hotStatements), as an object may write on every request.
func (s *Store) DOWrite(ctx context.Context, ns, id string, puts map[string]string, deletes []string) error {
	if err := s.doWrite(ctx, ns, id, puts, deletes); err != nil {
		return fmt.Errorf("models: durable write: %w", err)
	}
	return nil
}

func (s *Store) doWrite(ctx context.Context, ns, id string, puts map[string]string, deletes []string) error {
	if len(deletes) == 0 && len(puts) <= 1 { // one statement is atomic on its own: no BEGIN and COMMIT
		for k, v := range puts {
			_, err := s.hot.doPut.ExecContext(ctx, ns, id, k, v)
			return err
		}
		return nil
	}
	tx, err := s.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // after Commit, a no-op
	del, put := tx.StmtContext(ctx, s.hot.doDelete), tx.StmtContext(ctx, s.hot.doPut)
	for _, k := range deletes {
		if _, err := del.ExecContext(ctx, ns, id, k); err != nil {
			return err
		}
	}
	for k, v := range puts {
		if _, err := put.ExecContext(ctx, ns, id, k, v); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// DODeleteAll deletes an object's storage and its alarm.
func (s *Store) DODeleteAll(ctx context.Context, ns, id string) error {
	return s.read(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("namespace = ? AND object_id = ?", ns, id).Delete(&DOEntry{}).Error; err != nil {
			return err
		}
		return tx.Where("namespace = ? AND object_id = ?", ns, id).Delete(&DOAlarm{}).Error
	})
}

// DOList returns keys and values in key order (reversed with Reverse), as storage.list() selects them.
func (s *Store) DOList(ctx context.Context, ns, id string, o DOListOptions) ([][2]string, error) {
	q := s.read(ctx).Where("namespace = ? AND object_id = ?", ns, id)
	if o.Prefix != "" {
		q = q.Where("key >= ? AND key < ?", o.Prefix, o.Prefix+"\U0010FFFF")
	}
	if o.Start != "" {
		q = q.Where("key >= ?", o.Start)
	}
	if o.StartAfter != "" {
		q = q.Where("key > ?", o.StartAfter)
	}
	if o.End != "" {
		q = q.Where("key < ?", o.End)
	}
	order := "key"
	if o.Reverse {
		order = "key DESC"
	}
	q = q.Order(order)
	if o.Limit > 0 {
		q = q.Limit(o.Limit)
	}
	var rows []DOEntry
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: durable list: %w", err)
	}
	out := make([][2]string, len(rows))
	for i, r := range rows {
		out[i] = [2]string{r.Key, r.Value}
	}
	return out, nil
}

// DOGetAlarm returns the object's alarm time in Unix milliseconds, or 0.
func (s *Store) DOGetAlarm(ctx context.Context, ns, id string) (int64, error) {
	var a DOAlarm
	res := s.read(ctx).Where("namespace = ? AND object_id = ?", ns, id).Limit(1).Find(&a)
	if res.Error != nil {
		return 0, fmt.Errorf("models: durable alarm: %w", res.Error)
	}
	return a.Time, nil
}

// DOSetAlarm sets (ms > 0) or clears (ms == 0) the object's alarm; attempts counts failed runs.
func (s *Store) DOSetAlarm(ctx context.Context, ns, id string, ms int64, attempts int) error {
	if ms == 0 {
		return s.read(ctx).Where("namespace = ? AND object_id = ?", ns, id).Delete(&DOAlarm{}).Error
	}
	a := DOAlarm{Namespace: ns, ObjectID: id, Time: ms, Attempts: attempts}
	return s.read(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&a).Error
}

// DOAlarms returns every scheduled alarm, to re-arm them when the server starts.
func (s *Store) DOAlarms(ctx context.Context) ([]DOAlarm, error) {
	var out []DOAlarm
	err := s.read(ctx).Order("time").Find(&out).Error
	return out, err
}

// applyDOMigrations runs the [[migrations]] of versions going live that the environment has not
// applied yet, in order: renamed classes keep their objects' storage under the new name, deleted
// classes lose it.
func applyDOMigrations(tx *gorm.DB, a Actor, svc *Service, env *Environment, splits Splits) error {
	ids := make([]uint, len(splits))
	for i, sp := range splits {
		ids[i] = sp.VersionID
	}
	var versions []Version
	if err := tx.Where("id IN ?", ids).Find(&versions).Error; err != nil {
		return err
	}
	prefix := svc.Name + "/" + env.Name + "/"
	for _, v := range versions {
		for _, m := range v.Settings.Migrations {
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&DOMigrationTag{EnvironmentID: env.ID, Tag: m.Tag})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				continue // applied before
			}
			for _, r := range m.RenamedClasses {
				for _, model := range []any{&DOEntry{}, &DOAlarm{}} {
					if err := tx.Model(model).Where("namespace = ?", prefix+r.From).Update("namespace", prefix+r.To).Error; err != nil {
						return err
					}
				}
			}
			for _, c := range m.DeletedClasses {
				for _, model := range []any{&DOEntry{}, &DOAlarm{}} {
					if err := tx.Where("namespace = ?", prefix+c).Delete(model).Error; err != nil {
						return err
					}
				}
			}
			if err := audit(tx, a, "durable.migration", svc.Name, env.Name, "migration "+m.Tag, "", migrationSummary(m)); err != nil {
				return err
			}
		}
	}
	return nil
}

func migrationSummary(m DOMigration) string {
	var parts []string
	for _, c := range append(m.NewClasses, m.NewSqliteClasses...) {
		parts = append(parts, "new "+c)
	}
	for _, r := range m.RenamedClasses {
		parts = append(parts, "renamed "+r.From+" → "+r.To)
	}
	for _, c := range m.DeletedClasses {
		parts = append(parts, "deleted "+c)
	}
	return strings.Join(parts, ", ")
}
