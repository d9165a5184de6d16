// @case {"durableObjects":{"ECHO":"Echo"},"requests":[{"path":"/get?q=1","headers":{"x-a":"1"}},{"path":"/post","method":"POST","body":"hello"},{"path":"/main","headers":{"x-a":"1"}}]}
// The Request a Durable Object's fetch() receives from its stub, and the one the worker itself
// receives (/main): method, URL, headers, body, and what they allow (changing headers, redirect
// mode, cf, signal); and the signal of a Request the script makes.
async function describe(request) {
  let headersWritable;
  try { request.headers.set("x-b", "2"); headersWritable = request.headers.get("x-b") === "2"; } catch (err) { headersWritable = String(err); }
  const body = request.body === null ? null : await request.text();
  return Response.json({
    method: request.method, url: request.url, xa: request.headers.get("x-a"), headersWritable,
    redirect: request.redirect, body, bodyUsed: request.bodyUsed, isRequest: request instanceof Request,
    cfType: typeof request.cf, signal: request.signal === null ? "null" : typeof request.signal,
    aborted: request.signal ? request.signal.aborted : "none",
    madeSignal: ((s) => (s === null ? "null" : s.aborted))(new Request("https://a.com/").signal),
  });
}
export class Echo {
  constructor(state, env) { this.state = state; }
  fetch(request) { return describe(request); }
}
export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === "/main") return describe(request);
    return env.ECHO.get(env.ECHO.idFromName("one")).fetch(request);
  },
};
