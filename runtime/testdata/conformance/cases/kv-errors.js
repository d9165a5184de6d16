// @case {"kv":["KV"],"requests":[{"path":"/"}]}
export default {
  async fetch(request, env) {
    const out = {};
    const attempt = async (name, fn) => { try { await fn(); out[name] = "ok"; } catch (err) { out[name] = err.constructor.name + ": " + err.message; } };
    await attempt("shortTtl", () => env.KV.put("a", "b", { expirationTtl: 10 }));
    await attempt("bigLimit", () => env.KV.list({ limit: 2000 }));
    await attempt("badType", () => env.KV.get("a", "blob"));
    await attempt("badValue", () => env.KV.put("a", {}));
    await attempt("emptyKey", () => env.KV.put("", "x"));
    return Response.json(out);
  },
};
