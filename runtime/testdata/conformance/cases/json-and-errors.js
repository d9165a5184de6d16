// @case {"requests":[{"path":"/"},{"method":"POST","path":"/parse","body":"{bad json"}]}
export default {
  async fetch(req) {
    if (new URL(req.url).pathname === "/parse") {
      try { await req.json(); return new Response("parsed"); } catch (e) { return Response.json({ name: e.name, isSyntax: e instanceof SyntaxError }, { status: 400 }); }
    }
    const out = {};
    out.stringify = [JSON.stringify("\u2028\ud800"), JSON.stringify({ a: [1, { b: 2 }] }, null, 2), JSON.stringify(123n === 123n)];
    try { JSON.stringify({ big: 1n }); } catch (e) { out.bigint = e.constructor.name; }
    const cyc = {}; cyc.self = cyc;
    try { JSON.stringify(cyc); } catch (e) { out.cycle = e.constructor.name; }
    out.reviver = JSON.parse('{"a":1,"b":{"c":2}}', (k, v) => (typeof v === "number" ? v * 10 : v));
    out.toJSON = JSON.stringify({ toJSON() { return "custom"; } });
    const e = new TypeError("bad thing");
    out.error = [e.name, e.message, String(e), e instanceof Error, Object.prototype.toString.call(e)];
    class AppError extends Error { constructor(m) { super(m); this.name = "AppError"; } }
    out.subclass = [String(new AppError("x")), new AppError("y") instanceof Error];
    out.agg = new AggregateError([new Error("1")], "many").errors.length;
    return Response.json(out);
  },
};
