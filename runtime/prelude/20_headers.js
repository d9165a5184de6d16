// Headers with workerd's behaviour: lowercase names, sorted iteration, set-cookie kept apart.
const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const headerNameRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*$/; // workerd accepts an empty name
function normName(name) {
  name = String(name);
  if (!headerNameRe.test(name)) throw new TypeError(`Invalid header name: "${name}"`);
  return name.toLowerCase();
}
// Regular expressions live here, not in the functions: a literal is a new object each time it runs.
const headerSpaceRe = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const badValueRe = /[\0\r\n]/;
function normValue(value) {
  value = String(value).replace(headerSpaceRe, "");
  if (badValueRe.test(value)) throw new TypeError("Invalid header value.");
  return value;
}
class Headers {
  constructor(init) {
    this._map = new Map();
    if (init == null) return;
    if (init instanceof Headers) { init._map.forEach((vs, k) => this._map.set(k, vs.slice())); return; }
    if (typeof init !== "object") throw new TypeError("Failed to construct 'Headers': The provided value is not of type 'HeadersInit'.");
    if (typeof init[Symbol.iterator] === "function") {
      for (const pair of init) {
        const p = [...pair];
        if (p.length !== 2) throw new TypeError("Header pairs must contain exactly two items");
        this.append(p[0], p[1]);
      }
    } else for (const k of Object.keys(init)) this.append(k, init[k]);
  }
  append(name, value) {
    const k = normName(name), v = normValue(value);
    const vs = this._map.get(k);
    if (vs) vs.push(v); else this._map.set(k, [v]);
  }
  set(name, value) { this._map.set(normName(name), [normValue(value)]); }
  delete(name) { this._map.delete(normName(name)); }
  get(name) { const vs = this._map.get(normName(name)); return vs ? vs.join(", ") : null; }
  getAll(name) { return (this._map.get(normName(name)) || []).slice(); }
  getSetCookie() { return (this._map.get("set-cookie") || []).slice(); }
  has(name) { return this._map.has(normName(name)); }
  // _pairs is the sorted [name, value] list iteration walks; an array, not a generator: goja's
  // generators are slow and every response's headers are read this way.
  _pairs() {
    const out = [];
    const keys = [...this._map.keys()].sort();
    for (const k of keys) {
      const vs = this._map.get(k);
      if (k === "set-cookie") for (const v of vs) out.push([k, v]);
      else out.push([k, vs.length === 1 ? vs[0] : vs.join(", ")]);
    }
    return out;
  }
  entries() { return this._pairs()[Symbol.iterator](); }
  keys() { return this._pairs().map((p) => p[0])[Symbol.iterator](); }
  values() { return this._pairs().map((p) => p[1])[Symbol.iterator](); }
  forEach(fn, thisArg) { for (const [k, v] of this._pairs()) fn.call(thisArg, v, k, this); }
  [Symbol.iterator]() { return this.entries(); }
  // _trusted builds Headers from pairs Go already validated and lowercased (an incoming request's).
  static _trusted(pairs) {
    const h = new Headers();
    for (const [k, v] of pairs) {
      const vs = h._map.get(k);
      if (vs) vs.push(v); else h._map.set(k, [v]);
    }
    return h;
  }
}
define("Headers", Headers);
