// @case {"kv":["KV"],"requests":[{"path":"/"}]}
export default {
  async fetch(req, env) {
    await env.KV.put("user:1", "alice", { metadata: { role: "admin", n: 1 } });
    await env.KV.put("user:2", "bob", { expirationTtl: 86400 });
    await env.KV.put("user:3", JSON.stringify({ k: [1, 2] }), { expiration: 2000000000, metadata: { m: true } });
    await env.KV.put("other", new Uint8Array([1, 2, 3]));
    const list = await env.KV.list({ prefix: "user:" });
    const out = {
      keys: list.keys.map((k) => [k.name, k.metadata === undefined ? "none" : k.metadata, typeof k.expiration]),
      complete: list.list_complete, cacheStatus: list.cacheStatus === undefined ? "undefined" : list.cacheStatus,
    };
    const wm = await env.KV.getWithMetadata("user:1");
    out.withMeta = [wm.value, wm.metadata];
    const wmJson = await env.KV.getWithMetadata("user:3", "json");
    out.withMetaJson = [wmJson.value, wmJson.metadata];
    const none = await env.KV.getWithMetadata("missing");
    out.missing = [none.value, none.metadata];
    out.bytes = [...new Uint8Array(await env.KV.get("other", "arrayBuffer"))];
    out.stream = await new Response(await env.KV.get("user:2", { type: "stream" })).text();
    const bulk = await env.KV.get(["user:1", "user:2", "nope"]);
    out.bulk = [...bulk];
    return Response.json(out);
  },
};
