// @case {"services":{"ECHO":"echo"},"requests":[{"method":"POST","path":"/moves","headers":{"x-a":"1","content-type":"text/plain"},"body":"payload"},{"method":"GET","path":"/get"}]}
// @worker echo
// export default { async fetch(req) { return new Response(req.method + " " + req.headers.get("x-a") + " " + (await req.text()), { status: 201, statusText: "Made", headers: { "x-b": "2", "X-Upper": "U" } }); } }
// A Request passed to a service binding's fetch alone is sent as it is: its body moves to the
// subrequest, and the answer is a Response like any other.
export default {
  async fetch(req, env) {
    const res = await env.ECHO.fetch(req);
    let again;
    try { await req.text(); again = "read"; } catch (e) { again = e.constructor.name; }
    const out = {
      bodyUsed: req.bodyUsed, again,
      status: res.status, statusText: res.statusText, ok: res.ok, redirected: res.redirected, url: res.url, type: res.type,
      headers: [...res.headers], bodyUsedBefore: res.bodyUsed, text: await res.text(), bodyUsedAfter: res.bodyUsed,
      isResponse: res instanceof Response, tag: Object.prototype.toString.call(res),
    };
    return Response.json(out);
  },
};
