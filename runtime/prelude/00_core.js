// Core globals: console, encoding, timers, structuredClone, crypto. Runs once per runtime with the Go
// natives in __weft; nothing here may keep state that belongs to one request.
"use strict";
const G = globalThis;
const define = (name, value) => Object.defineProperty(G, name, { value, writable: true, configurable: true, enumerable: false });

// goja has no Symbol.asyncIterator; esbuild's lowered for-await looks for this same registered symbol.
if (!Symbol.asyncIterator) Object.defineProperty(Symbol, "asyncIterator", { value: Symbol.for("Symbol.asyncIterator") });
// Newer built-ins workerd's V8 has and goja lacks.
const groupBy = (items, key, make, add) => { const out = make(); let i = 0; for (const x of items) add(out, key(x, i++), x); return out; };
if (!Object.groupBy) Object.defineProperty(Object, "groupBy", { writable: true, configurable: true, value: (items, key) => groupBy(items, key, () => Object.create(null), (o, k, x) => { (o[k] = o[k] || []).push(x); }) });
if (!RegExp.escape) {
  const hex = (c, n) => c.toString(16).padStart(n, "0");
  const controls = { "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r" };
  Object.defineProperty(RegExp, "escape", { writable: true, configurable: true, value: (s) => {
    if (typeof s !== "string") throw new TypeError("RegExp.escape requires a string");
    let out = "";
    for (const ch of s) {
      const c = ch.codePointAt(0);
      if (out === "" && /[0-9A-Za-z]/.test(ch)) out += "\\x" + hex(c, 2);
      else if ("^$\\.*+?()[]{}|/".includes(ch)) out += "\\" + ch;
      else if (controls[ch]) out += controls[ch];
      else if (",-=<>#&!%:;@~'`\"".includes(ch) || /\s/.test(ch) || (c >= 0xd800 && c <= 0xdfff)) out += c <= 0xff ? "\\x" + hex(c, 2) : "\\u" + hex(c, 4);
      else out += ch;
    }
    return out;
  } });
}
if (!Map.groupBy) Object.defineProperty(Map, "groupBy", { writable: true, configurable: true, value: (items, key) => groupBy(items, key, () => new Map(), (m, k, x) => { if (!m.has(k)) m.set(k, []); m.get(k).push(x); }) });

// bytesOf copies any BufferSource into a fresh ArrayBuffer the natives can read.
function bytesOf(v) {
  // Copied in Go: goja copies typed arrays one element at a time.
  if (v instanceof ArrayBuffer) return __weft.copyBytes(v, 0, v.byteLength);
  if (ArrayBuffer.isView(v)) return __weft.copyBytes(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError("Expected an ArrayBuffer or ArrayBufferView");
}
G.__weft_bytesOf = bytesOf;

// wholeBuffer is the bytes as an ArrayBuffer, without a copy when they already fill one (a body's
// bytes are its own: extractBody copied what the script passed in).
function wholeBuffer(b) {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : __weft.copyBytes(b.buffer, b.byteOffset, b.byteLength);
}

// inspect formats values as Node's util.inspect does, which workerd's console follows
// (testdata/console holds lines recorded from Node). refs numbers the objects a cycle points back to.
function quote(str) {
  const esc = (q) => str.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(new RegExp(q, "g"), "\\" + q);
  if (!str.includes("'")) return "'" + esc("'") + "'";
  if (!str.includes('"')) return '"' + esc('"') + '"';
  if (!str.includes("`") && !str.includes("${")) return "`" + esc("`") + "`";
  return "'" + esc("'") + "'";
}
function inspectFunction(v) {
  const src = Function.prototype.toString.call(v);
  if (/^class\b/.test(src)) {
    const base = Object.getPrototypeOf(v);
    return "[class " + (v.name || "(anonymous)") + (base && base.name ? " extends " + base.name : "") + "]";
  }
  const kind = v.constructor && /^(Async|Generator|AsyncGenerator)Function$/.test(v.constructor.name) ? v.constructor.name : "Function";
  return v.name ? "[" + kind + ": " + v.name + "]" : "[" + kind + " (anonymous)]";
}
// groupArray lays out more than six array entries in columns, as Node's groupArrayElements does.
function groupArray(parts, values, indent) {
  const lens = parts.map((p) => p.length);
  const total = lens.reduce((a, n) => a + n + 2, 0);
  const maxLen = Math.max(...lens), actualMax = maxLen + 2;
  if (!(actualMax * 3 + indent < 80 && (total / actualMax > 5 || maxLen <= 6))) return parts;
  const bias = Math.sqrt(actualMax - total / parts.length), biasedMax = Math.max(actualMax - 3 - bias, 1);
  const columns = Math.min(Math.round(Math.sqrt(2.5 * biasedMax * parts.length) / biasedMax), Math.floor((80 - indent) / actualMax), 12, 15);
  if (columns <= 1) return parts;
  const widths = [];
  for (let c = 0; c < columns; c++) {
    let w = 0;
    for (let j = c; j < parts.length; j += columns) w = Math.max(w, lens[j]);
    widths.push(w + 2);
  }
  const numeric = values.every((x) => typeof x === "number" || typeof x === "bigint");
  const rows = [];
  for (let i = 0; i < parts.length; i += columns) {
    const last = Math.min(i + columns, parts.length) - 1;
    let row = "";
    for (let j = i; j < last; j++) row += numeric ? (parts[j] + ", ").padStart(widths[j - i]) : (parts[j] + ", ").padEnd(widths[j - i]);
    row += numeric ? parts[last].padStart(widths[last - i] - 2) : parts[last];
    rows.push(row);
  }
  return rows;
}
function inspect(v, depth, seen, st = { refs: new Map(), cur: 0 }) {
  const refs = st.refs;
  if (typeof v === "string") return depth === 0 ? v : quote(v);
  if (typeof v === "bigint") return v + "n";
  if (typeof v === "symbol") return v.toString();
  if (typeof v === "function") return inspectFunction(v);
  if (typeof v === "number" && Object.is(v, -0)) return "-0";
  if (v === null || typeof v !== "object") return String(v);
  if (seen.includes(v)) {
    if (!refs.has(v)) refs.set(v, refs.size + 1);
    return "[Circular *" + refs.get(v) + "]";
  }
  if (v instanceof Error) return v.stack || String(v);
  if (v instanceof Date) return isNaN(v) ? "Invalid Date" : v.toISOString();
  if (v instanceof RegExp) return String(v);
  if (depth > 2) {
    if (Array.isArray(v)) return v.length ? "[Array]" : "[]";
    if (Object.getPrototypeOf(v) === Object.prototype && !Object.keys(v).length) return "{}";
    return "[Object]";
  }
  const next = seen.concat([v]);
  st.cur = depth;
  const inner = (x) => inspect(x, depth + 1, next, st);
  // Node's rule: one line while it fits in 80 columns (counting indentation and separators), else
  // one entry a line, indented.
  // Deeply nested entries (three levels or more below this value) and grouped arrays never share a line.
  const wrap = (open, parts, close, values) => {
    if (!parts.length) return open + close;
    const entries = parts.length;
    if (values && entries > 6) parts = groupArray(parts, values, depth * 2);
    const start = parts.length + depth * 2 + open.length + 10;
    const total = parts.reduce((n, p) => n + p.length, parts.length + start);
    if (st.cur - depth < 3 && entries === parts.length && total + parts.length <= 80 && !parts.some((p) => p.includes("\n"))) return open + " " + parts.join(", ") + " " + close;
    const pad = "  ".repeat(depth);
    return open + "\n" + pad + "  " + parts.join(",\n" + pad + "  ") + "\n" + pad + close;
  };
  let out;
  if (Array.isArray(v)) {
    const parts = [];
    for (let i = 0; i < v.length; i++) {
      if (i in v) { parts.push(inner(v[i])); continue; }
      let n = 0;
      while (i < v.length && !(i in v)) { n++; i++; }
      i--;
      parts.push("<" + n + " empty item" + (n > 1 ? "s" : "") + ">");
    }
    out = wrap("[", parts, "]", v);
  } else if (v instanceof Map) out = "Map(" + v.size + ") " + wrap("{", [...v].map(([k, x]) => inner(k) + " => " + inner(x)), "}");
  else if (v instanceof Set) out = "Set(" + v.size + ") " + wrap("{", [...v].map(inner), "}");
  else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) out = wrap(v.constructor.name + "(" + v.length + ") [", Array.from(v, (x) => inner(x)), "]", Array.from(v));
  else if (v instanceof ArrayBuffer) {
    const bytes = Array.from(new Uint8Array(v, 0, Math.min(v.byteLength, 100)), (b) => b.toString(16).padStart(2, "0"));
    const more = v.byteLength > 100 ? " ... " + (v.byteLength - 100) + " more byte" + (v.byteLength - 100 > 1 ? "s" : "") : "";
    out = wrap("ArrayBuffer {", ["[Uint8Contents]: <" + bytes.join(" ") + more + ">", "byteLength: " + v.byteLength], "}");
  } else {
    const proto = Object.getPrototypeOf(v);
    const name = proto === null ? "[Object: null prototype] " : v.constructor && v.constructor !== Object && v.constructor.name ? v.constructor.name + " " : "";
    const keyOf = (k) => /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k);
    out = wrap(name + "{", Object.keys(v).map((k) => keyOf(k) + ": " + inner(v[k])), "}");
  }
  return refs.has(v) ? "<ref *" + refs.get(v) + "> " + out : out;
}
function format(args) {
  let out = [];
  let i = 0;
  if (typeof args[0] === "string" && /%[sdifoOj%]/.test(args[0]) && args.length > 1) {
    i = 1;
    out.push(args[0].replace(/%[sdifoOj%]/g, (m) => {
      if (m === "%%") return "%";
      if (i >= args.length) return m;
      const a = args[i++];
      if (m === "%s") return typeof a === "string" ? a : inspect(a, 1, []);
      if (m === "%d" || m === "%i") return String(m === "%i" ? Math.trunc(Number(a)) : Number(a));
      if (m === "%f") return String(Number(a));
      if (m === "%j") return JSON.stringify(a);
      return inspect(a, 1, []);
    }));
  }
  for (; i < args.length; i++) out.push(inspect(args[i], 0, []));
  return out.join(" ");
}
G.__weft_inspect = (v) => inspect(v, 1, []);
const consoleObj = {};
for (const level of ["log", "info", "warn", "error", "debug"]) consoleObj[level] = (...args) => __weft.log(level, format(args));
consoleObj.trace = consoleObj.debug;
consoleObj.dir = (v) => __weft.log("log", inspect(v, 0, []));
consoleObj.dirxml = consoleObj.log;
consoleObj.group = consoleObj.groupCollapsed = (...args) => { if (args.length) consoleObj.log(...args); };
consoleObj.groupEnd = () => {};
consoleObj.timeLog = (label = "default", ...args) => { __weft.log("log", label + ": " + (Date.now() - (timers.get(label) || Date.now())) + "ms" + (args.length ? " " + format(args) : "")); };
consoleObj.countReset = (label = "default") => { counts.delete(label); };
consoleObj.table = (data) => __weft.log("log", inspect(data, 0, []));
consoleObj.assert = (cond, ...args) => { if (!cond) __weft.log("error", "Assertion failed" + (args.length ? ": " + format(args) : "")); };
const counts = new Map(), timers = new Map();
consoleObj.count = (label = "default") => { counts.set(label, (counts.get(label) || 0) + 1); __weft.log("log", label + ": " + counts.get(label)); };
consoleObj.time = (label = "default") => { timers.set(label, Date.now()); };
consoleObj.timeEnd = (label = "default") => { __weft.log("log", label + ": " + (Date.now() - (timers.get(label) || Date.now())) + "ms"); timers.delete(label); };
define("console", consoleObj);

class TextEncoder {
  get encoding() { return "utf-8"; }
  encode(input = "") { return new Uint8Array(__weft.utf8Encode(String(input))); }
  // encodeInto writes whole characters only, as the spec says.
  encodeInto(src, dest) {
    const s = String(src);
    let read = 0, written = 0;
    for (const ch of s) {
      const b = this.encode(ch);
      if (written + b.length > dest.length) break;
      dest.set(b, written);
      written += b.length;
      read += ch.length;
    }
    return { read, written };
  }
}
class TextDecoder {
  constructor(label = "utf-8", options = {}) {
    const l = String(label).trim().toLowerCase();
    if (l !== "utf-8" && l !== "utf8" && l !== "unicode-1-1-utf-8") throw new RangeError(`TextDecoder: encoding "${label}" is not supported`);
    this._fatal = !!options.fatal;
    this._ignoreBOM = !!options.ignoreBOM;
  }
  get encoding() { return "utf-8"; }
  get fatal() { return this._fatal; }
  get ignoreBOM() { return this._ignoreBOM; }
  // With {stream: true}, an incomplete character at the end waits for the next call.
  decode(input, options = {}) {
    let bytes = input === undefined ? new Uint8Array(0) : new Uint8Array(bytesOf(input));
    if (this._pending) { const j = new Uint8Array(this._pending.length + bytes.length); j.set(this._pending); j.set(bytes, this._pending.length); bytes = j; this._pending = null; }
    if (options && options.stream) {
      let cut = bytes.length;
      for (let i = Math.max(0, bytes.length - 3); i < bytes.length; i++) {
        const b = bytes[i], need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
        if (need && i + need > bytes.length) { cut = i; break; }
      }
      if (cut < bytes.length) { this._pending = bytes.slice(cut); bytes = bytes.subarray(0, cut); }
    }
    const out = __weft.utf8Decode(bytesOf(bytes), this._fatal, this._ignoreBOM || this._started);
    if (options && options.stream) this._started = true; else this._started = false;
    return out;
  }
}
define("TextEncoder", TextEncoder);
define("TextDecoder", TextDecoder);
const invalidChar = (f) => (s) => { try { return f(s); } catch (e) { throw new DOMException(String(e.message).replace(/^InvalidCharacterError: /, ""), "InvalidCharacterError"); } };
define("atob", invalidChar((s) => __weft.atob(String(s))));
define("btoa", invalidChar((s) => __weft.btoa(String(s))));

define("setTimeout", (fn, ms = 0, ...args) => __weft.setTimer(Number(ms) || 0, () => fn(...args), false));
define("setInterval", (fn, ms = 0, ...args) => __weft.setTimer(Number(ms) || 0, () => fn(...args), true));
define("clearTimeout", (id) => { if (id !== undefined) __weft.clearTimer(Number(id)); });
define("clearInterval", (id) => { if (id !== undefined) __weft.clearTimer(Number(id)); });
define("queueMicrotask", (fn) => { if (typeof fn !== "function") throw new TypeError("queueMicrotask requires a function"); Promise.resolve().then(fn); });
const started = Date.now();
define("performance", { now: () => Date.now() - started, timeOrigin: started });
define("navigator", { userAgent: "Cloudflare-Workers", hardwareConcurrency: 1 });
define("scheduler", { wait: (ms) => new Promise((resolve) => setTimeout(resolve, Number(ms) || 0)) });
define("self", G);

// The legacy codes WebIDL gives DOMException names.
const domCodes = { IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5, NoModificationAllowedError: 7, NotFoundError: 8,
  NotSupportedError: 9, InvalidStateError: 11, SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15, TypeMismatchError: 17,
  SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25 };
class DOMException extends Error {
  constructor(message = "", name = "Error") { super(message); this.name = name; }
  get code() { return domCodes[this.name] || 0; }
}
define("DOMException", DOMException);

function clone(v, seen) {
  if (v === null || typeof v !== "object") {
    if (typeof v === "function" || typeof v === "symbol") throw new DOMException(String(v) + " could not be cloned.", "DataCloneError");
    return v;
  }
  if (seen.has(v)) return seen.get(v);
  let out;
  if (v instanceof Date) out = new Date(v.getTime());
  else if (v instanceof RegExp) out = new RegExp(v.source, v.flags);
  else if (v instanceof ArrayBuffer) out = v.slice(0);
  else if (ArrayBuffer.isView(v)) out = new v.constructor(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  else if (v instanceof Map) { out = new Map(); seen.set(v, out); v.forEach((x, k) => out.set(clone(k, seen), clone(x, seen))); return out; }
  else if (v instanceof Set) { out = new Set(); seen.set(v, out); v.forEach((x) => out.add(clone(x, seen))); return out; }
  else if (v instanceof Error) { out = new v.constructor(v.message); if (v.stack) out.stack = v.stack; }
  else if (v instanceof Boolean || v instanceof Number || v instanceof String) out = Object(v.valueOf());
  else if (Array.isArray(v)) { out = new Array(v.length); seen.set(v, out); for (let i = 0; i < v.length; i++) if (i in v) out[i] = clone(v[i], seen); return out; }
  else {
    // An instance of a script's class clones as a plain object of its own properties; host objects do not clone.
    if (v instanceof WeakMap || v instanceof WeakSet || v instanceof Promise || (G.Request && (v instanceof Request || v instanceof Response || v instanceof Headers || v instanceof ReadableStream))) {
      throw new DOMException("Could not clone " + (v.constructor && v.constructor.name) + " object.", "DataCloneError");
    }
    out = {};
    seen.set(v, out);
    for (const k of Object.keys(v)) out[k] = clone(v[k], seen);
    return out;
  }
  seen.set(v, out);
  return out;
}
define("structuredClone", (v) => clone(v, new Map()));

// CryptoKey wraps a key whose material stays on the Go side, in this runtime.
class CryptoKey {
  constructor(d) {
    Object.defineProperty(this, "_handle", { value: d.handle });
    this.type = d.type;
    this.extractable = d.extractable;
    // Go hands the algorithm over as a map; its keys come out in workerd's order.
    const order = ["name", "namedCurve", "length", "modulusLength", "publicExponent", "hash"];
    const rank = (k) => (order.includes(k) ? order.indexOf(k) : order.length);
    const plain = (v) => (v instanceof ArrayBuffer ? new Uint8Array(v) : v && typeof v === "object"
      ? Object.fromEntries(Object.keys(v).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1)).map((k) => [k, plain(v[k])])) : v);
    this.algorithm = Object.freeze(plain(d.algorithm));
    this.usages = Object.freeze([...d.usages]);
    Object.freeze(this);
  }
}

const b64bytes = (v) => { const b = new Uint8Array(bytesOf(v)); let s = ""; for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]); return __weft.btoa(s); };

// algorithmJSON normalises an AlgorithmIdentifier for the Go side (BufferSources as base64).
function algorithmJSON(alg) {
  const a = typeof alg === "string" ? { name: alg } : Object.assign({}, alg);
  if (typeof a.name !== "string") throw new TypeError("Algorithm: name is required");
  if (a.hash !== undefined) a.hash = typeof a.hash === "string" ? a.hash : a.hash.name;
  for (const k of ["iv", "additionalData", "salt", "info"]) if (a[k] !== undefined) a[k] = b64bytes(a[k]);
  if (a.public !== undefined) {
    if (!(a.public instanceof CryptoKey)) throw new TypeError("ECDH: public must be a CryptoKey");
    a.public = a.public._handle;
  }
  delete a.publicExponent;
  return JSON.stringify(a);
}

const keyUsages = (u) => { if (!Array.isArray(u)) throw new TypeError("keyUsages must be an array"); return u.map(String); };
const asKey = (k) => { if (!(k instanceof CryptoKey)) throw new TypeError("key must be a CryptoKey"); return k._handle; };

const subtle = {
  async digest(alg, data) {
    const name = String(typeof alg === "string" ? alg : alg && alg.name).toUpperCase();
    if (!["SHA-1", "SHA-256", "SHA-384", "SHA-512", "MD5"].includes(name)) throw new DOMException("Unrecognized name.", "NotSupportedError");
    return __weft.digest(name, bytesOf(data));
  },
  async importKey(format, keyData, alg, extractable, usages) {
    const data = format === "jwk" ? JSON.stringify(keyData) : bytesOf(keyData);
    return new CryptoKey(__weft.cryptoImport(String(format), data, algorithmJSON(alg), !!extractable, keyUsages(usages)));
  },
  async exportKey(format, key) {
    const out = __weft.cryptoExport(asKey(key), String(format));
    return format === "jwk" ? JSON.parse(out) : out;
  },
  async generateKey(alg, extractable, usages) {
    const d = __weft.cryptoGenerate(algorithmJSON(alg), !!extractable, keyUsages(usages));
    return d.publicKey ? { publicKey: new CryptoKey(d.publicKey), privateKey: new CryptoKey(d.privateKey) } : new CryptoKey(d);
  },
  async sign(alg, key, data) { return __weft.cryptoSign(asKey(key), algorithmJSON(alg), bytesOf(data)); },
  async verify(alg, key, signature, data) { return __weft.cryptoVerify(asKey(key), algorithmJSON(alg), bytesOf(signature), bytesOf(data)); },
  async encrypt(alg, key, data) { return __weft.cryptoEncrypt(asKey(key), algorithmJSON(alg), bytesOf(data), false); },
  async decrypt(alg, key, data) { return __weft.cryptoEncrypt(asKey(key), algorithmJSON(alg), bytesOf(data), true); },
  async deriveBits(alg, key, length) { return __weft.cryptoDeriveBits(asKey(key), algorithmJSON(alg), length == null ? 0 : Number(length)); },
  async deriveKey(alg, key, derivedAlg, extractable, usages) {
    const d = typeof derivedAlg === "string" ? { name: derivedAlg } : derivedAlg;
    let length = d.length;
    if (!length && String(d.name).toUpperCase() === "HMAC") {
      const h = typeof d.hash === "string" ? d.hash : d.hash && d.hash.name;
      length = /384|512/.test(h) ? 1024 : 512;
    }
    const bits = await this.deriveBits(alg, key, length);
    return this.importKey("raw", bits, derivedAlg, extractable, usages);
  },
  timingSafeEqual(a, b) {
    const x = new Uint8Array(bytesOf(a)), y = new Uint8Array(bytesOf(b));
    if (x.length !== y.length) throw new TypeError("Input buffers must have the same byte length");
    let d = 0;
    for (let i = 0; i < x.length; i++) d |= x[i] ^ y[i];
    return d === 0;
  },
};
class SubtleCrypto { constructor() { throw new TypeError("Illegal constructor"); } }
Object.setPrototypeOf(subtle, SubtleCrypto.prototype);
define("SubtleCrypto", SubtleCrypto);
define("CryptoKey", CryptoKey);
define("crypto", {
  subtle,
  getRandomValues(arr) {
    if (!ArrayBuffer.isView(arr)) throw new TypeError("getRandomValues requires an integer typed array");
    if (arr instanceof Float32Array || arr instanceof Float64Array || arr instanceof DataView) throw new DOMException("The data argument must be an integer-type TypedArray", "TypeMismatchError");
    if (arr.byteLength > 65536) throw new DOMException("The ArrayBufferView's byte length exceeds 65536", "QuotaExceededError");
    new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength).set(new Uint8Array(__weft.randomBytes(arr.byteLength)));
    return arr;
  },
  randomUUID() {
    const b = new Uint8Array(__weft.randomBytes(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  },
});
