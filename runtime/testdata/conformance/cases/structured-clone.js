// @case {"requests":[{"path":"/"}]}
export default {
  fetch() {
    const obj = { d: new Date(1e12), m: new Map([["k", { v: 1 }]]), s: new Set([1, "a"]), r: /ab+c/gi, t: new Uint16Array([1, 65535]), big: 10n, n: null, u: undefined, neg0: -0, nan: NaN, arr: [1, , 3] };
    obj.self = obj;
    const c = structuredClone(obj);
    const out = {
      notSame: c !== obj, cycle: c.self === c, date: c.d.getTime(), map: c.m.get("k").v, set: [...c.s], re: [c.r.source, c.r.flags],
      typed: [c.t.constructor.name, ...c.t], big: typeof c.big, u: "u" in c, neg0: Object.is(c.neg0, -0), nan: Number.isNaN(c.nan), holes: 1 in c.arr,
    };
    const tryIt = (name, v) => { try { structuredClone(v); out[name] = "ok"; } catch (e) { out[name] = e.name; } };
    tryIt("fn", () => 1);
    tryIt("sym", Symbol("x"));
    tryIt("weak", new WeakMap());
    const err = structuredClone(new RangeError("boom"));
    out.error = [err.constructor.name, err.message];
    const shared = { x: 1 };
    const pair = structuredClone([shared, shared]);
    out.sharedRef = pair[0] === pair[1];
    class K { constructor() { this.a = 1; } m() {} }
    const k = structuredClone(new K());
    out.classLost = [k.constructor.name, k.a, typeof k.m];
    return Response.json(out);
  },
};
