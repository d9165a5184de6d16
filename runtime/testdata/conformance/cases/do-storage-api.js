// @case {"durableObjects":{"STORE":"Store"},"requests":[{"path":"/"}]}
export class Store {
  constructor(state) { this.storage = state.storage; }
  async fetch() {
    const s = this.storage;
    await s.put({ a1: 1, a2: { x: [1, 2] }, b1: "three", b2: true, c: null });
    const got = await s.get(["a1", "a2", "zz"]);
    const keys = async (o) => [...(await s.list(o)).keys()];
    const out = {
      one: await s.get("b1"), many: Object.fromEntries(got), size: got.size,
      all: await keys(), prefix: await keys({ prefix: "a" }), range: await keys({ start: "a2", end: "b2" }),
      after: await keys({ startAfter: "b1" }), reverse: await keys({ reverse: true, limit: 2 }),
      deletedMany: await s.delete(["a1", "zz"]), deletedOne: await s.delete("b1"), deletedMissing: await s.delete("b1"),
    };
    await s.deleteAll();
    out.afterAll = (await s.list()).size;
    return Response.json(out);
  }
}
export default { fetch(request, env) { return env.STORE.get(env.STORE.idFromName("x")).fetch(request); } };
