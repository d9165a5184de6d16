package runtime

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/weft-dev/weft/models"
)

func TestR2BindingRangesConditionsStreamsAndLists(t *testing.T) {
	e := newStoreEngine(t)
	if _, err := e.store.CreateR2Bucket(context.Background(), models.Actor{Name: "t"}, "assets"); err != nil {
		t.Fatal(err)
	}
	w := e.load(t, "r2", `export default { async fetch(req, env) {
  const B = env.FILES, out = {};
  const big = "x".repeat(200000) + "END";
  const put = await B.put("big.txt", big, { httpMetadata: { contentType: "text/plain", cacheControl: "max-age=60" }, customMetadata: { v: "1" } });
  out.putEtag = put.httpEtag === '"' + put.etag + '"';
  const body = await B.get("big.txt");
  let chunks = 0; const reader = body.body.getReader(); let size = 0;
  for (;;) { const { value, done } = await reader.read(); if (done) break; chunks++; size += value.byteLength; }
  out.streamed = [chunks > 1, size];
  out.range = await (await B.get("big.txt", { range: { offset: 200000, length: 3 } })).text();
  out.suffix = await (await B.get("big.txt", { range: { suffix: 3 } })).text();
  const notModified = await B.get("big.txt", { onlyIf: { etagDoesNotMatch: put.etag } });
  out.conditional = [notModified.key, "body" in notModified];
  out.refusedPut = await B.put("big.txt", "replaced", { onlyIf: { etagMatches: "nope" } });
  try { await B.put("sum", "data", { md5: "00000000000000000000000000000000" }); } catch (err) { out.md5 = err.message; }
  const h = new Headers(); (await B.head("big.txt")).writeHttpMetadata(h);
  out.headers = [h.get("content-type"), h.get("cache-control")];
  for (const k of ["a/1", "a/2", "b/1", "top"]) await B.put(k, k);
  const l = await B.list({ delimiter: "/", include: ["customMetadata"] });
  out.list = [l.objects.map((o) => o.key), l.delimitedPrefixes, l.truncated];
  const page = await B.list({ limit: 2 });
  out.page = [page.objects.map((o) => o.key), page.truncated, (await B.list({ limit: 2, cursor: page.cursor })).objects.map((o) => o.key)];
  await B.delete(["a/1", "a/2"]);
  out.afterDelete = (await B.list({ prefix: "a/" })).objects.length;
  out.missing = await B.get("nope");
  return Response.json(out);
} }`, func(s *WorkerSpec) {
		s.Bindings = []Binding{{Name: "FILES", Type: "r2_bucket", Target: map[string]string{"bucket_name": "assets"}}}
	})
	r := get(w, "http://r2/")
	want := `{"putEtag":true,"streamed":[true,200003],"range":"END","suffix":"END","conditional":["big.txt",false],"refusedPut":null,` +
		`"md5":"put: The MD5 checksum you specified did not match what we received.","headers":["text/plain","max-age=60"],` +
		`"list":[["big.txt","top"],["a/","b/"],false],"page":[["a/1","a/2"],true,["b/1","big.txt"]],"afterDelete":0,"missing":null}`
	if r.body != want {
		t.Fatalf("got  %s\nwant %s\n%s", r.body, want, e.logs.text())
	}
	if strings.Contains(e.logs.text(), "exception") {
		t.Fatal(e.logs.text())
	}
}

func TestR2MultipartUpload(t *testing.T) {
	e := newStoreEngine(t)
	e.store.CreateR2Bucket(context.Background(), models.Actor{Name: "t"}, "big")
	w := e.load(t, "mp", `export default { async fetch(req, env) {
  const up = await env.B.createMultipartUpload("video.bin", { httpMetadata: { contentType: "video/mp4" } });
  const first = await up.uploadPart(1, new Uint8Array(5 * 1024 * 1024).fill(97));
  const resumed = env.B.resumeMultipartUpload("video.bin", up.uploadId);
  const second = await resumed.uploadPart(2, "tail");
  let small; try { const u2 = await env.B.createMultipartUpload("x"); const p = await u2.uploadPart(1, "tiny"); const q = await u2.uploadPart(2, "end"); await u2.complete([p, q]); } catch (err) { small = err.message; }
  const obj = await up.complete([second, first]);
  const head = await env.B.head("video.bin");
  const tail = await (await env.B.get("video.bin", { range: { suffix: 5 } })).text();
  const aborted = await env.B.createMultipartUpload("gone"); await aborted.abort();
  let afterAbort; try { await aborted.uploadPart(1, "x"); } catch (err) { afterAbort = err.message; }
  return Response.json({ size: obj.size, etag: obj.etag.endsWith("-2"), ct: head.httpMetadata.contentType, tail, small, afterAbort });
} }`, func(s *WorkerSpec) {
		s.Bindings = []Binding{{Name: "B", Type: "r2_bucket", Target: map[string]string{"bucket_name": "big"}}}
		s.CPULimit = 5 * time.Second // building a 5 MiB part in an interpreter takes a while
	})
	r := get(w, "http://mp/")
	want := `{"size":5242884,"etag":true,"ct":"video/mp4","tail":"atail","small":"complete: part 1 is 4 bytes; every part but the last must be at least 5242880 bytes","afterAbort":"uploadPart: The specified multipart upload does not exist."}`
	if r.body != want {
		t.Fatalf("got  %s\nwant %s\n%s", r.body, want, e.logs.text())
	}
}
