// @case {"services":{"ECHO":"echo"},"requests":[{"method":"PUT","path":"/through?q=1","headers":{"x-custom":"abc","content-type":"application/json"},"body":"{\"n\":1}"}]}
// @worker echo
// export default { async fetch(req) { return new Response(JSON.stringify({ method: req.method, url: req.url, custom: req.headers.get("x-custom"), type: req.headers.get("content-type"), body: await req.text() }), { status: 202, headers: { "x-echo": "1", "set-cookie": "s=1" } }); } }
export default {
  async fetch(req, env) {
    const res = await env.ECHO.fetch(req);
    const data = await res.json();
    const second = await env.ECHO.fetch("https://internal/path", { method: "POST", body: "plain", headers: { "x-custom": "two" } });
    return Response.json({ status: res.status, echo: res.headers.get("x-echo"), cookie: res.headers.get("set-cookie"), data, second: await second.json() });
  },
};
