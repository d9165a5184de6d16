// ReadableStream: start/pull/cancel sources, default and BYOB readers, tee, async iteration. A byte
// stream (type "bytes", as every body is) takes ArrayBufferView chunks and can be read into the
// reader's own buffer; its controller has no byobRequest, so sources enqueue as they would otherwise.
// streamEnd is what ReadableStream._next gives at the end, where any value could be a chunk.
const streamEnd = Object.freeze({});

class ReadableStream {
  constructor(source = {}) {
    this._source = source;
    this._bytes = source.type === "bytes";
    if (source.type !== undefined && !this._bytes) throw new TypeError(`Invalid type: ${source.type}`);
    this._queue = [];
    this._waiting = [];
    this._closed = false;
    this._error = undefined;
    this._locked = false;
    this._pulling = false;
    const self = this;
    this._controller = {
      enqueue(chunk) {
        if (self._bytes) {
          if (!ArrayBuffer.isView(chunk)) throw new TypeError("This ReadableStream is a byte stream: chunks must be ArrayBufferViews.");
          if (chunk.byteLength === 0) throw new TypeError("Cannot enqueue a zero-length chunk.");
          chunk = new Uint8Array(__weft.copyBytes(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        }
        self._enqueue(chunk);
      },
      // byobRequest is the buffer a pending read offers the source to fill (the reader's own view for
      // a BYOB read, or one of autoAllocateChunkSize bytes); respond(n) delivers its first n bytes.
      get byobRequest() {
        if (!self._bytes || !self._waiting.length || self._queue.length) return null;
        if (!self._byobView && self._source.autoAllocateChunkSize) self._byobView = new Uint8Array(Number(self._source.autoAllocateChunkSize));
        const view = self._byobView;
        if (!view) return null;
        return {
          view,
          respond(n) {
            if (self._byobView !== view) throw new TypeError("This BYOB request was already answered.");
            if (!(n >= 0 && n <= view.byteLength)) throw new RangeError("bytesWritten is out of range");
            self._byobView = null;
            if (n > 0) self._enqueue(new Uint8Array(__weft.copyBytes(view.buffer, view.byteOffset, n)));
          },
          respondWithNewView(v) { this.respond(v.byteLength); },
        };
      },
      close() { self._close(); },
      error(e) { self._fail(e); },
      get desiredSize() { return self._queue.length ? 0 : 1; },
    };
    if (source.start) {
      // A start that throws errors the stream, as in workerd, rather than the constructor.
      new Promise((resolve) => resolve(source.start(this._controller))).catch((e) => this._fail(e));
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
  // _next is the next chunk for Go's reader of a response body: the chunk itself when one is queued
  // or the source's pull makes one at once, streamEnd at the end, else a promise of either. Go calls
  // it with no script on the stack, so pulling here rather than in a microtask keeps the order, and
  // a chunk made at once costs no promise.
  _next() {
    if (!this._queue.length && !this._closed && !this._error && this._source.pull && !this._pulling) {
      this._pulling = true;
      let r;
      try {
        r = this._source.pull(this._controller);
      } catch (e) {
        this._fail(e);
      }
      if (r !== null && typeof r === "object" && typeof r.then === "function") {
        Promise.resolve(r).then(() => {
          this._pulling = false;
          if (this._waiting.length && !this._queue.length) this._pull();
        }, (e) => this._fail(e));
      } else {
        this._pulling = false;
      }
    }
    if (this._queue.length || this._error || this._closed) {
      this._disturbed = true;
      if (this._error) throw this._error;
      if (!this._queue.length) return streamEnd;
      const value = this._queue.shift();
      if (this._closed && !this._queue.length) for (const w of this._waiting.splice(0)) w.resolve({ value: undefined, done: true });
      return value;
    }
    return this._read().then(({ value, done }) => (done ? streamEnd : value));
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
  getReader(options) {
    const mode = options && options.mode;
    if (mode === undefined) return new ReadableStreamDefaultReader(this);
    if (mode !== "byob") throw new RangeError(`Invalid reader mode: ${mode}`);
    if (!this._bytes) throw new TypeError("This ReadableStream does not support BYOB reads: it is not a byte stream.");
    return new ReadableStreamBYOBReader(this);
  }
  // _readInto reads the next bytes into view, keeping what does not fit for the next read.
  _readInto(view) {
    if (!this._queue.length) this._byobView = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    const size = view.BYTES_PER_ELEMENT || 1;
    const make = (n) => (view instanceof DataView ? new DataView(view.buffer, view.byteOffset, n) : new view.constructor(view.buffer, view.byteOffset, n / size));
    return this._read().then(({ value, done }) => {
      if (done) return { value: make(0), done: true };
      // Fill the view from this chunk and whatever else is already queued.
      const room = view.byteLength - (view.byteLength % size);
      const dest = new Uint8Array(view.buffer, view.byteOffset, room);
      let n = 0;
      for (let chunk = value; chunk !== undefined; chunk = n < room && this._queue.length ? this._queue.shift() : undefined) {
        const src = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        const take = Math.min(src.byteLength, room - n);
        dest.set(src.subarray(0, take), n);
        n += take;
        if (take < src.byteLength) { this._queue.unshift(src.subarray(take)); break; }
      }
      return { value: make(n), done: false };
    });
  }
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
      type: this._bytes ? "bytes" : undefined,
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

class ReadableStreamBYOBReader {
  constructor(stream) {
    if (!(stream instanceof ReadableStream) || !stream._bytes) throw new TypeError("ReadableStreamBYOBReader needs a byte stream");
    if (stream._locked) throw new TypeError("ReadableStream is locked to a reader");
    stream._locked = true;
    Object.defineProperty(this, "_s", { value: stream });
  }
  read(view) {
    if (!ArrayBuffer.isView(view)) return Promise.reject(new TypeError("read() needs an ArrayBufferView"));
    if (view.byteLength === 0) return Promise.reject(new TypeError("read() needs a view with a non-zero byteLength"));
    return this._s._readInto(view);
  }
  // readAtLeast (a workerd extension) reads until min bytes have arrived or the stream ends.
  async readAtLeast(min, view) {
    let filled = 0;
    for (;;) {
      const rest = new Uint8Array(view.buffer, view.byteOffset + filled, view.byteLength - filled);
      const { value, done } = await this._s._readInto(rest);
      filled += value.byteLength;
      if (done || filled >= min || filled === view.byteLength) return { value: new view.constructor(view.buffer, view.byteOffset, filled / (view.BYTES_PER_ELEMENT || 1)), done: done && filled === 0 };
    }
  }
  releaseLock() { this._s._locked = false; }
  cancel(r) { return this._s.cancel(r); }
  get closed() { const s = this._s; return new Promise((res) => { if (s._closed) res(); }); }
}
define("ReadableStreamBYOBReader", ReadableStreamBYOBReader);
define("ReadableByteStreamController", class ReadableByteStreamController { constructor() { throw new TypeError("Illegal constructor"); } });

// nativeStream is a body whose bytes come from Go (an incoming request, a fetch or service-binding
// response): each read happens off the loop, and a stream nobody has read is handed back to Go whole,
// so proxying a body never copies it through JavaScript.
function nativeStream(handle) {
  const s = new ReadableStream({
    type: "bytes",
    pull(c) {
      s._passable = false;
      // A chunk from Go is fresh: it is queued without the copy enqueue makes of a script's chunk.
      return __weft.bodyRead(handle).then((chunk) => { if (chunk === null) c.close(); else if (chunk.byteLength) s._enqueue(new Uint8Array(chunk)); });
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

// readWhole reads a body stream to the end: a Go body nobody has read in one read off the loop, any
// other chunk by chunk.
async function readWhole(stream) {
  const handle = passableHandle(stream);
  if (handle === undefined) return readAll(stream);
  stream._passable = false;
  stream._locked = true;
  return new Uint8Array(await __weft.bodyReadAll(handle));
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
