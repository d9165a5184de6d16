// R2 buckets, with workerd's object shapes. Bodies are read from disk in chunks as they are consumed.
const r2Chunk = 64 * 1024;

function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out.buffer;
}

const httpMetadataHeaders = {
  contentType: "content-type", contentLanguage: "content-language", contentDisposition: "content-disposition",
  contentEncoding: "content-encoding", cacheControl: "cache-control", cacheExpiry: "expires",
};

class R2Object {
  constructor(d) {
    this.key = d.key;
    this.version = d.version;
    this.size = d.size;
    this.etag = d.etag;
    this.httpEtag = '"' + d.etag + '"';
    this.uploaded = new Date(d.uploaded);
    this.httpMetadata = JSON.parse(d.httpMetadata || "{}");
    if (this.httpMetadata.cacheExpiry) this.httpMetadata.cacheExpiry = new Date(this.httpMetadata.cacheExpiry);
    this.customMetadata = JSON.parse(d.customMetadata || "{}");
    const checksums = { md5: hexBytes(d.etag) };
    if (d.sha256) checksums.sha256 = hexBytes(d.sha256);
    checksums.toJSON = () => ({ md5: d.etag, sha256: d.sha256 || undefined });
    this.checksums = checksums;
    this.storageClass = "Standard";
    if (d.range) this.range = d.range;
  }
  writeHttpMetadata(headers) {
    for (const [k, h] of Object.entries(httpMetadataHeaders)) {
      const v = this.httpMetadata[k];
      if (v !== undefined) headers.set(h, v instanceof Date ? v.toUTCString() : String(v));
    }
  }
}

class R2ObjectBody extends R2Object {
  constructor(d, handle) {
    super(d);
    let done = false;
    const body = new ReadableStream({
      type: "bytes",
      pull(c) {
        body._passable = false;
        if (done) return;
        const chunk = __weft.r2Read(handle, r2Chunk);
        if (chunk.byteLength === 0) { done = true; __weft.r2Close(handle); c.close(); } else c.enqueue(new Uint8Array(chunk));
      },
      cancel() { done = true; __weft.r2Close(handle); },
    });
    // Served as a response untouched, the object goes from its file to the socket in Go.
    body._handle = handle;
    body._passable = true;
    Object.defineProperty(this, "body", { enumerable: true, value: body });
    this._used = false;
  }
  get bodyUsed() { return this._used; }
  async _bytes() {
    if (this._used) throw new TypeError("Body has already been used. It can only be used once. Use tee() first if you need to read it twice.");
    this._used = true;
    return readWhole(this.body);
  }
  async arrayBuffer() { const b = await this._bytes(); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength); }
  async bytes() { return new Uint8Array(await this.arrayBuffer()); }
  async text() { return new TextDecoder().decode(await this._bytes()); }
  async json() { return JSON.parse(await this.text()); }
}

function r2OnlyIf(c) {
  if (!c) return null;
  if (c instanceof Headers) {
    return { etagMatches: c.get("if-match") || "", etagDoesNotMatch: c.get("if-none-match") || "",
      uploadedBefore: c.get("if-unmodified-since") ? Date.parse(c.get("if-unmodified-since")) : 0,
      uploadedAfter: c.get("if-modified-since") ? Date.parse(c.get("if-modified-since")) : 0 };
  }
  const t = (d) => (d === undefined ? 0 : new Date(d).getTime());
  return { etagMatches: c.etagMatches || "", etagDoesNotMatch: c.etagDoesNotMatch || "", uploadedBefore: t(c.uploadedBefore), uploadedAfter: t(c.uploadedAfter) };
}

function r2Metadata(m) {
  if (!m) return "";
  if (m instanceof Headers) {
    const out = {};
    for (const [k, h] of Object.entries(httpMetadataHeaders)) if (m.has(h)) out[k] = m.get(h);
    return JSON.stringify(out);
  }
  return JSON.stringify(m);
}

function r2Hex(v) {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v.toLowerCase();
  return [...new Uint8Array(bytesOf(v))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

class R2Bucket {
  constructor(binding) { Object.defineProperty(this, "_binding", { value: binding }); }
  async head(key) {
    const d = __weft.r2Head(this._binding, String(key));
    return d ? new R2Object(d) : null;
  }
  async get(key, opts = {}) {
    let range = null;
    if (opts.range) {
      const r = opts.range;
      if (r instanceof Headers) throw new TypeError("range as Headers is not supported by Weft yet");
      range = { offset: r.offset, length: r.length, suffix: r.suffix };
    }
    const d = __weft.r2Get(this._binding, String(key), range, r2OnlyIf(opts.onlyIf));
    if (!d) return null;
    return d.handle < 0 ? new R2Object(d.object) : new R2ObjectBody(d.object, d.handle);
  }
  async put(key, value, opts = {}) {
    let bytes;
    if (value === null || value === undefined) bytes = new Uint8Array(0);
    else if (typeof value === "string") bytes = new TextEncoder().encode(value);
    else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) bytes = new Uint8Array(bytesOf(value));
    else if (value instanceof ReadableStream) bytes = await readAll(value);
    else if (value instanceof Body || (value && typeof value.arrayBuffer === "function")) bytes = new Uint8Array(await value.arrayBuffer());
    else throw new TypeError("put() accepts null, a string, an ArrayBuffer, an ArrayBufferView, a ReadableStream or a Blob.");
    const d = __weft.r2Put(this._binding, String(key), wholeBuffer(bytes), {
      httpMetadata: r2Metadata(opts.httpMetadata), customMetadata: opts.customMetadata ? JSON.stringify(opts.customMetadata) : "",
      md5: r2Hex(opts.md5), sha256: r2Hex(opts.sha256), onlyIf: r2OnlyIf(opts.onlyIf),
    });
    return d ? new R2Object(d) : null;
  }
  async delete(keys) {
    __weft.r2Delete(this._binding, (Array.isArray(keys) ? keys : [keys]).map(String));
  }
  async list(o = {}) {
    const include = o.include || [];
    const r = __weft.r2List(this._binding, { prefix: o.prefix || "", delimiter: o.delimiter || "", cursor: o.cursor || "",
      startAfter: o.startAfter || "", limit: o.limit === undefined ? 1000 : Number(o.limit) });
    const objects = r.objects.map((d) => {
      const obj = new R2Object(d);
      if (!include.includes("httpMetadata")) obj.httpMetadata = {};
      if (!include.includes("customMetadata")) obj.customMetadata = {};
      return obj;
    });
    const out = { objects, delimitedPrefixes: r.delimitedPrefixes, truncated: r.truncated };
    if (r.truncated) out.cursor = r.cursor;
    return out;
  }
  async createMultipartUpload(key, opts = {}) {
    const id = __weft.r2CreateMultipart(this._binding, String(key), r2Metadata(opts.httpMetadata), opts.customMetadata ? JSON.stringify(opts.customMetadata) : "");
    return new R2MultipartUpload(this._binding, String(key), id);
  }
  resumeMultipartUpload(key, uploadId) { return new R2MultipartUpload(this._binding, String(key), String(uploadId)); }
}

class R2MultipartUpload {
  constructor(binding, key, uploadId) {
    Object.defineProperty(this, "_binding", { value: binding });
    this.key = key;
    this.uploadId = uploadId;
  }
  async uploadPart(partNumber, value) {
    let bytes;
    if (typeof value === "string") bytes = new TextEncoder().encode(value);
    else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) bytes = new Uint8Array(bytesOf(value));
    else if (value instanceof ReadableStream) bytes = await readAll(value);
    else throw new TypeError("uploadPart() accepts a string, an ArrayBuffer, an ArrayBufferView or a ReadableStream.");
    const etag = __weft.r2UploadPart(this._binding, this.key, this.uploadId, Number(partNumber), wholeBuffer(bytes));
    return { partNumber: Number(partNumber), etag };
  }
  async abort() { __weft.r2AbortMultipart(this._binding, this.key, this.uploadId); }
  async complete(parts) {
    const d = __weft.r2CompleteMultipart(this._binding, this.key, this.uploadId, parts.map((p) => ({ partNumber: Number(p.partNumber), etag: String(p.etag) })));
    return new R2Object(d);
  }
}
