// @case {"requests":[{"path":"/"},{"path":"/redirect"},{"path":"/empty"}]}
export default {
  async fetch(req) {
    const p = new URL(req.url).pathname;
    if (p === "/redirect") return Response.redirect("https://example.com/next?x=1", 307);
    if (p === "/empty") return new Response(null, { status: 204, headers: { "x-empty": "yes" } });
    const out = {};
    const r = new Response("body", { status: 201, statusText: "Made", headers: { "x-a": "1" } });
    out.basics = [r.status, r.statusText, r.ok, r.type, r.url, r.redirected, r.bodyUsed, r.headers.get("content-type")];
    const c = r.clone();
    out.both = [await r.text(), await c.text(), r.bodyUsed, c.bodyUsed];
    try { r.clone(); } catch (e) { out.cloneUsed = e.constructor.name; }
    const tryIt = (name, f) => { try { f(); out[name] = "ok"; } catch (e) { out[name] = e.constructor.name + ": " + e.message; } };
    tryIt("status99", () => new Response("", { status: 99 }));
    tryIt("status600", () => new Response("", { status: 600 }));
    tryIt("bodyWith204", () => new Response("x", { status: 204 }));
    tryIt("badRedirect", () => Response.redirect("https://a.com", 200));
    out.json = await Response.json({ a: [1, "b"] }, { status: 202, headers: { "x-j": "1" } }).text();
    out.jsonType = Response.json(1).headers.get("content-type");
    out.error = [Response.error().type, Response.error().status];
    out.bytes = [...await new Response(new Uint8Array([5, 6])).bytes()];
    const blob = await new Response("abc", { headers: { "content-type": "text/x-test" } }).blob();
    out.blob = [blob.size, blob.type];
    const fd = await new Response("a=1&b=%20x", { headers: { "content-type": "application/x-www-form-urlencoded" } }).formData();
    out.form = [...fd];
    out.nullBody = new Response(null).body;
    out.streamBody = typeof new Response("x").body.getReader;
    return Response.json(out, { headers: { "x-done": "1" } });
  },
};
