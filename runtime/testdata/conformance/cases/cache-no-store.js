// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    const cache = await caches.open("c1");
    const out = {};
    await cache.put("https://x.test/a", new Response("A", { headers: { "cache-control": "max-age=300", "x-v": "a" } }));
    await cache.put("https://x.test/private", new Response("P", { headers: { "cache-control": "private, max-age=300" } }));
    await cache.put("https://x.test/nocache", new Response("N", { headers: { "cache-control": "no-cache" } }));
    const a = await cache.match("https://x.test/a");
    out.a = a ? [a.status, await a.text(), a.headers.get("x-v"), a.headers.get("cf-cache-status")] : null;
    out.private = (await cache.match("https://x.test/private")) ? "hit" : "miss";
    out.nocache = (await cache.match("https://x.test/nocache")) ? "hit" : "miss";
    out.otherCache = (await (await caches.open("c2")).match("https://x.test/a")) ? "hit" : "miss";
    out.deleted = [await cache.delete("https://x.test/a"), await cache.delete("https://x.test/a")];
    try { await cache.put("https://x.test/partial", new Response("x", { status: 206 })); } catch (e) { out.partial = e.constructor.name; }
    out.queryIgnored = (await cache.match("https://x.test/a?x=1", { ignoreMethod: true })) ? "hit" : "miss";
    return Response.json(out);
  },
};
