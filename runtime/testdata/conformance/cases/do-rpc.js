// @case {"durableObjects":{"CALC":"Calc"},"requests":[{"path":"/"}]}
import { DurableObject } from "cloudflare:workers";
export class Calc extends DurableObject {
  async add(a, b) { return { sum: a + b, at: new Date(0), list: [[a], [b]], map: new Map([["k", 1]]) }; }
  async fetch() { return new Response("fetched"); }
}
export default {
  async fetch(request, env) {
    const stub = env.CALC.get(env.CALC.idFromName("c"));
    const r = await stub.add(2, 3);
    let missing;
    try { await stub.nope(); } catch (err) { missing = err.constructor.name; }
    return Response.json({ sum: r.sum, at: r.at.toISOString(), list: r.list, map: [...r.map], viaFetch: await (await stub.fetch("http://do/")).text(), missing });
  },
};
