// @case {"requests":[{"path":"/"},{"path":"/"}]}
export default {
  async fetch(request) {
    const c = caches.default;
    const key = "http://cache.example/item";
    const hit = await c.match(key);
    if (hit) return new Response("hit " + (await hit.text()) + " " + hit.headers.get("x-v"));
    await c.put(key, new Response("body", { headers: { "cache-control": "max-age=300", "x-v": "1" } }));
    await c.put("http://cache.example/nostore", new Response("n", { headers: { "cache-control": "no-store" } }));
    return new Response("miss " + String(await c.match("http://cache.example/nostore")));
  },
};
