// @case {"kv":["KV"],"requests":[{"path":"/"}]}
export default {
  async fetch(request, env) {
    for (let i = 0; i < 12; i++) await env.KV.put("k" + String(i).padStart(2, "0"), "v" + i);
    const pages = [];
    let cursor;
    for (;;) {
      const r = await env.KV.list({ limit: 5, cursor });
      pages.push({ names: r.keys.map((k) => k.name), complete: r.list_complete, hasCursor: typeof r.cursor === "string" });
      if (r.list_complete) break;
      cursor = r.cursor;
    }
    const prefixed = await env.KV.list({ prefix: "k1" });
    return Response.json({ pages, prefixed: prefixed.keys.map((k) => k.name) });
  },
};
