// WritableStream, TransformStream, piping, and the encoding and compression transforms.
class WritableStream {
  constructor(sink = {}) {
    this._sink = sink;
    this._locked = false;
    this._state = "writable";
    this._error = undefined;
    this._queue = Promise.resolve();
    const self = this;
    this._controller = { error(e) { self._fail(e); }, signal: new AbortController().signal };
    this._started = Promise.resolve(sink.start && sink.start(this._controller)).catch((e) => this._fail(e));
  }
  get locked() { return this._locked; }
  _fail(e) { if (this._state === "writable") { this._state = "errored"; this._error = e; } }
  _write(chunk) {
    if (this._state !== "writable") return Promise.reject(this._error || new TypeError("This WritableStream is closed."));
    this._queue = this._queue.then(() => this._started).then(() => this._sink.write && this._sink.write(chunk, this._controller))
      .catch((e) => { this._fail(e); throw e; });
    return this._queue;
  }
  _close() {
    if (this._state !== "writable") return Promise.reject(this._error || new TypeError("This WritableStream is closed."));
    this._state = "closing";
    this._queue = this._queue.then(() => this._started).then(() => this._sink.close && this._sink.close()).then(() => { this._state = "closed"; },
      (e) => { this._state = "errored"; this._error = e; throw e; });
    return this._queue;
  }
  _abort(reason) {
    this._state = "errored";
    this._error = reason;
    return Promise.resolve(this._sink.abort && this._sink.abort(reason));
  }
  abort(reason) { if (this._locked) return Promise.reject(new TypeError("WritableStream is locked")); return this._abort(reason); }
  close() { if (this._locked) return Promise.reject(new TypeError("WritableStream is locked")); return this._close(); }
  getWriter() { return new WritableStreamDefaultWriter(this); }
}
define("WritableStream", WritableStream);

class WritableStreamDefaultWriter {
  constructor(stream) {
    if (stream._locked) throw new TypeError("WritableStream is locked to a writer");
    stream._locked = true;
    Object.defineProperty(this, "_s", { value: stream });
  }
  write(chunk) { return this._s._write(chunk); }
  close() { return this._s._close(); }
  abort(r) { return this._s._abort(r); }
  releaseLock() { this._s._locked = false; }
  get ready() { return this._s._queue.catch(() => {}); }
  get closed() { return this._s._queue.then(() => undefined); }
  get desiredSize() { return this._s._state === "writable" ? 1 : 0; }
}
define("WritableStreamDefaultWriter", WritableStreamDefaultWriter);

// Queuing strategies: Weft's streams keep one chunk ahead, but scripts construct and pass these.
define("CountQueuingStrategy", class CountQueuingStrategy {
  constructor({ highWaterMark }) { this.highWaterMark = highWaterMark; }
  size() { return 1; }
});
define("ByteLengthQueuingStrategy", class ByteLengthQueuingStrategy {
  constructor({ highWaterMark }) { this.highWaterMark = highWaterMark; }
  size(chunk) { return chunk.byteLength; }
});

ReadableStream.prototype.pipeTo = async function (dest, opts = {}) {
  const reader = this.getReader();
  const writer = dest.getWriter();
  try {
    for (;;) {
      if (opts.signal && opts.signal.aborted) throw opts.signal.reason;
      const { value, done } = await reader.read();
      if (done) break;
      await writer.write(value);
    }
    if (!opts.preventClose) await writer.close();
  } catch (err) {
    if (!opts.preventAbort) await writer.abort(err);
    if (!opts.preventCancel) await this.cancel(err);
    throw err;
  } finally {
    reader.releaseLock();
    writer.releaseLock();
  }
};
ReadableStream.prototype.pipeThrough = function (pair, opts) {
  this.pipeTo(pair.writable, opts).catch(() => {});
  return pair.readable;
};
ReadableStream.from = function (iterable) {
  const it = iterable[Symbol.asyncIterator] ? iterable[Symbol.asyncIterator]() : iterable[Symbol.iterator]();
  return new ReadableStream({
    async pull(c) { const { value, done } = await it.next(); if (done) c.close(); else c.enqueue(value); },
    cancel(r) { if (it.return) it.return(r); },
  });
};

class TransformStream {
  constructor(transformer = {}) {
    let readableController;
    this.readable = new ReadableStream({ start(c) { readableController = c; } });
    const controller = {
      enqueue: (chunk) => readableController.enqueue(chunk),
      error: (e) => readableController.error(e),
      terminate: () => readableController.close(),
      get desiredSize() { return 1; },
    };
    const started = Promise.resolve(transformer.start && transformer.start(controller));
    this.writable = new WritableStream({
      async write(chunk) {
        await started;
        if (transformer.transform) await transformer.transform(chunk, controller); else controller.enqueue(chunk);
      },
      async close() {
        await started;
        if (transformer.flush) await transformer.flush(controller);
        readableController.close();
      },
      abort(reason) { readableController.error(reason); },
    });
  }
}
define("TransformStream", TransformStream);
define("IdentityTransformStream", class IdentityTransformStream extends TransformStream {});

class TextEncoderStream extends TransformStream {
  constructor() {
    const enc = new TextEncoder();
    super({ transform(chunk, c) { const b = enc.encode(String(chunk)); if (b.length) c.enqueue(b); } });
    this.encoding = "utf-8";
  }
}
define("TextEncoderStream", TextEncoderStream);

class TextDecoderStream extends TransformStream {
  constructor(label = "utf-8", opts = {}) {
    const dec = new TextDecoder(label, opts);
    super({
      transform(chunk, c) { const s = dec.decode(chunk, { stream: true }); if (s) c.enqueue(s); },
      flush(c) { const s = dec.decode(); if (s) c.enqueue(s); },
    });
    this.encoding = dec.encoding;
  }
}
define("TextDecoderStream", TextDecoderStream);

// Compression runs in Go, one compressor per stream, chunk by chunk.
function codecStream(format, decompress, who) {
  if (!["gzip", "deflate", "deflate-raw"].includes(format)) {
    throw new TypeError(`Failed to construct '${who}': Unsupported compression format: '${format}'`);
  }
  let handle = 0;
  return {
    start() { handle = __weft.codecNew(format, decompress); },
    transform(chunk, c) { const out = __weft.codecWrite(handle, bytesOf(chunk)); if (out.byteLength) c.enqueue(new Uint8Array(out)); },
    flush(c) { const out = __weft.codecEnd(handle); if (out.byteLength) c.enqueue(new Uint8Array(out)); },
  };
}
define("CompressionStream", class CompressionStream extends TransformStream { constructor(format) { super(codecStream(String(format), false, "CompressionStream")); } });
define("DecompressionStream", class DecompressionStream extends TransformStream { constructor(format) { super(codecStream(String(format), true, "DecompressionStream")); } });
