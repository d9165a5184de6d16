package models

import "time"

// R2Bucket is an object store that environments bind by name.
type R2Bucket struct {
	ID        uint      `gorm:"primaryKey" json:"-"`
	Name      string    `gorm:"uniqueIndex;not null" json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// R2Object is an object's metadata; its body is the file Blob in the blob directory.
type R2Object struct {
	BucketID       uint      `gorm:"primaryKey;autoIncrement:false" json:"-"`
	Key            string    `gorm:"primaryKey" json:"key"`
	Size           int64     `gorm:"not null" json:"size"`
	ETag           string    `gorm:"not null" json:"etag"` // hex MD5 of the body
	SHA256         string    `gorm:"not null" json:"sha256"`
	Version        string    `gorm:"not null" json:"version"`
	Uploaded       time.Time `gorm:"not null" json:"uploaded"`
	HTTPMetadata   string    `gorm:"type:text;not null" json:"-"` // JSON object
	CustomMetadata string    `gorm:"type:text;not null" json:"-"` // JSON object
	Blob           string    `gorm:"not null" json:"-"`
}

// R2Conditional is put/get's onlyIf.
type R2Conditional struct {
	EtagMatches, EtagDoesNotMatch string
	UploadedBefore, UploadedAfter *time.Time
}

// R2PutOptions are put()'s options; MD5 and SHA256 are expected hex digests.
type R2PutOptions struct {
	HTTPMetadata, CustomMetadata string // JSON objects, or ""
	MD5, SHA256                  string
	OnlyIf                       *R2Conditional
}

// R2ListOptions are list()'s options.
type R2ListOptions struct {
	Prefix, Delimiter, Cursor, StartAfter string
	Limit                                 int
}

// R2ListResult is one page of list().
type R2ListResult struct {
	Objects           []R2Object
	DelimitedPrefixes []string
	Truncated         bool
	Cursor            string
}

// R2 limits.
const (
	MaxR2KeyBytes    = 1024
	MaxR2ObjectBytes = 5 << 30
	MaxR2ListLimit   = 1000
)

// R2Upload is a multipart upload in progress; its parts are files in the bucket's blob directory.
type R2Upload struct {
	ID        string    `gorm:"primaryKey"`
	BucketID  uint      `gorm:"index;not null"`
	Key       string    `gorm:"not null"`
	Options   string    `gorm:"type:text;not null"` // JSON of the R2PutOptions metadata
	CreatedAt time.Time `gorm:"not null"`
}

// R2UploadPart is one uploaded part.
type R2UploadPart struct {
	UploadID   string `gorm:"primaryKey"`
	PartNumber int    `gorm:"primaryKey;autoIncrement:false"`
	ETag       string `gorm:"not null"`
	Size       int64  `gorm:"not null"`
	Blob       string `gorm:"not null"`
}

// R2Part names a part when completing an upload.
type R2Part struct {
	PartNumber int    `json:"partNumber"`
	ETag       string `json:"etag"`
}
