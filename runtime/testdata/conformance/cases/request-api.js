// @case {"requests":[{"method":"POST","path":"/submit?x=1","headers":{"content-type":"text/plain"},"body":"hello"}]}
export default {
  async fetch(req) {
    const out = { method: req.method, url: req.url, redirect: req.redirect, bodyUsed: req.bodyUsed };
    const c = req.clone();
    out.text = await req.text();
    out.usedAfter = req.bodyUsed;
    out.cloneText = await c.text();
    try { await req.text(); } catch (e) { out.again = e.constructor.name; }
    out.lower = new Request("https://a.com", { method: "post" }).method;
    try { out.custom = new Request("https://a.com", { method: "patch" }).method; } catch (e) { out.custom = e.constructor.name + ": " + e.message; }
    try { out.custom2 = new Request("https://a.com", { method: "PURGE" }).method; } catch (e) { out.custom2 = e.constructor.name; }
    out.strType = new Request("https://a.com", { method: "POST", body: "s" }).headers.get("content-type");
    out.paramsType = new Request("https://a.com", { method: "POST", body: new URLSearchParams("a=1") }).headers.get("content-type");
    const fd = new FormData(); fd.append("a", "1");
    out.formType = new Request("https://a.com", { method: "POST", body: fd }).headers.get("content-type").split(";")[0];
    try { new Request("https://a.com", { method: "GET", body: "x" }); } catch (e) { out.getBody = e.constructor.name; }
    try { new Request("https://a.com", { method: "bad method" }); } catch (e) { out.badMethod = e.constructor.name; }
    try { new Request("relative"); } catch (e) { out.relative = e.constructor.name; }
    const derived = new Request(new Request("https://a.com/x", { method: "PUT", headers: { a: "1" } }), { headers: { b: "2" } });
    out.derived = [derived.method, derived.url, [...derived.headers]];
    out.signal = typeof new Request("https://a.com").signal;
    out.json = await new Request("https://a.com", { method: "POST", body: '{"k":[1]}' }).json();
    out.buf = (await new Request("https://a.com", { method: "POST", body: new Uint8Array([1, 2, 3]) }).arrayBuffer()).byteLength;
    return Response.json(out);
  },
};
