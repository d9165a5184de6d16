// KV namespaces, with workerd's API shape: values are stored as bytes, metadata as JSON.
const kvTypes = ["text", "json", "arrayBuffer", "stream"];

function kvDecode(bytes, type) {
  switch (type) {
    case "text": return new TextDecoder().decode(bytes);
    case "json": return JSON.parse(new TextDecoder().decode(bytes));
    case "arrayBuffer": return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    case "stream": return new ReadableStream({ start(c) { c.enqueue(bytes); c.close(); } });
  }
}

function kvType(opts) {
  const type = typeof opts === "string" ? opts : (opts && opts.type) || "text";
  if (!kvTypes.includes(type)) throw new TypeError(`Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".`);
  if (opts && typeof opts === "object" && opts.cacheTtl !== undefined && !(opts.cacheTtl >= 30)) {
    throw new Error(`KV GET failed: 400 Invalid cache_ttl of ${opts.cacheTtl}. Cache TTL must be at least 30.`);
  }
  return type;
}

async function kvBytes(value) {
  if (typeof value === "string") return new TextEncoder().encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ReadableStream) return readAll(value);
  throw new TypeError("KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.");
}

function kvKeyName(key) {
  key = String(key);
  if (key === "") throw new TypeError("Key name cannot be empty.");
  return key;
}

class KVNamespace {
  constructor(binding) { Object.defineProperty(this, "_binding", { value: binding }); }

  async get(key, opts) {
    if (Array.isArray(key)) {
      const type = kvType(opts);
      if (key.length > 100) throw new Error("KV GET_BULK failed: 400 You can request a maximum of 100 keys");
      const out = new Map();
      for (const k of key) {
        const r = __weft.kvGet(this._binding, String(k));
        out.set(String(k), r ? kvDecode(new Uint8Array(r.value), type === "stream" ? "text" : type) : null);
      }
      return out;
    }
    const r = __weft.kvGet(this._binding, kvKeyName(key));
    if (!r) return null; // workerd checks the type only when there is a value to convert
    return kvDecode(new Uint8Array(r.value), kvType(opts));
  }

  async getWithMetadata(key, opts) {
    const type = kvType(opts);
    if (Array.isArray(key)) {
      const out = new Map();
      for (const k of key) out.set(String(k), await this.getWithMetadata(k, type === "stream" ? "text" : type));
      return out;
    }
    const r = __weft.kvGet(this._binding, String(key));
    if (!r) return { value: null, metadata: null, cacheStatus: null };
    return { value: kvDecode(new Uint8Array(r.value), type), metadata: r.metadata ? JSON.parse(r.metadata) : null, cacheStatus: null };
  }

  async put(key, value, opts = {}) {
    const bytes = await kvBytes(value);
    let expiration = 0;
    if (opts.expirationTtl !== undefined) {
      const ttl = Number(opts.expirationTtl);
      if (!(ttl >= 60)) throw new Error(`KV PUT failed: 400 Invalid expiration_ttl of ${opts.expirationTtl}. Expiration TTL must be at least 60.`);
      expiration = Math.floor(Date.now() / 1000) + Math.floor(ttl);
    } else if (opts.expiration !== undefined) {
      expiration = Math.floor(Number(opts.expiration));
      if (!(expiration > Date.now() / 1000 + 59)) {
        throw new Error(`KV PUT failed: 400 Invalid expiration of ${opts.expiration}. Please specify integer greater than the current number of seconds since the UNIX epoch.`);
      }
    }
    const metadata = opts.metadata === undefined || opts.metadata === null ? "" : JSON.stringify(opts.metadata);
    __weft.kvPut(this._binding, kvKeyName(key), wholeBuffer(bytes), metadata, expiration);
  }

  async delete(key) { __weft.kvDelete(this._binding, kvKeyName(key)); }

  async list(opts = {}) {
    const limit = opts.limit === undefined ? 1000 : Number(opts.limit);
    if (!(limit >= 1 && limit <= 1000)) throw new Error(`KV GET failed: 400 Invalid key_count_limit of ${opts.limit}. Please specify an integer less than 1000.`);
    const r = __weft.kvList(this._binding, opts.prefix == null ? "" : String(opts.prefix), limit, opts.cursor == null ? "" : String(opts.cursor));
    const keys = r.keys.map((k) => {
      const key = { name: k.name };
      if (k.expiration) key.expiration = k.expiration;
      if (k.metadata) key.metadata = JSON.parse(k.metadata);
      return key;
    });
    const out = { keys, list_complete: r.list_complete, cacheStatus: null };
    if (!r.list_complete) out.cursor = r.cursor;
    return out;
  }
}
Object.defineProperty(KVNamespace.prototype, Symbol.toStringTag, { value: "KvNamespace" });
