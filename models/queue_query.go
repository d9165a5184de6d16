package models

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

var queueNameRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

func validateQueueName(name string) error {
	if !queueNameRe.MatchString(name) {
		return Errorf(EINVALID, "invalid queue name %q: use 1-63 lowercase letters, digits and hyphens", name)
	}
	return nil
}

// CreateQueue creates a queue.
func (s *Store) CreateQueue(ctx context.Context, a Actor, name string) (*Queue, error) {
	if err := validateQueueName(name); err != nil {
		return nil, err
	}
	q := &Queue{Name: name}
	err := s.write(ctx, func(tx *gorm.DB) error {
		var n int64
		tx.Model(&Queue{}).Where("name = ?", name).Count(&n)
		if n > 0 {
			return Errorf(ECONFLICT, "queue %q already exists", name)
		}
		if err := tx.Create(q).Error; err != nil {
			return err
		}
		return audit(tx, a, "queue.create", "", "", "queue "+name, "", "created")
	})
	return q, err
}

// QueueInfo is a queue with its backlog.
type QueueInfo struct {
	Queue
	Messages int64 `json:"messages"`
}

// ListQueues returns every queue with how many messages wait in it.
func (s *Store) ListQueues(ctx context.Context) ([]QueueInfo, error) {
	out := []QueueInfo{}
	err := s.read(ctx).Table("queues").
		Select("queues.*, (SELECT COUNT(*) FROM queue_messages m WHERE m.queue_id = queues.id) AS messages").
		Order("name").Scan(&out).Error
	return out, err
}

// DeleteQueue deletes a queue and its messages.
func (s *Store) DeleteQueue(ctx context.Context, a Actor, name string) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var q Queue
		if err := tx.Where("name = ?", name).First(&q).Error; err != nil {
			return notFound(err, "queue %q not found", name)
		}
		if err := tx.Where("queue_id = ?", q.ID).Delete(&QueueMessage{}).Error; err != nil {
			return err
		}
		if err := tx.Delete(&q).Error; err != nil {
			return err
		}
		return audit(tx, a, "queue.delete", "", "", "queue "+name, "", "deleted")
	})
}

// checkConsumers refuses a consumer for a queue that another environment's live version consumes:
// a queue has one consumer.
func checkConsumers(tx *gorm.DB, service, env string, set Settings) error {
	if len(set.QueueConsumers) == 0 {
		return nil
	}
	live, err := allLive(tx)
	if err != nil {
		return err
	}
	for _, c := range set.QueueConsumers {
		for _, le := range live {
			if le.Service == service && le.Environment == env {
				continue
			}
			for _, sp := range le.Splits {
				for _, other := range sp.Version.Settings.QueueConsumers {
					if other.Queue == c.Queue {
						return Errorf(ECONFLICT, "queue %q is already consumed by %s/%s; a queue has one consumer", c.Queue, le.Service, le.Environment)
					}
				}
			}
		}
	}
	return nil
}

// ensureQueues creates the queues that bindings and consumers name, inside a deploy.
func ensureQueues(tx *gorm.DB, a Actor, set Settings) error {
	var names []string
	for _, b := range set.Bindings {
		if b.Type == BindingQueue {
			names = append(names, b.QueueName)
		}
	}
	for _, c := range set.QueueConsumers {
		names = append(names, c.Queue)
		if c.DeadLetterQueue != "" {
			names = append(names, c.DeadLetterQueue)
		}
	}
	for _, n := range names {
		if err := validateQueueName(n); err != nil {
			return err
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&Queue{Name: n})
		if res.Error != nil {
			return fmt.Errorf("models: create queue: %w", res.Error)
		}
		if res.RowsAffected > 0 {
			if err := audit(tx, a, "queue.create", "", "", "queue "+n, "", "created on deploy"); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) queueID(ctx context.Context, name string) (uint, error) {
	var q Queue
	if err := s.read(ctx).Where("name = ?", name).First(&q).Error; err != nil {
		return 0, notFound(err, "queue %q not found", name)
	}
	return q.ID, nil
}

// QueueSend persists messages in one transaction; when it returns, they will be delivered.
func (s *Store) QueueSend(ctx context.Context, queue string, msgs []QueueSendInput) error {
	if len(msgs) > MaxQueueBatch {
		return Errorf(EINVALID, "a batch holds at most %d messages", MaxQueueBatch)
	}
	id, err := s.queueID(ctx, queue)
	if err != nil {
		return err
	}
	now := time.Now()
	rows := make([]QueueMessage, len(msgs))
	for i, m := range msgs {
		if len(m.Body) > MaxQueueMessageBytes {
			return Errorf(ETOOLARGE, "queue message is %d bytes; messages are at most %d bytes", len(m.Body), MaxQueueMessageBytes)
		}
		if m.DelaySeconds < 0 || m.DelaySeconds > MaxQueueDelaySeconds {
			return Errorf(EINVALID, "delaySeconds must be between 0 and %d", MaxQueueDelaySeconds)
		}
		rows[i] = QueueMessage{QueueID: id, Body: m.Body, ContentType: m.ContentType, CreatedAt: now,
			VisibleAt: now.Add(time.Duration(m.DelaySeconds) * time.Second).UnixMilli()}
	}
	if len(rows) == 0 {
		return nil
	}
	if err := s.read(ctx).Create(&rows).Error; err != nil {
		return fmt.Errorf("models: queue send: %w", err)
	}
	return nil
}

// QueueReceive leases up to max visible messages to a consumer; unacked, they come back after the lease.
func (s *Store) QueueReceive(ctx context.Context, queue string, max int) ([]QueueMessage, error) {
	id, err := s.queueID(ctx, queue)
	if err != nil {
		return nil, err
	}
	var out []QueueMessage
	now := time.Now()
	err = s.read(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("queue_id = ? AND visible_at <= ?", id, now.UnixMilli()).Order("id").Limit(max).Find(&out).Error; err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		ids := make([]uint, len(out))
		for i, m := range out {
			ids[i] = m.ID
		}
		return tx.Model(&QueueMessage{}).Where("id IN ?", ids).Updates(map[string]any{
			"visible_at": now.Add(queueLease).UnixMilli(), "attempts": gorm.Expr("attempts + 1")}).Error
	})
	for i := range out {
		out[i].Attempts++
	}
	return out, err
}

// QueueAck removes delivered messages.
func (s *Store) QueueAck(ctx context.Context, ids []uint) error {
	if len(ids) == 0 {
		return nil
	}
	return s.read(ctx).Where("id IN ?", ids).Delete(&QueueMessage{}).Error
}

// QueueRetry makes a message visible again after delay.
func (s *Store) QueueRetry(ctx context.Context, id uint, delay time.Duration) error {
	return s.read(ctx).Model(&QueueMessage{}).Where("id = ?", id).Update("visible_at", time.Now().Add(delay).UnixMilli()).Error
}

// QueueMove moves a message to another queue (a dead-letter queue), keeping its body.
func (s *Store) QueueMove(ctx context.Context, id uint, to string) error {
	qid, err := s.queueID(ctx, to)
	if err != nil {
		return err
	}
	return s.read(ctx).Model(&QueueMessage{}).Where("id = ?", id).
		Updates(map[string]any{"queue_id": qid, "attempts": 0, "visible_at": time.Now().UnixMilli()}).Error
}

// QueueVisible counts the messages a consumer could receive now.
func (s *Store) QueueVisible(ctx context.Context, queue string) (int64, error) {
	id, err := s.queueID(ctx, queue)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.read(ctx).Model(&QueueMessage{}).Where("queue_id = ? AND visible_at <= ?", id, time.Now().UnixMilli()).Count(&n).Error
	return n, err
}
