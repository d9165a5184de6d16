// Request and Response, with workerd's defaults (content-type of string and JSON bodies, status checks).
const textPlain = "text/plain;charset=UTF-8"; // a string body's content type
function extractBody(body) {
  if (body == null) return { body: null, type: null };
  // A string stays a string until something needs its bytes: Go encodes it on the way out.
  if (typeof body === "string") return { body, type: textPlain };
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return { body: new Uint8Array(bytesOf(body)), type: null };
  if (body instanceof URLSearchParams) return { body: body.toString(), type: "application/x-www-form-urlencoded;charset=UTF-8" };
  if (body instanceof ReadableStream) return { body, type: null };
  if (body instanceof Blob) return { body: body._bytes.slice(), type: body.type || null };
  if (body instanceof FormData) return multipartEncode(body);
  return { body: String(body), type: textPlain };
}


// A request's or response's headers are built on first use: from the list Go parsed (_goHeaders,
// see Headers._trusted), or holding just the content type its body implies (_ct). A hello-world response
// thus never makes a Headers or a Map; its list goes to Go as it is.
class Body {
  // _initBody takes the body and, unless headers (null when not built) name one, its content type.
  _initBody(body, headers) {
    if (body === null) { this._body = null; return; }
    let b = body, type = textPlain; // a string, the usual body, skips extractBody's object
    if (typeof body !== "string") ({ body: b, type } = extractBody(body));
    this._body = b;
    if (!type) return;
    if (headers === null) this._ct = type;
    else if (!headers._map.has("content-type")) headers._map.set("content-type", [type]);
  }
  get headers() {
    if (this._h !== null) return this._h;
    if (this._goHeaders !== null) {
      this._h = Headers._trusted(this._goHeaders);
      this._h._immutable = this._goHeadersImmutable;
      return this._h;
    }
    this._h = new Headers();
    if (this._ct !== null) this._h._map.set("content-type", [this._ct]);
    return this._h;
  }
  get body() {
    if (this._body === null) return null;
    if (this._body instanceof ReadableStream) return this._body;
    const bytes = typeof this._body === "string" ? new TextEncoder().encode(this._body) : this._body;
    this._body = new ReadableStream({ type: "bytes", start(c) { if (bytes.byteLength) c.enqueue(bytes); c.close(); } });
    return this._body;
  }
  // _headerList is the header list Go reads when the request or response is sent on: a flat
  // [name, value, …] array, or the list Go made, as it came, when the script never read the headers.
  _headerList() {
    if (this._h !== null) return this._h._list();
    if (this._goHeaders !== null) return this._goHeaders;
    return this._ct !== null ? ["content-type", this._ct] : [];
  }
  get bodyUsed() { return this._used || (this._body instanceof ReadableStream && !!this._body._disturbed); }
  async _bytes() {
    if (this.bodyUsed) throw new TypeError("Body has already been used. It can only be used once. Use tee() first if you need to read it twice.");
    if (this._body === null) return new Uint8Array(0); // a null body is never "used" (fetch spec)
    this._used = true;
    if (this._body instanceof ReadableStream) {
      return readWhole(this._body);
    }
    return typeof this._body === "string" ? new TextEncoder().encode(this._body) : this._body;
  }
  async arrayBuffer() { return wholeBuffer(await this._bytes()); }
  async bytes() { return new Uint8Array(await this.arrayBuffer()); }
  async text() { return new TextDecoder().decode(await this._bytes()); }
  async json() { return JSON.parse(await this.text()); }
  async formData() {
    const type = this.headers.get("content-type") || "";
    if (type.startsWith("application/x-www-form-urlencoded")) {
      const fd = new FormData();
      for (const [k, v] of new URLSearchParams(await this.text())) fd.append(k, v);
      return fd;
    }
    if (type.startsWith("multipart/form-data")) return multipartDecode(await this._bytes(), type);
    throw new TypeError('Unrecognized Content-Type header value. FormData can only parse the following MIME types: multipart/form-data, application/x-www-form-urlencoded.');
  }
  async blob() { return new Blob([await this._bytes()], { type: this.headers.get("content-type") || "" }); }
  _cloneBody() {
    if (this._used) throw new TypeError("Body has already been used. It can only be used once.");
    if (this._body instanceof ReadableStream) {
      const [a, b] = this._body.tee();
      this._body = a;
      return b;
    }
    const bytes = this._body; // a copy: arrayBuffer() may hand either clone's buffer to the script
    if (typeof bytes === "string") return bytes;
    return bytes && new Uint8Array(__weft.copyBytes(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
}

const nullBodyStatus = [101, 204, 205, 304];
const redirectStatus = [301, 302, 303, 307, 308];
// The fetch standard normalises these six; workerd then accepts only the methods its HTTP layer knows.
const standardMethods = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
const knownMethods = new Set([...standardMethods, "PATCH", "PURGE", "TRACE", "COPY", "LOCK", "MKCOL", "MOVE", "PROPFIND", "PROPPATCH", "SEARCH", "UNLOCK", "ACL",
  "REPORT", "MKACTIVITY", "CHECKOUT", "MERGE", "M-SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "QUERY", "BAN", "CONNECT"]);

// checkedMethod normalises a method as fetch does and refuses one workerd's HTTP layer does not know.
function checkedMethod(method) {
  if (knownMethods.has(method)) return method;
  if (standardMethods.includes(method.toUpperCase())) method = method.toUpperCase();
  if (!tokenRe.test(method) || !knownMethods.has(method)) throw new TypeError(`Invalid HTTP method string: ${method}`);
  return method;
}

const noInit = Object.freeze({}); // a shared default: goja allocates each `= {}` anew
const bodyless = Object.freeze({ body: null });

class Request {
  constructor(input, init = noInit) {
    const src = input instanceof Request ? input : null;
    this.url = src ? src.url : new URL(String(input)).href;
    let method = init.method !== undefined ? String(init.method) : src ? src.method : "GET";
    method = checkedMethod(method);
    this.method = method;
    this._h = new Headers(init.headers !== undefined ? init.headers : src ? src.headers : undefined);
    const redirect = init.redirect || (src ? src.redirect : "follow");
    if (redirect !== "follow") this.redirect = redirect;
    const signal = init.signal || (src ? src._signal : null);
    if (signal) this._signal = signal;
    const cf = init.cf || (src ? src.cf : undefined);
    if (cf !== undefined) this.cf = cf;
    const body = init.body !== undefined ? init.body : src ? src._takeBody() : null;
    if (body != null && (method === "GET" || method === "HEAD")) throw new TypeError("Request with a GET or HEAD method cannot have a body.");
    this._initBody(body, this._h);
  }
  clone() {
    const body = this._cloneBody(); // a tee; new Request(this) alone would take the body
    const r = new Request(this, bodyless);
    r._body = body;
    return immutableAs(this, r);
  }
  // _takeBody moves the body to a Request made from this one, as the fetch standard does: this one
  // reads as used after.
  _takeBody() {
    if (this._body === null) return null;
    if (this.bodyUsed) throw new TypeError("Cannot reconstruct a Request with a used body.");
    this._used = true;
    return this._body;
  }
}

class Response {
  constructor(body = null, init = noInit) {
    if (init === noInit && typeof body === "string") { // new Response(text), the usual answer
      this._body = body;
      this._ct = textPlain;
      return;
    }
    if (init.status !== undefined) {
      const status = Number(init.status);
      if (!Number.isInteger(status) || status < 101 || status > 599) throw new RangeError("Responses may only be constructed with status codes in the range 200 to 599, inclusive.");
      if (body != null && nullBodyStatus.includes(status)) throw new TypeError("Response with null body status (101, 204, 205, or 304) cannot have a body.");
      this.status = status;
    }
    if (init.statusText !== undefined) this.statusText = String(init.statusText);
    if (init.headers !== undefined) this._h = new Headers(init.headers);
    if (init.webSocket) this.webSocket = init.webSocket;
    if (init.cf !== undefined) this.cf = init.cf;
    this._initBody(body, this._h);
  }
  get ok() { return this.status >= 200 && this.status < 300; }
  clone() {
    const r = new Response(null, { status: this.status, statusText: this.statusText, headers: this.headers });
    r._body = this._cloneBody();
    r.url = this.url;
    r.redirected = this.redirected;
    return immutableAs(this, r);
  }
  static json(data, init = noInit) {
    const body = JSON.stringify(data);
    if (body === undefined) throw new TypeError("Value is not JSON serializable");
    const headers = new Headers(init.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return new Response(body, { ...init, headers });
  }
  static redirect(url, status = 302) {
    if (!redirectStatus.includes(status)) throw new RangeError(`${status} is not a redirect status code. It must be one of: 301, 302, 303, 307, or 308.`);
    const r = new Response(null, { status, headers: { location: new URL(String(url)).href } });
    r._h._immutable = true;
    return r;
  }
  static error() {
    const r = new Response(null, { status: 200 });
    r.status = 0;
    r.type = "error";
    return r;
  }
}
// immutableAs gives a clone the read-only headers of its original, as workerd does.
function immutableAs(original, clone) {
  if (original.headers._immutable) clone.headers._immutable = true;
  return clone;
}

// Fields most instances leave at their default live once on the prototype: goja keeps each object's
// own properties in a map and a name list that reallocate as they grow, so every own property a
// request or response does without saves allocations. Assigning one makes it the instance's own.
function protoDefaults(proto, fields) {
  for (const k of Object.keys(fields)) Object.defineProperty(proto, k, { value: fields[k], writable: true, configurable: true });
}
// Request and Response inherit from Body as if they extended it (prototypes and constructors alike),
// but constructing one is a single call: goja runs a derived class's super() as a call of its own.
for (const C of [Request, Response]) {
  Object.setPrototypeOf(C.prototype, Body.prototype);
  Object.setPrototypeOf(C, Body);
}
protoDefaults(Body.prototype, { _body: null, _used: false, _h: null, _goHeaders: null, _goHeadersImmutable: false, _ct: null });
protoDefaults(Request.prototype, { redirect: "follow", _signal: null, cf: undefined });
// A request made without a signal gets one that never aborts when the script first asks, as every
// request has one in workerd; Weft's own code reads _signal, null for none, and makes no signal.
Object.defineProperty(Request.prototype, "signal", {
  get() { if (this._signal === null) this._signal = new AbortController().signal; return this._signal; },
  configurable: true,
});
protoDefaults(Response.prototype, { status: 200, statusText: "", type: "default", url: "", redirected: false, webSocket: null, cf: undefined });
define("Request", Request);
define("Response", Response);
