// Core globals: console, encoding, timers, structuredClone, crypto. Runs once per runtime with the Go
// natives in __weft; nothing here may keep state that belongs to one request.
"use strict";
const G = globalThis;
const define = (name, value) => Object.defineProperty(G, name, { value, writable: true, configurable: true, enumerable: false });

// bytesOf copies any BufferSource into a fresh ArrayBuffer the natives can read.
function bytesOf(v) {
  // Copied in Go: goja copies typed arrays one element at a time.
  if (v instanceof ArrayBuffer) return __weft.copyBytes(v, 0, v.byteLength);
  if (ArrayBuffer.isView(v)) return __weft.copyBytes(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError("Expected an ArrayBuffer or ArrayBufferView");
}
G.__weft_bytesOf = bytesOf;

// inspect formats values roughly as workerd's console (Node's util.inspect) does.
function inspect(v, depth, seen) {
  if (typeof v === "string") return depth === 0 ? v : "'" + v.replace(/'/g, "\\'") + "'";
  if (typeof v === "bigint") return v + "n";
  if (typeof v === "symbol") return v.toString();
  if (typeof v === "function") return "[Function: " + (v.name || "(anonymous)") + "]";
  if (v === null || typeof v !== "object") return String(v);
  if (seen.includes(v)) return "[Circular *1]";
  if (v instanceof Error) return v.stack || String(v);
  if (v instanceof Date) return isNaN(v) ? "Invalid Date" : v.toISOString();
  if (v instanceof RegExp) return String(v);
  if (depth > 2) return Array.isArray(v) ? "[Array]" : "[Object]";
  const next = seen.concat([v]);
  const inner = (x) => inspect(x, depth + 1, next);
  const wrap = (open, parts, close) => parts.length ? open + " " + parts.join(", ") + " " + close : open + close;
  if (Array.isArray(v)) return wrap("[", v.map(inner), "]");
  if (v instanceof Map) return "Map(" + v.size + ") " + wrap("{", [...v].map(([k, x]) => inner(k) + " => " + inner(x)), "}");
  if (v instanceof Set) return "Set(" + v.size + ") " + wrap("{", [...v].map(inner), "}");
  if (ArrayBuffer.isView(v)) return v.constructor.name + "(" + v.length + ") " + wrap("[", Array.from(v, String), "]");
  if (v instanceof ArrayBuffer) return "ArrayBuffer { byteLength: " + v.byteLength + " }";
  const name = v.constructor && v.constructor !== Object && v.constructor.name ? v.constructor.name + " " : "";
  const keyOf = (k) => /^[A-Za-z_$][\w$]*$/.test(k) ? k : "'" + k + "'";
  return name + wrap("{", Object.keys(v).map((k) => keyOf(k) + ": " + inner(v[k])), "}");
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
  encodeInto(src, dest) {
    const b = this.encode(src);
    const n = Math.min(b.length, dest.length);
    dest.set(b.subarray(0, n));
    return { read: n === b.length ? String(src).length : new TextDecoder().decode(b.subarray(0, n)).length, written: n };
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
  decode(input) { return input === undefined ? "" : __weft.utf8Decode(bytesOf(input), this._fatal, this._ignoreBOM); }
}
define("TextEncoder", TextEncoder);
define("TextDecoder", TextDecoder);
define("atob", (s) => __weft.atob(String(s)));
define("btoa", (s) => __weft.btoa(String(s)));

define("setTimeout", (fn, ms = 0, ...args) => __weft.setTimer(Number(ms) || 0, () => fn(...args), false));
define("setInterval", (fn, ms = 0, ...args) => __weft.setTimer(Number(ms) || 0, () => fn(...args), true));
define("clearTimeout", (id) => { if (id !== undefined) __weft.clearTimer(Number(id)); });
define("clearInterval", (id) => { if (id !== undefined) __weft.clearTimer(Number(id)); });
define("queueMicrotask", (fn) => { if (typeof fn !== "function") throw new TypeError("queueMicrotask requires a function"); Promise.resolve().then(fn); });
const started = Date.now();
define("performance", { now: () => Date.now() - started, timeOrigin: started });
define("navigator", { userAgent: "Cloudflare-Workers", hardwareConcurrency: 1 });
define("self", G);

class DOMException extends Error {
  constructor(message = "", name = "Error") { super(message); this.name = name; }
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
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw new DOMException("Could not clone " + (v.constructor && v.constructor.name) + " object.", "DataCloneError");
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
    const plain = (v) => (v && typeof v === "object" && !(v instanceof ArrayBuffer) ? Object.fromEntries(Object.keys(v).map((k) => [k, plain(v[k])])) : v);
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
    const name = typeof alg === "string" ? alg : alg && alg.name;
    return __weft.digest(String(name), bytesOf(data));
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
define("CryptoKey", CryptoKey);
define("crypto", {
  subtle,
  getRandomValues(arr) {
    if (!ArrayBuffer.isView(arr) || arr instanceof Float32Array || arr instanceof Float64Array) throw new TypeError("getRandomValues requires an integer typed array");
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
