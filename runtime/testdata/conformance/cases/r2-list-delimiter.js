// @case {"r2":["B"],"requests":[{"path":"/"}]}
export default {
  async fetch(request, env) {
    for (const k of ["a/1", "a/2", "b/1", "c", "d"]) await env.B.put(k, k, { customMetadata: { k } });
    const l = await env.B.list({ delimiter: "/" });
    const p1 = await env.B.list({ limit: 2 });
    const p2 = await env.B.list({ limit: 2, cursor: p1.cursor });
    const meta = await env.B.list({ prefix: "c", include: ["customMetadata"] });
    const noMeta = await env.B.list({ prefix: "c" });
    await env.B.delete(["a/1", "a/2"]);
    const after = await env.B.list();
    return Response.json({
      objects: l.objects.map((o) => o.key), prefixes: l.delimitedPrefixes, truncated: l.truncated,
      page1: [p1.objects.map((o) => o.key), p1.truncated], page2: p2.objects.map((o) => o.key),
      meta: meta.objects[0].customMetadata, noMeta: noMeta.objects[0].customMetadata, after: after.objects.map((o) => o.key),
    });
  },
};
