// @case {"durableObjects":{"STORE":"Store"},"requests":[{"path":"/"}]}
import { DurableObject } from "cloudflare:workers";
export class Store extends DurableObject {
  async run() {
    const s = this.ctx.storage;
    const out = {};
    await s.put({ "k:1": 1, "k:2": 2, "k:3": 3, "j:1": "j", z: { deep: [1] } });
    out.list = [...(await s.list({ prefix: "k:" })).entries()];
    out.reverse = [...(await s.list({ prefix: "k:", reverse: true, limit: 2 })).keys()];
    out.startEnd = [...(await s.list({ start: "j", end: "k:2" })).keys()];
    out.rolledBack = await s.transaction(async (txn) => {
      await txn.put("k:1", 100);
      txn.rollback();
      return "rb";
    });
    out.afterRollback = await s.get("k:1");
    try {
      await s.transaction(async (txn) => { await txn.put("k:2", 200); throw new Error("abort txn"); });
    } catch (e) { out.thrown = e.message; }
    out.afterThrow = await s.get("k:2");
    out.committed = await s.transaction(async (txn) => { await txn.put("k:3", 300); return txn.get("k:3"); });
    out.multi = Object.fromEntries(await s.get(["k:1", "k:3", "none"]));
    out.deleteAll = await s.deleteAll();
    out.empty = (await s.list()).size;
    return out;
  }
}
export default {
  async fetch(req, env) {
    const stub = env.STORE.get(env.STORE.idFromName("t"));
    return Response.json(await stub.run());
  },
};
