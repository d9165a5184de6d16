package models

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SetBlobDir sets where object bodies live (<data>/r2); R2 calls fail until it is set.
func (s *Store) SetBlobDir(dir string) { s.blobDir = dir }

var bucketNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

func validateBucketName(name string) error {
	if !bucketNameRe.MatchString(name) {
		return Errorf(EINVALID, "invalid R2 bucket name %q: use 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit", name)
	}
	return nil
}

// CreateR2Bucket creates a bucket.
func (s *Store) CreateR2Bucket(ctx context.Context, a Actor, name string) (*R2Bucket, error) {
	if err := validateBucketName(name); err != nil {
		return nil, err
	}
	b := &R2Bucket{Name: name}
	err := s.write(ctx, func(tx *gorm.DB) error {
		var n int64
		tx.Model(&R2Bucket{}).Where("name = ?", name).Count(&n)
		if n > 0 {
			return Errorf(ECONFLICT, "R2 bucket %q already exists", name)
		}
		if err := tx.Create(b).Error; err != nil {
			return err
		}
		return audit(tx, a, "r2.bucket.create", "", "", "r2 bucket "+name, "", "created")
	})
	return b, err
}

// ensureBuckets creates the buckets that bindings name, inside a deploy.
func ensureBuckets(tx *gorm.DB, a Actor, bindings []Binding) error {
	for _, b := range bindings {
		if b.Type != BindingR2 {
			continue
		}
		if err := validateBucketName(b.BucketName); err != nil {
			return Errorf(EINVALID, "R2 binding %s: %s", b.Name, ErrorMessage(err))
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&R2Bucket{Name: b.BucketName})
		if res.Error != nil {
			return fmt.Errorf("models: create R2 bucket: %w", res.Error)
		}
		if res.RowsAffected > 0 {
			if err := audit(tx, a, "r2.bucket.create", "", "", "r2 bucket "+b.BucketName, "", "created for binding "+b.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// R2BucketInfo is a bucket with its object count and total size.
type R2BucketInfo struct {
	R2Bucket
	Objects int64 `json:"objects"`
	Bytes   int64 `json:"bytes"`
}

// ListR2Buckets returns every bucket with its size.
func (s *Store) ListR2Buckets(ctx context.Context) ([]R2BucketInfo, error) {
	out := []R2BucketInfo{}
	err := s.read(ctx).Table("r2_buckets").
		Select("r2_buckets.*, (SELECT COUNT(*) FROM r2_objects o WHERE o.bucket_id = r2_buckets.id) AS objects, " +
			"(SELECT COALESCE(SUM(size), 0) FROM r2_objects o WHERE o.bucket_id = r2_buckets.id) AS bytes").
		Order("name").Scan(&out).Error
	return out, err
}

// DeleteR2Bucket deletes an empty bucket.
func (s *Store) DeleteR2Bucket(ctx context.Context, a Actor, name string) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var b R2Bucket
		if err := tx.Where("name = ?", name).First(&b).Error; err != nil {
			return notFound(err, "R2 bucket %q not found", name)
		}
		var n int64
		tx.Model(&R2Object{}).Where("bucket_id = ?", b.ID).Count(&n)
		if n > 0 {
			return Errorf(ECONFLICT, "R2 bucket %q is not empty (%d objects); delete its objects first", name, n)
		}
		if err := tx.Delete(&b).Error; err != nil {
			return err
		}
		return audit(tx, a, "r2.bucket.delete", "", "", "r2 bucket "+name, "", "deleted")
	})
}

func (s *Store) bucket(ctx context.Context, name string) (*R2Bucket, error) {
	if s.blobDir == "" {
		return nil, fmt.Errorf("models: R2 blob directory is not set")
	}
	var b R2Bucket
	if err := s.read(ctx).Where("name = ?", name).First(&b).Error; err != nil {
		return nil, notFound(err, "R2 bucket %q not found", name)
	}
	return &b, nil
}

func validateR2Key(key string) error {
	if key == "" || len(key) > MaxR2KeyBytes || !utf8.ValidString(key) {
		return Errorf(EINVALID, "R2 keys are 1 to %d bytes of UTF-8", MaxR2KeyBytes)
	}
	return nil
}

func (c *R2Conditional) holds(o *R2Object) bool {
	if c == nil {
		return true
	}
	unq := func(s string) string { return strings.Trim(s, `"`) }
	if c.EtagMatches != "" && (o == nil || unq(c.EtagMatches) != o.ETag) {
		return false
	}
	if c.EtagDoesNotMatch != "" && o != nil && unq(c.EtagDoesNotMatch) == o.ETag {
		return false
	}
	if c.UploadedBefore != nil && (o == nil || !o.Uploaded.Before(*c.UploadedBefore)) {
		return false
	}
	if c.UploadedAfter != nil && (o == nil || !o.Uploaded.After(*c.UploadedAfter)) {
		return false
	}
	return true
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// R2Put stores body as key: streamed to a temp file while hashing, checked, renamed into place, then
// recorded; the old body is removed after. A failed onlyIf returns (nil, nil) and changes nothing.
func (s *Store) R2Put(ctx context.Context, bucket, key string, body io.Reader, opts R2PutOptions) (*R2Object, error) {
	if err := validateR2Key(key); err != nil {
		return nil, err
	}
	b, err := s.bucket(ctx, bucket)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(s.blobDir, fmt.Sprint(b.ID))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("models: R2 put: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return nil, fmt.Errorf("models: R2 put: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	m, h := md5.New(), sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, m, h), io.LimitReader(body, MaxR2ObjectBytes+1))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("models: R2 put: %w", err)
	}
	if n > MaxR2ObjectBytes {
		return nil, Errorf(ETOOLARGE, "R2 objects are at most %d bytes", int64(MaxR2ObjectBytes))
	}
	obj := &R2Object{BucketID: b.ID, Key: key, Size: n, ETag: hex.EncodeToString(m.Sum(nil)), SHA256: hex.EncodeToString(h.Sum(nil)),
		Version: randomHex(16), Uploaded: time.Now().UTC().Truncate(time.Millisecond), HTTPMetadata: orJSON(opts.HTTPMetadata),
		CustomMetadata: orJSON(opts.CustomMetadata), Blob: randomHex(16)}
	if opts.MD5 != "" && !strings.EqualFold(opts.MD5, obj.ETag) {
		return nil, Errorf(EINVALID, "The MD5 checksum you specified did not match what we received.")
	}
	if opts.SHA256 != "" && !strings.EqualFold(opts.SHA256, obj.SHA256) {
		return nil, Errorf(EINVALID, "The SHA-256 checksum you specified did not match what we received.")
	}
	var old *R2Object
	err = s.read(ctx).Transaction(func(tx *gorm.DB) error {
		var prev []R2Object
		if err := tx.Where("bucket_id = ? AND key = ?", b.ID, key).Limit(1).Find(&prev).Error; err != nil {
			return err
		}
		if len(prev) == 1 {
			old = &prev[0]
		}
		if !opts.OnlyIf.holds(old) {
			obj = nil
			return nil
		}
		if err := os.Rename(tmp.Name(), filepath.Join(dir, obj.Blob)); err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(obj).Error
	})
	if err != nil {
		if obj != nil {
			os.Remove(filepath.Join(dir, obj.Blob))
		}
		return nil, fmt.Errorf("models: R2 put: %w", err)
	}
	if obj != nil && old != nil {
		os.Remove(filepath.Join(dir, old.Blob))
	}
	return obj, nil
}

func orJSON(s string) string {
	if s == "" {
		return "{}"
	}
	return s
}

// R2Head returns an object's metadata, or ENOTFOUND.
func (s *Store) R2Head(ctx context.Context, bucket, key string) (*R2Object, error) {
	b, err := s.bucket(ctx, bucket)
	if err != nil {
		return nil, err
	}
	var o R2Object
	if err := s.read(ctx).Where("bucket_id = ? AND key = ?", b.ID, key).First(&o).Error; err != nil {
		return nil, notFound(err, "R2 object %q not found", key)
	}
	return &o, nil
}

// R2Range is get()'s range: an offset and length, or a suffix.
type R2Range struct {
	Offset, Length, Suffix int64
	HasOffset, HasLength   bool
	HasSuffix              bool
}

// R2Body is an open object body, positioned at its range.
type R2Body struct {
	io.Reader
	file           *os.File
	Offset, Length int64
}

// Close closes the body's file.
func (b *R2Body) Close() error { return b.file.Close() }

// R2Get opens an object for reading from disk, ranged if asked. A failed onlyIf returns the object
// with a nil body.
func (s *Store) R2Get(ctx context.Context, bucket, key string, rng *R2Range, onlyIf *R2Conditional) (*R2Object, *R2Body, error) {
	o, err := s.R2Head(ctx, bucket, key)
	if err != nil {
		return nil, nil, err
	}
	if !onlyIf.holds(o) {
		return o, nil, nil
	}
	off, length := int64(0), o.Size
	if rng != nil {
		switch {
		case rng.HasSuffix:
			length = min(rng.Suffix, o.Size)
			off = o.Size - length
		default:
			off = rng.Offset
			if rng.HasLength {
				length = rng.Length
			} else {
				length = o.Size - off
			}
		}
		if off < 0 || length < 0 || off > o.Size || (off == o.Size && length > 0) {
			return nil, nil, Errorf(EINVALID, "The requested range is not satisfiable")
		}
		length = min(length, o.Size-off)
	}
	f, err := os.Open(filepath.Join(s.blobDir, fmt.Sprint(o.BucketID), o.Blob))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, Errorf(ENOTFOUND, "R2 object %q not found", key)
		}
		return nil, nil, fmt.Errorf("models: R2 get: %w", err)
	}
	return o, &R2Body{Reader: io.NewSectionReader(f, off, length), file: f, Offset: off, Length: length}, nil
}

// R2Delete deletes keys (missing ones are fine) and their bodies.
func (s *Store) R2Delete(ctx context.Context, bucket string, keys []string) error {
	if len(keys) > 1000 {
		return Errorf(EINVALID, "delete() takes at most 1000 keys")
	}
	b, err := s.bucket(ctx, bucket)
	if err != nil {
		return err
	}
	var gone []R2Object
	err = s.read(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("bucket_id = ? AND key IN ?", b.ID, keys).Find(&gone).Error; err != nil {
			return err
		}
		return tx.Where("bucket_id = ? AND key IN ?", b.ID, keys).Delete(&R2Object{}).Error
	})
	if err != nil {
		return fmt.Errorf("models: R2 delete: %w", err)
	}
	for _, o := range gone {
		os.Remove(filepath.Join(s.blobDir, fmt.Sprint(b.ID), o.Blob))
	}
	return nil
}

// R2List lists keys in order; with a delimiter, keys that share the part of the key up to the next
// delimiter after the prefix are rolled up into DelimitedPrefixes.
func (s *Store) R2List(ctx context.Context, bucket string, o R2ListOptions) (*R2ListResult, error) {
	if o.Limit == 0 {
		o.Limit = MaxR2ListLimit
	}
	if o.Limit < 1 || o.Limit > MaxR2ListLimit {
		return nil, Errorf(EINVALID, "list() limit must be between 1 and %d", MaxR2ListLimit)
	}
	b, err := s.bucket(ctx, bucket)
	if err != nil {
		return nil, err
	}
	after := o.StartAfter
	if o.Cursor != "" {
		c, err := base64.RawURLEncoding.DecodeString(o.Cursor)
		if err != nil {
			return nil, Errorf(EINVALID, "invalid list cursor")
		}
		after = max(after, string(c))
	}
	out := &R2ListResult{Objects: []R2Object{}, DelimitedPrefixes: []string{}}
	count := 0
	for {
		q := s.read(ctx).Where("bucket_id = ?", b.ID).Order("key").Limit(o.Limit + 1)
		if o.Prefix != "" {
			q = q.Where("key >= ? AND key < ?", o.Prefix, o.Prefix+"\U0010FFFF")
		}
		if after != "" {
			q = q.Where("key > ?", after)
		}
		var rows []R2Object
		if err := q.Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("models: R2 list: %w", err)
		}
		skipped := false
		for _, r := range rows {
			if count == o.Limit {
				out.Truncated, out.Cursor = true, base64.RawURLEncoding.EncodeToString([]byte(after))
				return out, nil
			}
			after = r.Key
			if o.Delimiter != "" {
				rest := strings.TrimPrefix(r.Key, o.Prefix)
				if i := strings.Index(rest, o.Delimiter); i >= 0 {
					p := o.Prefix + rest[:i+len(o.Delimiter)]
					out.DelimitedPrefixes = append(out.DelimitedPrefixes, p)
					count++
					after, skipped = p+"\U0010FFFF", true // every other key under p is rolled up too
					break
				}
			}
			out.Objects = append(out.Objects, r)
			count++
		}
		if skipped {
			continue
		}
		if len(rows) <= o.Limit {
			return out, nil
		}
	}
}
