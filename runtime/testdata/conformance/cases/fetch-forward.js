// @case {"origin":true,"requests":[{"method":"POST","path":"/forward","headers":{"x-forwarded-by":"client"},"body":"payload"},{"path":"/stream"}]}
export default {
  async fetch(req, env) {
    if (new URL(req.url).pathname === "/stream") {
      const res = await fetch(env.ORIGIN + "/data.json");
      const reader = res.body.getReader();
      let n = 0;
      for (;;) { const { value, done } = await reader.read(); if (done) break; n += value.length; }
      return Response.json({ n, used: res.bodyUsed, type: res.headers.get("content-type") });
    }
    const upstream = new Request(env.ORIGIN + "/echo?fwd=1", req);
    const res = await fetch(upstream);
    return new Response(res.body, { status: res.status, headers: { "content-type": res.headers.get("content-type"), "x-status": String(res.status) } });
  },
};
