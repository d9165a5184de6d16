package models

// DOEntry is one key of a Durable Object's storage. Namespace is "<service>/<environment>/<class>";
// values are the runtime's serialised form.
type DOEntry struct {
	Namespace string `gorm:"primaryKey"`
	ObjectID  string `gorm:"primaryKey"`
	Key       string `gorm:"primaryKey"`
	Value     string `gorm:"not null"`
}

// DOAlarm is an object's scheduled alarm (one per object), in Unix milliseconds.
type DOAlarm struct {
	Namespace string `gorm:"primaryKey"`
	ObjectID  string `gorm:"primaryKey"`
	Time      int64  `gorm:"index;not null"`
	Attempts  int    `gorm:"not null"`
}

// DOListOptions selects keys for storage.list().
type DOListOptions struct {
	Start, StartAfter, End, Prefix string
	Reverse                        bool
	Limit                          int // 0: no limit
}

// DOMigrationTag records a [[migrations]] tag applied to an environment's Durable Objects.
type DOMigrationTag struct {
	EnvironmentID uint   `gorm:"primaryKey;autoIncrement:false"`
	Tag           string `gorm:"primaryKey"`
}
