// A small ReadableStream: start/pull/cancel sources, one reader, async iteration. Enough for bodies;
// the full Streams API arrives with the runtime-fidelity work.
class ReadableStream {
  constructor(source = {}) {
    this._source = source;
    this._queue = [];
    this._waiting = [];
    this._closed = false;
    this._error = undefined;
    this._locked = false;
    this._pulling = false;
    const self = this;
    this._controller = {
      enqueue(chunk) { self._enqueue(chunk); },
      close() { self._close(); },
      error(e) { self._fail(e); },
      get desiredSize() { return self._queue.length ? 0 : 1; },
    };
    if (source.start) {
      Promise.resolve(source.start(this._controller)).catch((e) => this._fail(e));
    }
  }
  get locked() { return this._locked; }
  _enqueue(chunk) {
    if (this._closed) throw new TypeError("This ReadableStream is closed.");
    const w = this._waiting.shift();
    if (w) w.resolve({ value: chunk, done: false }); else this._queue.push(chunk);
  }
  _close() {
    this._closed = true;
    if (!this._queue.length) for (const w of this._waiting.splice(0)) w.resolve({ value: undefined, done: true });
  }
  _fail(e) {
    this._error = e === undefined ? new Error("stream errored") : e;
    this._queue = [];
    for (const w of this._waiting.splice(0)) w.reject(this._error);
  }
  _pull() {
    if (!this._source.pull || this._pulling || this._closed || this._error) return;
    this._pulling = true;
    Promise.resolve().then(() => this._source.pull(this._controller)).then(() => {
      this._pulling = false;
      if (this._waiting.length && !this._queue.length) this._pull();
    }, (e) => this._fail(e));
  }
  _read() {
    this._disturbed = true;
    if (this._queue.length) {
      const value = this._queue.shift();
      if (this._closed && !this._queue.length) for (const w of this._waiting.splice(0)) w.resolve({ value: undefined, done: true });
      return Promise.resolve({ value, done: false });
    }
    if (this._error) return Promise.reject(this._error);
    if (this._closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => { this._waiting.push({ resolve, reject }); this._pull(); });
  }
  getReader() { return new ReadableStreamDefaultReader(this); }
  cancel(reason) {
    this._disturbed = true;
    this._closed = true;
    this._queue = [];
    for (const w of this._waiting.splice(0)) w.resolve({ value: undefined, done: true });
    return Promise.resolve(this._source.cancel && this._source.cancel(reason));
  }
  tee() {
    const r = this.getReader();
    const a = [], b = [];
    const mk = (mine) => new ReadableStream({
      pull: async (c) => {
        if (!mine.length) {
          const { value, done } = await r.read();
          if (done) { a.push(null); b.push(null); } else { a.push(value); b.push(value); }
        }
        const v = mine.shift();
        if (v === null) c.close(); else c.enqueue(v);
      },
    });
    return [mk(a), mk(b)];
  }
  // A hand-written async iterator: the prelude is not lowered, and goja has no async generators.
  [Symbol.asyncIterator]() {
    const r = this.getReader();
    return {
      next: () => r.read().then((res) => { if (res.done) r.releaseLock(); return res; }),
      return: (value) => { r.releaseLock(); return Promise.resolve({ value, done: true }); },
      [Symbol.asyncIterator]() { return this; },
    };
  }
  values() { return this[Symbol.asyncIterator](); }
  get [Symbol.toStringTag]() { return "ReadableStream"; }
}
define("ReadableStream", ReadableStream);

class ReadableStreamDefaultReader {
  constructor(stream) {
    if (stream._locked) throw new TypeError("ReadableStream is locked to a reader");
    stream._locked = true;
    Object.defineProperty(this, "_s", { value: stream });
  }
  read() { return this._s._read(); }
  releaseLock() { this._s._locked = false; }
  cancel(r) { return this._s.cancel(r); }
  get closed() { const s = this._s; return new Promise((res) => { if (s._closed) res(); }); }
}
define("ReadableStreamDefaultReader", ReadableStreamDefaultReader);

// nativeStream is a body whose bytes come from Go (an incoming request, a fetch or service-binding
// response): each read happens off the loop, and a stream nobody has read is handed back to Go whole,
// so proxying a body never copies it through JavaScript.
function nativeStream(handle) {
  const s = new ReadableStream({
    pull(c) {
      s._passable = false;
      return __weft.bodyRead(handle).then((chunk) => { if (chunk === null) c.close(); else c.enqueue(new Uint8Array(chunk)); });
    },
    cancel() { __weft.bodyClose(handle); },
  });
  s._handle = handle;
  s._passable = true;
  return s;
}

// passableHandle is the Go handle of an untouched native stream, or undefined.
function passableHandle(stream) {
  return stream instanceof ReadableStream && stream._passable && !stream._locked && !stream._closed ? stream._handle : undefined;
}

// chunkBytes is a stream chunk as bytes (workerd takes strings too, as UTF-8).
function chunkBytes(value) {
  return typeof value === "string" ? new TextEncoder().encode(value) : new Uint8Array(bytesOf(value));
}

// readAll collects a stream of byte (or string) chunks into one Uint8Array.
async function readAll(stream) {
  const parts = [];
  const r = stream.getReader();
  for (;;) {
    const { value, done } = await r.read();
    if (done) break;
    if (typeof value === "string") parts.push(new TextEncoder().encode(value));
    else if (value instanceof ArrayBuffer) parts.push(new Uint8Array(value));
    else if (ArrayBuffer.isView(value)) parts.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    else throw new TypeError("This ReadableStream did not return bytes.");
  }
  return new Uint8Array(__weft.concatBytes(parts));
}
