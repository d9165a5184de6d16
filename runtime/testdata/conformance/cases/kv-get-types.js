// @case {"kv":["KV"],"requests":[{"path":"/"}]}
export default {
  async fetch(request, env) {
    await env.KV.put("obj", JSON.stringify({ a: [1, 2], b: "x" }));
    await env.KV.put("plain", "hello");
    await env.KV.put("bytes", new Uint8Array([1, 2, 3, 4]));
    await env.KV.put("ttl", "soon", { expirationTtl: 120 });
    const json = await env.KV.get("obj", "json");
    const ab = await env.KV.get("bytes", { type: "arrayBuffer" });
    const stream = await env.KV.get("plain", "stream");
    const noMeta = await env.KV.getWithMetadata("plain");
    const missing = await env.KV.getWithMetadata("nope");
    const many = await env.KV.get(["obj", "plain", "nope"]);
    const listed = await env.KV.list({ prefix: "ttl" });
    return Response.json({
      json, abLen: ab.byteLength, streamText: await new Response(stream).text(), noMeta: [noMeta.value, noMeta.metadata],
      missing: [missing.value, missing.metadata], many: Object.fromEntries(many), expirationType: typeof listed.keys[0].expiration,
    });
  },
};
