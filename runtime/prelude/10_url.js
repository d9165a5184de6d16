// URL and URLSearchParams. Parsing is WHATWG's, done in Go; URLSearchParams is plain JavaScript.
const spaceEscRe = /%20/g, formExtraRe = /[!'()~]/g, plusRe = /\+/g; // made once, not per call
const formExtraEsc = (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase();
function formEncode(s) {
  return encodeURIComponent(s).replace(spaceEscRe, "+").replace(formExtraRe, formExtraEsc);
}
function formDecode(s) {
  const bytes = [];
  const str = s.replace(plusRe, " ");
  for (let i = 0; i < str.length; i++) {
    const c = str[i];
    if (c === "%" && /^[0-9a-fA-F]{2}$/.test(str.slice(i + 1, i + 3))) {
      bytes.push(parseInt(str.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of new TextEncoder().encode(c)) bytes.push(b);
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

class URLSearchParams {
  constructor(init = "") {
    this._list = [];
    this._url = null;
    if (init instanceof URLSearchParams) this._list = init._list.map(([k, v]) => [k, v]);
    else if (typeof init === "object" && init !== null && typeof init[Symbol.iterator] === "function") {
      for (const pair of init) {
        const p = [...pair];
        if (p.length !== 2) throw new TypeError("Each query pair must be an iterable [name, value] tuple");
        this._list.push([String(p[0]), String(p[1])]);
      }
    } else if (typeof init === "object" && init !== null) {
      for (const k of Object.keys(init)) this._list.push([k, String(init[k])]);
    } else this._parse(String(init));
  }
  _parse(s) {
    this._list = [];
    if (s.startsWith("?")) s = s.slice(1);
    for (const part of s.split("&")) {
      if (!part) continue;
      const eq = part.indexOf("=");
      const k = eq < 0 ? part : part.slice(0, eq), v = eq < 0 ? "" : part.slice(eq + 1);
      this._list.push([formDecode(k), formDecode(v)]);
    }
  }
  _update() { if (this._url) this._url._setSearchFromParams(this.toString()); }
  get size() { return this._list.length; }
  append(k, v) { this._list.push([String(k), String(v)]); this._update(); }
  delete(k, v) { k = String(k); this._list = this._list.filter(([a, b]) => a !== k || (v !== undefined && b !== String(v))); this._update(); }
  get(k) { const e = this._list.find(([a]) => a === String(k)); return e ? e[1] : null; }
  getAll(k) { return this._list.filter(([a]) => a === String(k)).map(([, b]) => b); }
  has(k, v) { return this._list.some(([a, b]) => a === String(k) && (v === undefined || b === String(v))); }
  set(k, v) {
    k = String(k);
    const i = this._list.findIndex(([a]) => a === k);
    if (i < 0) this._list.push([k, String(v)]);
    else { this._list[i][1] = String(v); this._list = this._list.filter(([a], j) => a !== k || j === i); }
    this._update();
  }
  sort() { this._list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); this._update(); }
  forEach(fn, thisArg) { for (const [k, v] of this._list) fn.call(thisArg, v, k, this); }
  keys() { return this._list.map(([k]) => k)[Symbol.iterator](); }
  values() { return this._list.map(([, v]) => v)[Symbol.iterator](); }
  entries() { return this._list.map(([k, v]) => [k, v])[Symbol.iterator](); }
  [Symbol.iterator]() { return this.entries(); }
  toString() { return this._list.map(([k, v]) => formEncode(k) + "=" + formEncode(v)).join("&"); }
}

// A URL keeps its fields in _c, an array in this order, as Go's urlParts makes it.
const urlFields = ["href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash"];
const urlSearch = 9;
class URL {
  // No check of the argument count: reading `arguments` costs goja an object on every call, and
  // new URL() then fails as new URL(undefined) does, with "Invalid URL string."
  constructor(url, base) {
    this._c = __weft.urlParse(String(url), base === undefined ? undefined : String(base));
  }
  static canParse(url, base) { try { new URL(url, base); return true; } catch { return false; } }
  static parse(url, base) { try { return new URL(url, base); } catch { return null; } }
  _set(field, value) {
    this._c = __weft.urlSet(this._c[0], field, String(value));
    if (this._params && (field === "search" || field === "href")) this._params._parse(this._c[urlSearch]);
  }
  _setSearchFromParams(q) { this._c = __weft.urlSet(this._c[0], "search", q); if (q === "") this._c = __weft.urlSet(this._c[0], "search", ""); }
  get searchParams() {
    if (!this._params) { this._params = new URLSearchParams(this._c[urlSearch]); this._params._url = this; }
    return this._params;
  }
  toString() { return this._c[0]; }
  toJSON() { return this._c[0]; }
}
protoDefaults(URL.prototype, { _params: null });
urlFields.forEach((f, i) => {
  const desc = { get() { return this._c[i]; }, enumerable: true, configurable: true };
  if (f !== "origin") desc.set = function (v) { this._set(f, v); };
  Object.defineProperty(URL.prototype, f, desc);
});
define("URL", URL);
define("URLSearchParams", URLSearchParams);
