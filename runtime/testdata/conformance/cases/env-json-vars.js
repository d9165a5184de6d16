// @case {"vars":{"PLAIN":"text value","NUM":"42"},"secrets":{"API_KEY":"s3cret"},"requests":[{"path":"/"}]}
export default {
  fetch(req, env, ctx) {
    const out = { plain: env.PLAIN, num: env.NUM, typeNum: typeof env.NUM, secret: env.API_KEY.length, keys: Object.keys(env).sort() };
    out.ctx = [typeof ctx.waitUntil, typeof ctx.passThroughOnException];
    out.frozen = (() => { try { env.NEW = 1; return "assignable"; } catch (e) { return e.constructor.name; } })();
    out.cf = typeof req.cf;
    return Response.json(out);
  },
};
