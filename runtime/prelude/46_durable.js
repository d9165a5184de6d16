// Durable Objects: namespaces, ids, stubs (fetch and RPC), and the state and storage an object gets.
// Stored values and RPC arguments use a tagged JSON form of the structured-clone types.

function b64(bytes) { let s = ""; for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]); return btoa(s); }
function unb64(s) { const bin = atob(s); const out = new Uint8Array(bin.length); for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i); return out; }
const typedArrays = { Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array };

function dsEnc(v, seen) {
  if (v === undefined) return { $u: 1 };
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0) ? v : { $n: String(Object.is(v, -0) ? "-0" : v) };
  if (typeof v === "bigint") return { $b: v.toString() };
  if (typeof v === "function" || typeof v === "symbol") throw new DOMException(`${typeof v === "function" ? "Function" : "Symbol"} could not be cloned.`, "DataCloneError");
  if (seen.has(v)) throw new DOMException("Cyclic values cannot be stored or passed over RPC by Weft yet.", "DataCloneError");
  seen.add(v);
  let out;
  if (v instanceof Date) out = { $d: v.getTime() };
  else if (v instanceof RegExp) out = { $r: [v.source, v.flags] };
  else if (v instanceof Map) out = { $m: [...v].map(([k, x]) => [dsEnc(k, seen), dsEnc(x, seen)]) };
  else if (v instanceof Set) out = { $s: [...v].map((x) => dsEnc(x, seen)) };
  else if (v instanceof ArrayBuffer) out = { $ab: b64(new Uint8Array(v)) };
  else if (v instanceof DataView) out = { $dv: b64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
  else if (ArrayBuffer.isView(v)) out = { $ta: [v.constructor.name, b64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))] };
  else if (v instanceof Error) out = { $e: [v.name, v.message] };
  else if (Array.isArray(v)) out = v.map((x) => dsEnc(x, seen));
  else {
    const o = {};
    for (const k of Object.keys(v)) o[k] = dsEnc(v[k], seen);
    out = Object.keys(o).some((k) => k[0] === "$") ? { $o: o } : o;
  }
  seen.delete(v);
  return out;
}

function dsDec(v) {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(dsDec);
  if ("$u" in v) return undefined;
  if ("$n" in v) return v.$n === "-0" ? -0 : Number(v.$n);
  if ("$b" in v) return BigInt(v.$b);
  if ("$d" in v) return new Date(v.$d);
  if ("$r" in v) return new RegExp(v.$r[0], v.$r[1]);
  if ("$m" in v) return new Map(v.$m.map(([k, x]) => [dsDec(k), dsDec(x)]));
  if ("$s" in v) return new Set(v.$s.map(dsDec));
  if ("$ab" in v) return unb64(v.$ab).buffer;
  if ("$dv" in v) return new DataView(unb64(v.$dv).buffer);
  if ("$ta" in v) { const bytes = unb64(v.$ta[1]); return new typedArrays[v.$ta[0]](bytes.buffer); }
  if ("$e" in v) { const C = G[v.$e[0]] || Error; const e = new C(v.$e[1]); return e; }
  const src = "$o" in v ? v.$o : v;
  const o = {};
  for (const k of Object.keys(src)) o[k] = dsDec(src[k]);
  return o;
}

const dsEncode = (v) => JSON.stringify(dsEnc(v, new Set()));
const dsDecode = (s) => dsDec(JSON.parse(s));

class DurableObjectId {
  constructor(hex, name) {
    Object.defineProperty(this, "_hex", { value: hex });
    if (name !== undefined) this.name = name;
  }
  toString() { return this._hex; }
  equals(other) { return other instanceof DurableObjectId && other._hex === this._hex; }
}

async function durableFetch(binding, id, input, init) {
  const req = sendable(input, init);
  const body = req._body === null ? null : await req._bytes();
  return __weft.doFetch(binding, id._hex, id.name === undefined ? "" : id.name, req.method, req.url, req._headerList(), body);
}

function durableStub(binding, id) {
  const stub = { id, name: id.name, fetch: (input, init) => durableFetch(binding, id, input, init) };
  return new Proxy(stub, {
    get(target, prop) {
      if (typeof prop === "symbol" || prop in target) return target[prop];
      if (prop === "then" || prop === "toJSON") return undefined;
      return async (...args) => dsDecode(await __weft.doCall(binding, id._hex, id.name === undefined ? "" : id.name, prop, dsEncode(args)));
    },
  });
}

class DurableObjectNamespace {
  constructor(binding) { Object.defineProperty(this, "_binding", { value: binding }); }
  idFromName(name) { return new DurableObjectId(__weft.doIdFromName(this._binding, String(name)), String(name)); }
  newUniqueId() { return new DurableObjectId(__weft.doNewId()); }
  idFromString(s) {
    s = String(s);
    if (!/^[0-9a-f]{64}$/.test(s)) throw new TypeError("Invalid Durable Object ID: must be 64 hex digits");
    return new DurableObjectId(s);
  }
  get(id) {
    if (!(id instanceof DurableObjectId)) throw new TypeError("Failed to execute 'get' on 'DurableObjectNamespace': parameter 1 is not of type 'DurableObjectId'.");
    return durableStub(this._binding, id);
  }
  getByName(name) { return this.get(this.idFromName(name)); }
  jurisdiction() { return this; }
}

// The storage of the object this runtime hosts; the Go side knows which object that is.
function durableStorage() {
  const one = (k) => String(k);
  const storage = {
    async get(key) {
      if (Array.isArray(key)) {
        const r = __weft.doGet(key.map(one));
        const m = new Map();
        for (const k of key.map(one).sort()) if (k in r) m.set(k, dsDecode(r[k]));
        return m;
      }
      const r = __weft.doGet([one(key)]);
      return one(key) in r ? dsDecode(r[one(key)]) : undefined;
    },
    async put(key, value) {
      if (key !== null && typeof key === "object") {
        const entries = {};
        for (const k of Object.keys(key)) entries[k] = dsEncode(key[k]);
        __weft.doPut(entries);
        return;
      }
      if (value === undefined) throw new TypeError("put() called with undefined value");
      __weft.doPut({ [one(key)]: dsEncode(value) });
    },
    async delete(key) {
      if (Array.isArray(key)) return __weft.doDelete(key.map(one));
      return __weft.doDelete([one(key)]) > 0;
    },
    async list(o = {}) {
      if (o.start !== undefined && o.startAfter !== undefined) throw new TypeError("list() cannot be called with both start and startAfter values.");
      const rows = __weft.doList({ start: o.start === undefined ? "" : one(o.start), startAfter: o.startAfter === undefined ? "" : one(o.startAfter),
        end: o.end === undefined ? "" : one(o.end), prefix: o.prefix === undefined ? "" : one(o.prefix), reverse: !!o.reverse, limit: o.limit === undefined ? 0 : Number(o.limit) });
      return new Map(rows.map(([k, v]) => [k, dsDecode(v)]));
    },
    async deleteAll() { __weft.doDeleteAll(); },
    // An object runs one request at a time, so a transaction's writes never interleave with another's;
    // it keeps the old value of every key it writes, and puts them back if fn throws or calls rollback().
    async transaction(fn) {
      const undo = new Map();
      const remember = (keys) => {
        const fresh = keys.filter((k) => !undo.has(k));
        if (!fresh.length) return;
        const old = __weft.doGet(fresh);
        for (const k of fresh) undo.set(k, k in old ? old[k] : undefined);
      };
      const restore = () => {
        const puts = {}, dels = [];
        for (const [k, v] of undo) if (v === undefined) dels.push(k); else puts[k] = v;
        if (Object.keys(puts).length) __weft.doPut(puts);
        if (dels.length) __weft.doDelete(dels);
        undo.clear();
      };
      let rolledBack = false;
      const txn = Object.assign(Object.create(storage), {
        async put(key, value) { remember(key !== null && typeof key === "object" ? Object.keys(key) : [one(key)]); return storage.put(key, value); },
        async delete(key) { remember(Array.isArray(key) ? key.map(one) : [one(key)]); return storage.delete(key); },
        async deleteAll() { throw new Error("deleteAll() cannot be called inside a transaction"); },
        rollback() { rolledBack = true; restore(); },
      });
      try {
        return await fn(txn);
      } catch (err) {
        if (!rolledBack) restore();
        throw err;
      }
    },
    transactionSync(fn) { return fn(); },
    async getAlarm() { const t = __weft.doGetAlarm(); return t === 0 ? null : t; },
    async setAlarm(t) {
      const ms = t instanceof Date ? t.getTime() : Number(t);
      if (!Number.isFinite(ms)) throw new TypeError("setAlarm() requires a Date or a number of milliseconds since the epoch");
      __weft.doSetAlarm(Math.max(ms, 1));
    },
    async deleteAlarm() { __weft.doSetAlarm(0); },
    async sync() {},
  };
  return storage;
}

class DurableObject {
  constructor(ctx, env) { this.ctx = ctx; this.env = env; }
}
class WorkerEntrypoint {
  constructor(ctx, env) { this.ctx = ctx; this.env = env; }
}
class RpcTarget {}
class WorkflowEntrypoint { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }
G.__weft_cf = { DurableObject, WorkerEntrypoint, RpcTarget, WorkflowEntrypoint };

// durableHost builds the object a runtime hosts and the three ways in: fetch, an RPC call, an alarm.
function durableHost(Cls, className, hex, name, env) {
  if (typeof Cls !== "function") throw new Error(`Durable Object class ${className} is not exported by this service`);
  const blockers = [];
  const waits = [];
  const state = {
    id: new DurableObjectId(hex, name === "" ? undefined : name),
    storage: durableStorage(),
    blockConcurrencyWhile(fn) { const p = Promise.resolve().then(fn); blockers.push(p.catch(() => {})); return p; },
    waitUntil(p) { __weft.waitUntil(); waits.push(Promise.resolve(p)); },
    acceptWebSocket() { throw new Error("WebSocket hibernation is not supported by Weft yet"); },
    getWebSockets() { return []; },
  };
  const obj = new Cls(state, env);
  const ready = () => Promise.all(blockers);
  return {
    async fetch(method, url, headers, cf, body) { // as Go's requestArgs
      await ready();
      if (typeof obj.fetch !== "function") throw new Error(`Durable Object class ${className} has no fetch() handler`);
      // Made as handle makes a worker's incoming request: read-only headers, redirect "manual", cf.
      const request = { __proto__: goRequestProto, _goHeaders: headers, url, method: method === "GET" ? method : checkedMethod(method), _cf: cf };
      if (body) request._body = new Uint8Array(body);
      return exportResponse(await obj.fetch(request));
    },
    async call(method, args) {
      await ready();
      if (method === "fetch" || method === "constructor" || typeof obj[method] !== "function") {
        throw new TypeError(`The RPC receiver does not implement the method "${method}".`);
      }
      return dsEncode(await obj[method](...dsDecode(args)));
    },
    async alarm(retryCount) {
      await ready();
      if (typeof obj.alarm !== "function") return;
      await obj.alarm({ retryCount, isRetry: retryCount > 0 });
    },
    // settle is state.waitUntil's work, awaited after the caller has its answer.
    settle() { return waits.length ? Promise.allSettled(waits.splice(0)) : null; },
  };
}
