// @case {"requests":[{"path":"/"}]}
class Counter {
  #n = 0;
  static #made = 0;
  static { Counter.ready = true; }
  constructor() { Counter.#made++; }
  inc() { return ++this.#n; }
  get #secret() { return "s" + this.#n; }
  reveal() { return this.#secret; }
  static made() { return Counter.#made; }
  has(o) { return #n in o; }
}
async function* gen() { for (let i = 0; i < 3; i++) { await null; yield i; } }
export default {
  async fetch() {
    const c = new Counter(); c.inc(); c.inc();
    const out = { priv: [c.inc(), c.reveal(), Counter.made(), Counter.ready, c.has(c), c.has({})] };
    const got = [];
    for await (const v of gen()) got.push(v);
    out.asyncGen = got;
    out.bigint = [(2n ** 70n).toString(), typeof 1n, BigInt.asUintN(8, 257n).toString(), (7n / 2n).toString()];
    const { a = 1, ...rest } = { b: 2, c: 3 };
    out.destructure = [a, rest];
    out.optional = [null?.x, ({ f: () => 5 }).f?.(), undefined ?? "d", 0 || "or", 0 ?? "nn"];
    let x = null; x ??= 4; let y = 1; y ||= 9; let z = 1; z &&= 7;
    out.logicalAssign = [x, y, z];
    out.array = [[1, [2, [3, [4]]]].flat(Infinity), [3, 1, 2].toSorted(), [1, 2, 3].at(-1), [1, 2, 3].findLast((v) => v < 3), Object.groupBy ? "groupBy" : "none"];
    out.string = ["abc".at(-1), "a-b-c".replaceAll("-", "+"), " x ".trimEnd(), "ab".padStart(4, "*"), String.raw`a\nb`];
    out.object = [Object.fromEntries([["k", 1]]), Object.hasOwn({ q: 1 }, "q"), structuredClone === globalThis.structuredClone];
    out.numeric = [1_000_000, 0b101, 0o17, Number.isSafeInteger(2 ** 53), Math.trunc(-4.7)];
    out.weakref = typeof globalThis.WeakRef;
    out.errorCause = new Error("outer", { cause: "inner" }).cause;
    out.json = JSON.stringify({ u: undefined, f() {}, n: NaN, d: new Date(0), nested: [undefined] });
    out.symbolDesc = Symbol("tag").description;
    out.labels = (() => { outer: for (const i of [1, 2]) { for (const j of [1, 2]) { if (j === 2) continue outer; if (i === 2) break outer; } } return "done"; })();
    return Response.json(out);
  },
};
