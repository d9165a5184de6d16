package models

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gorm.io/gorm"
)

// Multipart limits, as R2's.
const (
	maxR2Parts       = 10000
	minR2PartBytes   = 5 << 20 // every part but the last
	maxR2UploadBytes = MaxR2ObjectBytes
)

// R2CreateMultipart starts an upload of key; its metadata is kept for the completed object.
func (s *Store) R2CreateMultipart(ctx context.Context, bucket, key string, opts R2PutOptions) (string, error) {
	if err := validateR2Key(key); err != nil {
		return "", err
	}
	b, err := s.bucket(ctx, bucket)
	if err != nil {
		return "", err
	}
	meta, _ := json.Marshal(map[string]string{"http": opts.HTTPMetadata, "custom": opts.CustomMetadata})
	u := R2Upload{ID: randomHex(16), BucketID: b.ID, Key: key, Options: string(meta)}
	if err := s.read(ctx).Create(&u).Error; err != nil {
		return "", fmt.Errorf("models: R2 multipart: %w", err)
	}
	return u.ID, nil
}

func (s *Store) upload(ctx context.Context, bucket, key, id string) (*R2Bucket, *R2Upload, error) {
	b, err := s.bucket(ctx, bucket)
	if err != nil {
		return nil, nil, err
	}
	var u R2Upload
	if err := s.read(ctx).Where("id = ? AND bucket_id = ? AND key = ?", id, b.ID, key).First(&u).Error; err != nil {
		return nil, nil, notFound(err, "The specified multipart upload does not exist.")
	}
	return b, &u, nil
}

// R2UploadPart stores one part (1-10000) atomically and returns its etag.
func (s *Store) R2UploadPart(ctx context.Context, bucket, key, id string, n int, body io.Reader) (string, error) {
	if n < 1 || n > maxR2Parts {
		return "", Errorf(EINVALID, "part numbers are 1 to %d", maxR2Parts)
	}
	b, u, err := s.upload(ctx, bucket, key, id)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(s.blobDir, fmt.Sprint(b.ID))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".part-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	h := md5.New()
	size, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(body, maxR2UploadBytes+1))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("models: R2 upload part: %w", err)
	}
	part := R2UploadPart{UploadID: u.ID, PartNumber: n, ETag: hex.EncodeToString(h.Sum(nil)), Size: size, Blob: randomHex(16)}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, part.Blob)); err != nil {
		return "", err
	}
	var old []R2UploadPart
	s.read(ctx).Where("upload_id = ? AND part_number = ?", u.ID, n).Find(&old)
	if err := s.read(ctx).Save(&part).Error; err != nil {
		os.Remove(filepath.Join(dir, part.Blob))
		return "", fmt.Errorf("models: R2 upload part: %w", err)
	}
	for _, o := range old {
		os.Remove(filepath.Join(dir, o.Blob))
	}
	return part.ETag, nil
}

// R2CompleteMultipart joins the named parts, in order, into the object (etag "<md5 of md5s>-<n>").
func (s *Store) R2CompleteMultipart(ctx context.Context, bucket, key, id string, parts []R2Part) (*R2Object, error) {
	b, u, err := s.upload(ctx, bucket, key, id)
	if err != nil {
		return nil, err
	}
	if len(parts) == 0 {
		return nil, Errorf(EINVALID, "complete() needs at least one part")
	}
	var stored []R2UploadPart
	if err := s.read(ctx).Where("upload_id = ?", u.ID).Find(&stored).Error; err != nil {
		return nil, err
	}
	byNumber := map[int]R2UploadPart{}
	for _, p := range stored {
		byNumber[p.PartNumber] = p
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].PartNumber < parts[j].PartNumber })
	dir := filepath.Join(s.blobDir, fmt.Sprint(b.ID))
	var files []io.Reader
	var closers []*os.File
	defer func() {
		for _, f := range closers {
			f.Close()
		}
	}()
	etags := md5.New()
	for i, p := range parts {
		sp, ok := byNumber[p.PartNumber]
		if !ok || strings.Trim(p.ETag, `"`) != sp.ETag {
			return nil, Errorf(EINVALID, "part %d was not uploaded or its etag does not match", p.PartNumber)
		}
		if i < len(parts)-1 && sp.Size < minR2PartBytes {
			return nil, Errorf(EINVALID, "part %d is %d bytes; every part but the last must be at least %d bytes", p.PartNumber, sp.Size, minR2PartBytes)
		}
		f, err := os.Open(filepath.Join(dir, sp.Blob))
		if err != nil {
			return nil, err
		}
		closers = append(closers, f)
		files = append(files, f)
		raw, _ := hex.DecodeString(sp.ETag)
		etags.Write(raw)
	}
	var meta map[string]string
	json.Unmarshal([]byte(u.Options), &meta)
	obj, err := s.R2Put(ctx, bucket, key, io.MultiReader(files...), R2PutOptions{HTTPMetadata: meta["http"], CustomMetadata: meta["custom"]})
	if err != nil {
		return nil, err
	}
	obj.ETag = fmt.Sprintf("%s-%d", hex.EncodeToString(etags.Sum(nil)), len(parts))
	obj.SHA256 = ""
	if err := s.read(ctx).Model(&R2Object{}).Where("bucket_id = ? AND key = ?", b.ID, key).
		Updates(map[string]any{"e_tag": obj.ETag, "sha256": ""}).Error; err != nil {
		return nil, err
	}
	s.dropUpload(ctx, dir, u.ID)
	return obj, nil
}

// R2AbortMultipart discards an upload and its parts.
func (s *Store) R2AbortMultipart(ctx context.Context, bucket, key, id string) error {
	b, u, err := s.upload(ctx, bucket, key, id)
	if err != nil {
		return err
	}
	s.dropUpload(ctx, filepath.Join(s.blobDir, fmt.Sprint(b.ID)), u.ID)
	return nil
}

func (s *Store) dropUpload(ctx context.Context, dir, id string) {
	var parts []R2UploadPart
	s.read(ctx).Where("upload_id = ?", id).Find(&parts)
	s.read(ctx).Transaction(func(tx *gorm.DB) error {
		tx.Where("upload_id = ?", id).Delete(&R2UploadPart{})
		return tx.Where("id = ?", id).Delete(&R2Upload{}).Error
	})
	for _, p := range parts {
		os.Remove(filepath.Join(dir, p.Blob))
	}
}
