// Event, EventTarget, AbortController/AbortSignal, Blob, File and FormData.
class Event {
  constructor(type, init = {}) {
    this.type = String(type);
    this.bubbles = !!init.bubbles;
    this.cancelable = !!init.cancelable;
    this.defaultPrevented = false;
    this.timeStamp = Date.now();
    this.target = null;
    this.currentTarget = null;
    this._stop = false;
  }
  preventDefault() { if (this.cancelable) this.defaultPrevented = true; }
  stopImmediatePropagation() { this._stop = true; }
  stopPropagation() {}
}
define("Event", Event);

class CustomEvent extends Event {
  constructor(type, init = {}) { super(type, init); this.detail = init.detail === undefined ? null : init.detail; }
}
define("CustomEvent", CustomEvent);

class EventTarget {
  constructor() { Object.defineProperty(this, "_listeners", { value: new Map() }); }
  addEventListener(type, fn, opts) {
    if (typeof fn !== "function" && !(fn && typeof fn.handleEvent === "function")) return;
    const list = this._listeners.get(type) || [];
    if (list.some((l) => l.fn === fn)) return;
    list.push({ fn, once: !!(opts && typeof opts === "object" && opts.once) });
    this._listeners.set(type, list);
    if (opts && opts.signal) opts.signal.addEventListener("abort", () => this.removeEventListener(type, fn));
  }
  removeEventListener(type, fn) {
    const list = this._listeners.get(type);
    if (list) this._listeners.set(type, list.filter((l) => l.fn !== fn));
  }
  dispatchEvent(event) {
    if (!(event instanceof Event)) throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.");
    event.target = event.currentTarget = this;
    const on = this["on" + event.type]; // workerd runs the on<type> handler first
    if (typeof on === "function") on.call(this, event);
    for (const l of [...(this._listeners.get(event.type) || [])]) {
      if (event._stop) break;
      if (l.once) this.removeEventListener(event.type, l.fn);
      if (typeof l.fn === "function") l.fn.call(this, event); else l.fn.handleEvent(event);
    }
    return !event.defaultPrevented;
  }
}
define("EventTarget", EventTarget);

class AbortSignal extends EventTarget {
  constructor() { super(); this.aborted = false; this.reason = undefined; this.onabort = null; }
  throwIfAborted() { if (this.aborted) throw this.reason; }
  _abort(reason) {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason === undefined ? new DOMException("The operation was aborted", "AbortError") : reason;
    this.dispatchEvent(new Event("abort"));
  }
  static abort(reason) { const s = new AbortSignal(); s._abort(reason); return s; }
  static timeout(ms) {
    const s = new AbortSignal();
    setTimeout(() => s._abort(new DOMException("The operation timed out.", "TimeoutError")), Number(ms));
    return s;
  }
  static any(signals) {
    const s = new AbortSignal();
    for (const x of signals) {
      if (x.aborted) { s._abort(x.reason); return s; }
      x.addEventListener("abort", () => s._abort(x.reason));
    }
    return s;
  }
}
define("AbortSignal", AbortSignal);

class AbortController {
  constructor() { this.signal = new AbortSignal(); }
  abort(reason) { this.signal._abort(reason); }
}
define("AbortController", AbortController);

class Blob {
  constructor(parts = [], opts = {}) {
    const chunks = [];
    for (const p of parts) {
      if (p instanceof Blob) chunks.push(p._bytes);
      else if (p instanceof ArrayBuffer || ArrayBuffer.isView(p)) chunks.push(new Uint8Array(bytesOf(p)));
      else chunks.push(new TextEncoder().encode(String(p)));
    }
    let size = 0;
    for (const c of chunks) size += c.length;
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) { bytes.set(c, at); at += c.length; }
    Object.defineProperty(this, "_bytes", { value: bytes });
    this.type = opts.type ? String(opts.type).toLowerCase() : "";
  }
  get size() { return this._bytes.length; }
  slice(start = 0, end = this.size, type = "") {
    const norm = (i) => (i < 0 ? Math.max(this.size + i, 0) : Math.min(i, this.size));
    return new Blob([this._bytes.slice(norm(start), norm(end))], { type });
  }
  async arrayBuffer() { return __weft.copyBytes(this._bytes.buffer, this._bytes.byteOffset, this._bytes.byteLength); }
  async bytes() { return this._bytes.slice(); }
  async text() { return new TextDecoder().decode(this._bytes); }
  stream() { const b = this._bytes; return new ReadableStream({ start(c) { c.enqueue(b.slice()); c.close(); } }); }
}
define("Blob", Blob);

class File extends Blob {
  constructor(parts, name, opts = {}) {
    super(parts, opts);
    this.name = String(name);
    this.lastModified = opts.lastModified === undefined ? Date.now() : Number(opts.lastModified);
  }
}
define("File", File);

class FormData {
  constructor() { Object.defineProperty(this, "_entries", { value: [] }); }
  _value(value, filename) {
    if (value instanceof Blob) {
      if (filename !== undefined || !(value instanceof File)) return new File([value], filename !== undefined ? filename : "blob", { type: value.type });
      return value;
    }
    return String(value);
  }
  append(name, value, filename) { this._entries.push([String(name), this._value(value, filename)]); }
  set(name, value, filename) {
    name = String(name);
    const i = this._entries.findIndex(([k]) => k === name);
    const v = this._value(value, filename);
    if (i < 0) { this._entries.push([name, v]); return; }
    this._entries[i] = [name, v];
    for (let j = this._entries.length - 1; j > i; j--) if (this._entries[j][0] === name) this._entries.splice(j, 1);
  }
  get(name) { const e = this._entries.find(([k]) => k === String(name)); return e ? e[1] : null; }
  getAll(name) { return this._entries.filter(([k]) => k === String(name)).map(([, v]) => v); }
  has(name) { return this._entries.some(([k]) => k === String(name)); }
  delete(name) { for (let i = this._entries.length - 1; i >= 0; i--) if (this._entries[i][0] === String(name)) this._entries.splice(i, 1); }
  forEach(fn, thisArg) { for (const [k, v] of this._entries) fn.call(thisArg, v, k, this); }
  *entries() { yield* this._entries.map(([k, v]) => [k, v]); }
  *keys() { for (const [k] of this._entries) yield k; }
  *values() { for (const [, v] of this._entries) yield v; }
  [Symbol.iterator]() { return this.entries(); }
}
define("FormData", FormData);

// multipartEncode serialises FormData as a request or response body.
function multipartEncode(fd) {
  const boundary = "----WeftFormBoundary" + __weft.btoa(String.fromCharCode(...new Uint8Array(__weft.randomBytes(12)))).replace(/[+/=]/g, "x");
  const enc = new TextEncoder();
  const esc = (s) => s.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const parts = [];
  for (const [name, v] of fd._entries) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${esc(name)}"`;
    if (v instanceof File) {
      head += `; filename="${esc(v.name)}"\r\nContent-Type: ${v.type || "application/octet-stream"}\r\n\r\n`;
      parts.push(enc.encode(head), v._bytes, enc.encode("\r\n"));
    } else {
      parts.push(enc.encode(head + "\r\n\r\n" + v + "\r\n"));
    }
  }
  parts.push(enc.encode(`--${boundary}--\r\n`));
  return { body: new Blob(parts)._bytes, type: "multipart/form-data; boundary=" + boundary };
}

// multipartDecode parses a multipart/form-data body into FormData.
function multipartDecode(bytes, contentType) {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) throw new TypeError("Missing or invalid boundary parameter in multipart/form-data content type.");
  const boundary = m[1] || m[2];
  const text = latin1(bytes);
  const fd = new FormData();
  const sections = text.split("--" + boundary);
  for (let i = 1; i < sections.length; i++) {
    let sec = sections[i];
    if (sec.startsWith("--")) break;
    sec = sec.replace(/^\r\n/, "").replace(/\r\n$/, "");
    const split = sec.indexOf("\r\n\r\n");
    if (split < 0) continue;
    const headers = sec.slice(0, split), body = sec.slice(split + 4);
    const disp = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers);
    if (!disp) continue;
    const name = (/\bname="([^"]*)"/.exec(disp[1]) || [])[1];
    const filename = (/\bfilename="([^"]*)"/.exec(disp[1]) || [])[1];
    const raw = new Uint8Array(body.length);
    for (let j = 0; j < body.length; j++) raw[j] = body.charCodeAt(j);
    if (filename !== undefined) {
      const type = (/content-type:\s*([^\r\n]+)/i.exec(headers) || [])[1] || "";
      fd.append(name, new File([raw], filename, { type: type.trim() }));
    } else {
      fd.append(name, new TextDecoder().decode(raw));
    }
  }
  return fd;
}

function latin1(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  return s;
}
