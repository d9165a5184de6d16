package models_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weft-dev/weft/models"
)

func openR2(t *testing.T) (*models.Store, string) {
	st, _ := openStore(t)
	dir := t.TempDir()
	st.SetBlobDir(dir)
	if _, err := st.CreateR2Bucket(ctx, cli, "files"); err != nil {
		t.Fatal(err)
	}
	return st, dir
}

func readAll(t *testing.T, st *models.Store, key string, rng *models.R2Range) string {
	t.Helper()
	_, body, err := st.R2Get(ctx, "files", key, rng, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	b, _ := io.ReadAll(body)
	return string(b)
}

func TestR2PutGetRangesAndChecksums(t *testing.T) {
	st, dir := openR2(t)
	o, err := st.R2Put(ctx, "files", "a/b.txt", strings.NewReader("hello world"), models.R2PutOptions{HTTPMetadata: `{"contentType":"text/plain"}`})
	if err != nil || o.Size != 11 || o.ETag != "5eb63bbbe01eeed093cb22bb8f5acdc3" {
		t.Fatalf("put: %+v %v", o, err)
	}
	if got := readAll(t, st, "a/b.txt", nil); got != "hello world" {
		t.Fatalf("get %q", got)
	}
	if got := readAll(t, st, "a/b.txt", &models.R2Range{Offset: 6, HasOffset: true, Length: 3, HasLength: true}); got != "wor" {
		t.Fatalf("range %q", got)
	}
	if got := readAll(t, st, "a/b.txt", &models.R2Range{Suffix: 5, HasSuffix: true}); got != "world" {
		t.Fatalf("suffix %q", got)
	}
	if _, _, err := st.R2Get(ctx, "files", "a/b.txt", &models.R2Range{Offset: 50, HasOffset: true}, nil); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("range past end: %v", err)
	}
	if _, err := st.R2Put(ctx, "files", "bad", strings.NewReader("x"), models.R2PutOptions{MD5: "00"}); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("md5 mismatch: %v", err)
	}
	if _, err := st.R2Head(ctx, "files", "bad"); models.ErrorCode(err) != models.ENOTFOUND {
		t.Fatalf("a failed put stored something: %v", err)
	}
	// onlyIf: a put conditioned on another etag changes nothing.
	if o, err := st.R2Put(ctx, "files", "a/b.txt", strings.NewReader("new"), models.R2PutOptions{OnlyIf: &models.R2Conditional{EtagMatches: "nope"}}); o != nil || err != nil {
		t.Fatalf("conditional put: %v %v", o, err)
	}
	if got := readAll(t, st, "a/b.txt", nil); got != "hello world" {
		t.Fatalf("after refused put: %q", got)
	}
	// Overwriting replaces the body file; files never pile up.
	st.R2Put(ctx, "files", "a/b.txt", bytes.NewReader([]byte("v2")), models.R2PutOptions{})
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	if len(files) != 1 {
		t.Fatalf("body files: %v", files)
	}
	if err := st.R2Delete(ctx, "files", []string{"a/b.txt", "missing"}); err != nil {
		t.Fatal(err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*", "*")); len(files) != 0 {
		t.Fatalf("delete left %v", files)
	}
	if err := st.DeleteR2Bucket(ctx, cli, "files"); err != nil {
		t.Fatalf("empty bucket: %v", err)
	}
}

func TestR2ListPrefixDelimiterAndPages(t *testing.T) {
	st, _ := openR2(t)
	for _, k := range []string{"docs/a", "docs/b", "img/1", "img/2", "img/sub/3", "readme"} {
		st.R2Put(ctx, "files", k, strings.NewReader(k), models.R2PutOptions{})
	}
	res, err := st.R2List(ctx, "files", models.R2ListOptions{Delimiter: "/"})
	if err != nil || len(res.Objects) != 1 || res.Objects[0].Key != "readme" || strings.Join(res.DelimitedPrefixes, ",") != "docs/,img/" {
		t.Fatalf("delimiter: %+v %v", res, err)
	}
	res, _ = st.R2List(ctx, "files", models.R2ListOptions{Prefix: "img/", Delimiter: "/"})
	if len(res.Objects) != 2 || strings.Join(res.DelimitedPrefixes, ",") != "img/sub/" {
		t.Fatalf("prefix+delimiter: %+v", res)
	}
	var keys []string
	opts := models.R2ListOptions{Limit: 4}
	for {
		page, err := st.R2List(ctx, "files", opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Objects {
			keys = append(keys, o.Key)
		}
		if !page.Truncated {
			break
		}
		opts.Cursor = page.Cursor
	}
	if strings.Join(keys, ",") != "docs/a,docs/b,img/1,img/2,img/sub/3,readme" {
		t.Fatalf("pages: %v", keys)
	}
	if err := st.DeleteR2Bucket(ctx, cli, "files"); models.ErrorCode(err) != models.ECONFLICT {
		t.Fatalf("non-empty bucket: %v", err)
	}
	if _, err := st.CreateR2Bucket(ctx, cli, "Bad_Name"); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("bad name: %v", err)
	}
	_ = os.Remove
}
