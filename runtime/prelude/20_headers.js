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
    if (this._immutable) throw immutableHeaders();
    const k = normName(name), v = normValue(value);
    const vs = this._map.get(k);
    if (vs) vs.push(v); else this._map.set(k, [v]);
  }
  set(name, value) {
    if (this._immutable) throw immutableHeaders();
    this._map.set(normName(name), [normValue(value)]);
  }
  delete(name) {
    if (this._immutable) throw immutableHeaders();
    this._map.delete(normName(name));
  }
  get(name) { const vs = this._map.get(normName(name)); return vs ? vs.join(", ") : null; }
  getAll(name) { return (this._map.get(normName(name)) || []).slice(); }
  getSetCookie() { return (this._map.get("set-cookie") || []).slice(); }
  has(name) { return this._map.has(normName(name)); }
  // _list is the flat [name, value, name, value, …] list Go reads, sorted by name with set-cookie
  // kept apart. It uses no iterators or spreads: in goja each step of one allocates an object, and
  // every response's headers are read this way.
  _list() {
    const keys = [];
    this._map.forEach((_, k) => keys.push(k));
    if (keys.length > 1) keys.sort();
    const out = [];
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i], vs = this._map.get(k);
      if (k === "set-cookie") for (let j = 0; j < vs.length; j++) out.push(k, vs[j]);
      else out.push(k, vs.length === 1 ? vs[0] : vs.join(", "));
    }
    return out;
  }
  // _pairs is the [name, value] list iteration walks.
  _pairs() {
    const list = this._list(), out = [];
    for (let i = 0; i < list.length; i += 2) out.push([list[i], list[i + 1]]);
    return out;
  }
  entries() { return this._pairs()[Symbol.iterator](); }
  keys() { return this._pairs().map((p) => p[0])[Symbol.iterator](); }
  values() { return this._pairs().map((p) => p[1])[Symbol.iterator](); }
  forEach(fn, thisArg) { for (const [k, v] of this._pairs()) fn.call(thisArg, v, k, this); }
  [Symbol.iterator]() { return this.entries(); }
  // _trusted builds Headers from a list Go already validated and lowercased: "name\0value\0…"
  // (headerBlock), or a flat [name, value, …] array.
  static _trusted(list) {
    if (typeof list === "string") list = list === "" ? [] : list.split("\0");
    const h = new Headers(), m = h._map;
    for (let i = 0; i < list.length; i += 2) {
      const k = list[i], vs = m.get(k);
      if (vs) vs.push(list[i + 1]); else m.set(k, [list[i + 1]]);
    }
    return h;
  }
}
// As in workerd, the headers of a request the Worker received and of a response it fetched (or got
// from a binding, or made with Response.redirect) are read-only; copies made with new Request or
// new Response are not.
Object.defineProperty(Headers.prototype, "_immutable", { value: false, writable: true });
const immutableHeaders = () => new TypeError("Can't modify immutable headers.");
define("Headers", Headers);
