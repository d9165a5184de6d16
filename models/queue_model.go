package models

import "time"

// Queue is a message queue that producers send to and one environment consumes.
type Queue struct {
	ID        uint      `gorm:"primaryKey" json:"-"`
	Name      string    `gorm:"uniqueIndex;not null" json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// QueueMessage is a persisted message; it is stored before send() resolves and removed when acked.
type QueueMessage struct {
	ID          uint      `gorm:"primaryKey" json:"id"`
	QueueID     uint      `gorm:"index:idx_queue_visible;not null" json:"-"`
	Body        string    `gorm:"not null" json:"-"` // the runtime's serialised form
	ContentType string    `gorm:"not null" json:"content_type"`
	Attempts    int       `gorm:"not null" json:"attempts"`
	VisibleAt   int64     `gorm:"index:idx_queue_visible;not null" json:"visible_at"` // Unix ms: delayed, or leased to a consumer
	CreatedAt   time.Time `json:"timestamp"`
}

// QueueSendInput is one message to send.
type QueueSendInput struct {
	Body         string
	ContentType  string
	DelaySeconds int
}

// Queue limits, as Cloudflare's.
const (
	MaxQueueMessageBytes = 128 << 10
	MaxQueueBatch        = 100
	MaxQueueDelaySeconds = 12 * 60 * 60
	queueLease           = 30 * time.Second
)
