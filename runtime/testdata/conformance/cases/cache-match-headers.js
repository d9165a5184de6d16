// @case {"requests":[{"path":"/"}]}
export default {
  async fetch(req) {
    const cache = caches.default;
    await cache.put("https://example.com/k", new Response("v", { headers: { "cache-control": "max-age=60", "x-a": "1" } }));
    const hit = await cache.match("https://example.com/k");
    const out = { hit: hit ? await hit.clone().text() : null };
    try { hit.headers.set("x-b", "1"); out.set = "ok"; } catch (e) { out.set = e.constructor.name + ": " + e.message; }
    return Response.json(out);
  },
};
