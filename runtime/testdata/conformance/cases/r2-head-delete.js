// @case {"r2":["B"],"requests":[{"path":"/"}]}
export default {
  async fetch(req, env) {
    const out = {};
    await env.B.put("a.txt", "alpha", { httpMetadata: { contentType: "text/plain", contentLanguage: "en", cacheControl: "no-cache" }, customMetadata: { owner: "me" } });
    await env.B.put("b.txt", new Uint8Array([1, 2, 3]));
    await env.B.put("c.txt", new Blob(["blob body"]));
    const h = await env.B.head("a.txt");
    out.head = [h.key, h.size, h.etag, h.httpEtag, h.httpMetadata.contentType, h.httpMetadata.contentLanguage, h.customMetadata.owner, typeof h.uploaded, h.uploaded instanceof Date, "body" in h];
    const headers = new Headers();
    h.writeHttpMetadata(headers);
    out.written = [...headers];
    out.missingHead = await env.B.head("nope");
    out.missingGet = await env.B.get("nope");
    await env.B.delete(["a.txt", "b.txt", "never"]);
    await env.B.delete("c.txt");
    const list = await env.B.list();
    out.afterDelete = [list.objects.length, list.truncated];
    const obj = await env.B.put("d", "body");
    out.put = [obj.key, obj.size, obj.version.length > 0, obj.checksums.md5 instanceof ArrayBuffer];
    const got = await env.B.get("d");
    out.got = [await got.text(), got.bodyUsed];
    return Response.json(out);
  },
};
