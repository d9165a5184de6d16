// fetch, env, and the dispatcher the Go side calls for each request.
async function fetchImpl(input, init) {
  const signal = (init && init.signal) || (input instanceof Request ? input._signal : null);
  if (signal && signal.aborted) throw signal.reason;
  const req = sendable(input, init);
  let pending = __weft.fetch(req.method, req.url, req._headerList(), req.redirect, outgoingBody(req));
  if (signal) {
    // An abort settles the fetch at once; the connection's late answer is dropped.
    pending = Promise.race([pending, new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }))]);
  }
  const r = await pending; // made by goResponse
  if (r.url !== "" && r.url !== req.url) r.redirected = true;
  return r;
}
define("fetch", (input, init) => fetchImpl(input, init));

// sendable is the request fetch(input, init) sends: a Request passed alone is sent as it is, its body
// moving to the subrequest as in workerd, rather than copied into a new Request first.
function sendable(input, init) {
  return input instanceof Request && init === undefined ? input : new Request(input, init);
}

// outgoingBody is what Go sends as a request's body: null, a string or Uint8Array of the body's own
// bytes, which Go takes as they are, or the handle (a number) of a Go body: an untouched one passes
// through, and the script's own stream is pumped into a pipe chunk by chunk as the request sends it
// (each write waits for the reader, so memory stays at one chunk). Go takes a request as positional
// arguments (method, url, headers, body): an object for them cost a hop as much as its property map.
function outgoingBody(req) {
  if (req._body === null) return null;
  if (req.bodyUsed || (req._body instanceof ReadableStream && req._body._locked)) {
    throw new TypeError("Body has already been used. It can only be used once.");
  }
  req._used = true;
  const handle = passableHandle(req._body);
  if (handle !== undefined) return handle;
  if (!(req._body instanceof ReadableStream)) return req._body;
  const pipe = __weft.bodyPipe();
  pumpBody(req._body.getReader(), pipe);
  return pipe;
}

async function pumpBody(reader, pipe) {
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      await __weft.bodyWrite(pipe, chunkBytes(value));
    }
    __weft.bodyEnd(pipe, "");
  } catch (err) {
    __weft.bodyEnd(pipe, String((err && err.message) || err));
    reader.cancel(err).catch(() => {});
  }
}

// Requests made from what Go parsed are not redirected by fetch() when sent on, as in workerd. Their
// headers, and those of the responses Go received, are read-only.
const goRequestProto = Object.create(Request.prototype);
protoDefaults(goRequestProto, { redirect: "manual", _goHeadersImmutable: true });
// request.cf arrives as JSON text (_cf) and is parsed the first time the script reads it; reading
// or assigning it makes it the request's own property, as on other requests.
const parseJSON = JSON.parse; // the script may replace the global's
const ownCF = (r, cf) => Object.defineProperty(r, "cf", { value: cf, writable: true, enumerable: true, configurable: true });
Object.defineProperty(goRequestProto, "cf", {
  get() { return ownCF(this, parseJSON(this._cf)).cf; },
  set(cf) { ownCF(this, cf); },
  configurable: true,
});
const goResponseProto = Object.create(Response.prototype);
protoDefaults(goResponseProto, { _goHeadersImmutable: true });

// goResponse is the Response for an answer Go received (fetch, a service binding, a Durable
// Object): Go calls it as the answer arrives (natives.async) and settles the caller's promise with
// it, which costs no promise job of its own. Status and headers were checked where the answer was
// made, so they are not again. Its body is null, a stream (bodyHandle), or what Go had whole: an
// in-process callee's string, which stays a string as the callee's own Response kept it, or bytes.
// Every field is in the literal, even when it is the default: goja defines a literal's fields as
// they are, where assigning one later first looks along the prototype chain for a setter.
function goResponse(status, statusText, headers, body, bodyHandle, url) {
  return {
    __proto__: goResponseProto, status, statusText, url, _goHeaders: headers,
    _body: bodyHandle !== undefined ? nativeStream(bodyHandle) : body === null || typeof body === "string" ? body : new Uint8Array(body),
  };
}

const listeners = {};
define("addEventListener", (type, fn) => { (listeners[type] = listeners[type] || []).push(fn); });
define("removeEventListener", (type, fn) => { listeners[type] = (listeners[type] || []).filter((f) => f !== fn); });

// serviceBinding is fetch() plus RPC: any other property is a method of the target's entrypoint.
// The RPC proxy sits behind fetch as its prototype, so calling fetch never enters a proxy trap.
function serviceBinding(name) {
  const rpc = new Proxy({}, {
    get(t, prop, receiver) {
      if (typeof prop === "symbol" || prop in t) return Reflect.get(t, prop, receiver);
      if (prop === "then" || prop === "toJSON") return undefined;
      return async (...args) => dsDecode(await __weft.serviceCall(name, prop, dsEncode(args)));
    },
  });
  const binding = Object.create(rpc);
  binding.fetch = function fetch(input, init) {
    try {
      // The answer's url is the one the binding was asked for, as in workerd.
      const req = sendable(input, init);
      return __weft.service(name, req.method, req.url, req._headerList(), outgoingBody(req));
    } catch (err) {
      return Promise.reject(err);
    }
  };
  return binding;
}

// Bindings of kinds a later release implements are present (so scripts can check for them) but throw on use.
const bindingKinds = { kv_namespace: "KV", durable_object_namespace: "Durable Object", r2_bucket: "R2", queue: "Queue" };
function pendingBinding(name, type) {
  const kind = bindingKinds[type] || type;
  return new Proxy({}, {
    get(_, prop) {
      if (typeof prop === "symbol" || prop === "then" || prop === "toJSON") return undefined;
      return () => { throw new Error(`${kind} binding ${name} is not yet supported by Weft`); };
    },
  });
}

function makeEnv(desc) {
  const env = {};
  for (const v of desc.vars) env[v.name] = v.json ? JSON.parse(v.value) : v.value;
  for (const b of desc.bindings) {
    if (b.type === "service") env[b.name] = serviceBinding(b.name);
    else if (b.type === "kv_namespace") env[b.name] = new KVNamespace(b.name);
    else if (b.type === "durable_object_namespace") env[b.name] = new DurableObjectNamespace(b.name);
    else if (b.type === "queue") env[b.name] = new WorkerQueue(b.name);
    else if (b.type === "r2_bucket") env[b.name] = new R2Bucket(b.name);
    else if (b.type === "version_metadata") env[b.name] = Object.freeze({ id: desc.version.id, tag: desc.version.tag, timestamp: desc.version.timestamp });
    else env[b.name] = pendingBinding(b.name, b.type);
  }
  return env;
}

// isResponse is res instanceof Response, answered first by the usual case's prototype: goja's
// instanceof allocates, and every request asks.
const getPrototypeOf = Object.getPrototypeOf;
function isResponse(res) {
  if (res === null || typeof res !== "object") return false;
  const proto = getPrototypeOf(res);
  return proto === Response.prototype || proto === goResponseProto || res instanceof Response;
}

// exportResponse hands a response to Go through __weft.respond(status, statusText, headers,
// contentType, body, bodyHandle, read, cancel), which keeps it for the request's Go side to take
// (making an array or object for it cost goja more than the rest of a hello world's response). Headers
// are the list Go reads, or null when the response has none but the content type its body implies.
// With stream, a streamed body stays a stream: Go takes an untouched Go body whole (bodyHandle), or
// pulls the script's stream one chunk at a time through read(). It answers at once unless it must
// read a stream whole, so the common response costs no extra promise jobs.
function exportResponse(res, stream) {
  if (!isResponse(res)) throw new TypeError("Incorrect type for Promise: the Promise did not resolve to 'Response'.");
  return exportChecked(res, stream);
}

// exportChecked is exportResponse of what is known to be a Response.
function exportChecked(res, stream) {
  if (res.type === "error") throw new TypeError("Return value from serve handler must not be an error response (like Response.error())");
  const body = res._body, status = res.status, statusText = res.statusText, ct = res._ct;
  const headers = res._h !== null ? res._h._list() : res._goHeaders;
  if (body === null) return __weft.respond(status, statusText, headers, ct, null);
  if (typeof body === "string" || !(body instanceof ReadableStream)) { // goja's instanceof allocates
    if (res._used) throw new TypeError("Body has already been used. It can only be used once.");
    res._used = true;
    return __weft.respond(status, statusText, headers, ct, body); // as in outgoingBody
  }
  if (!stream) return respondWhole(res._bytes(), status, statusText, headers, ct);
  if (res._used || body._locked) throw new TypeError("Body has already been used. It can only be used once.");
  res._used = true;
  const handle = passableHandle(body);
  if (handle !== undefined) return __weft.respond(status, statusText, headers, ct, null, handle);
  return respondStreaming(body, status, statusText, headers, ct);
}

// respondWhole and respondStreaming hand Go a response whose body is the script's own stream, read
// whole or chunk by chunk. They are functions apart from exportChecked because goja gives a function
// that makes closures a scope of its own on every call, including calls that make none.
function respondWhole(bytes, status, statusText, headers, ct) {
  return bytes.then((b) => __weft.respond(status, statusText, headers, ct, b));
}

function respondStreaming(body, status, statusText, headers, ct) {
  const reader = body.getReader(); // the reader locks the stream
  // Go copies each chunk out before it asks for the next, so chunks are passed as they are; a chunk
  // the stream has at once is returned as it is, not through a promise.
  const bytes = (value) => {
    if (value === streamEnd) return null;
    if (typeof value === "string") return new TextEncoder().encode(value);
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    if (ArrayBuffer.isView(value)) return value;
    throw new TypeError("This ReadableStream did not return bytes.");
  };
  const read = () => {
    const next = body._next();
    return next instanceof Promise ? next.then(bytes) : bytes(next);
  };
  return __weft.respond(status, statusText, headers, ct, null, undefined, read, () => { reader.cancel(); });
}

// dispatchFetchEvent runs a service worker's fetch listeners and returns the promise of the response
// one gave to respondWith. It is a function apart from handle for the reason respondWhole is.
function dispatchFetchEvent(request, ctx) {
  let responded = null;
  const event = {
    type: "fetch", request,
    respondWith(r) { if (responded) throw new Error("respondWith() was already called"); responded = Promise.resolve(r); },
    waitUntil: ctx.waitUntil, passThroughOnException() {},
  };
  for (const l of listeners.fetch) l.call(G, event);
  if (!responded) throw new Error("No response: the fetch listener did not call event.respondWith()");
  return responded;
}

// __weft_setup runs before the worker's own code; check runs after it and finds the fetch handler.
G.__weft_setup = function (format, envDesc) {
  const env = makeEnv(envDesc);
  if (format === "service-worker") for (const k of Object.keys(env)) define(k, env[k]);
  let handler = null;
  let waits = [];
  const ctx = { waitUntil(p) { __weft.waitUntil(); waits.push(Promise.resolve(p)); }, passThroughOnException() {}, props: {} };
  return {
    check() {
      if (format === "modules") {
        const mod = G.__weft_exports || {};
        handler = mod.default;
        // A worker may have only queue() or scheduled(), or be a WorkerEntrypoint class with RPC methods.
        const known = ["fetch", "queue", "scheduled", "tail", "email"];
        const ok = typeof handler === "function" || (handler && known.some((k) => typeof handler[k] === "function"));
        if (!ok) throw new Error("No fetch handler: export default { async fetch(request, env, ctx) { ... } }");
      } else if (!(listeners.fetch || []).length) {
        throw new Error('No fetch handler: call addEventListener("fetch", (event) => event.respondWith(...))');
      }
    },
    // handle answers with the exported response, or with the handler's promise of a response: a
    // plain async function and its awaits would cost promise jobs on every request.
    handle(method, url, headers, cf, body, bodyHandle) { // as Go's requestArgs
      if (waits.length) waits = [];
      // The Request is made without re-validating what Go parsed: the URL is absolute and the
      // headers valid and lowercase, and Headers are built on first use. It is a literal, as
      // goResponse's is, and made here rather than in a function of its own, which costs a call.
      const request = { __proto__: goRequestProto, _goHeaders: headers, url, method: method === "GET" ? method : checkedMethod(method), _cf: cf };
      if (bodyHandle !== undefined) request._body = nativeStream(bodyHandle);
      else if (body) request._body = new Uint8Array(body);
      let res;
      if (format === "modules") {
        const h = typeof handler === "function" ? new handler(ctx, env) : handler;
        if (typeof h.fetch !== "function") throw new Error("This worker has no fetch() handler");
        res = typeof handler === "function" ? h.fetch(request) : h.fetch(request, env, ctx);
      } else {
        res = dispatchFetchEvent(request, ctx);
      }
      // isResponse(res), written out for the same reason
      const proto = res !== null && typeof res === "object" ? getPrototypeOf(res) : null;
      if (proto === Response.prototype || proto === goResponseProto || (proto !== null && res instanceof Response)) return exportChecked(res, true);
      return Promise.resolve(res); // Go exports what it settles with (exportLater), costing no job here
    },
    exportLater: (res) => exportResponse(res, true),
    // rpc calls a method of the default export or of a named entrypoint, for a service binding.
    async rpc(entrypoint, method, args) {
      const mod = G.__weft_exports || {};
      const target = entrypoint ? mod[entrypoint] : handler;
      if (!target) throw new Error(`This service has no entrypoint named ${entrypoint}`);
      const obj = typeof target === "function" ? new target(ctx, env) : target;
      if (method === "fetch" || method === "constructor" || typeof obj[method] !== "function") {
        throw new TypeError(`The RPC receiver does not implement the method "${method}".`);
      }
      return dsEncode(await obj[method].apply(obj, dsDecode(args)));
    },
    // queue delivers a batch to the queue() handler: each message is acked unless it was retried, or
    // retried when the handler throws (unless it was explicitly acked first).
    async queue(name, raw) {
      const { batch, outcome } = queueBatch(name, raw);
      let error = null;
      try {
        if (format === "modules") {
          const h = typeof handler === "function" ? new handler(ctx, env) : handler;
          if (typeof h.queue !== "function") throw new Error("This worker has no queue() handler: export default { async queue(batch, env, ctx) { ... } }");
          await h.queue(batch, env, ctx);
        } else {
          const ls = listeners.queue || [];
          if (!ls.length) throw new Error('This worker has no queue handler: addEventListener("queue", ...)');
          const waits = [];
          for (const l of ls) l.call(G, { type: "queue", batch, queue: name, messages: batch.messages, waitUntil: (p) => waits.push(p), ackAll: batch.ackAll, retryAll: batch.retryAll });
          await Promise.all(waits);
        }
      } catch (err) {
        error = (err && err.stack) || String(err);
      }
      for (const o of outcome) if (!o.explicit) { if (error) o.retry = true; else o.ack = true; }
      return { error, outcome: outcome.map((o) => ({ ack: o.ack, retry: o.retry, delay: o.delay })) };
    },
    // scheduled runs the scheduled() handler for a cron trigger.
    async scheduled(cron, scheduledTime) {
      waits = [];
      let retry = true;
      const controller = { cron, scheduledTime, type: "scheduled", noRetry() { retry = false; } };
      let error = null;
      try {
        if (format === "modules") {
          const h = typeof handler === "function" ? new handler(ctx, env) : handler;
          if (typeof h.scheduled !== "function") throw new Error("This worker has no scheduled() handler: export default { async scheduled(controller, env, ctx) { ... } }");
          await h.scheduled(controller, env, ctx);
        } else {
          const ls = listeners.scheduled || [];
          if (!ls.length) throw new Error('This worker has no scheduled handler: addEventListener("scheduled", ...)');
          for (const l of ls) l.call(G, { type: "scheduled", cron, scheduledTime, noRetry: controller.noRetry, waitUntil: ctx.waitUntil });
        }
      } catch (err) {
        error = (err && err.stack) || String(err);
      }
      await Promise.allSettled(waits);
      return { retry, error };
    },
    response: goResponse,
    // durable constructs the Durable Object this runtime hosts.
    durable(className, hex, name) {
      const mod = G.__weft_exports || {};
      return durableHost(mod[className], className, hex, name, env);
    },
    // settle returns null when there is no waitUntil work, so the runtime goes straight back to the pool.
    settle() {
      if (!waits.length) return null;
      const pending = waits;
      waits = [];
      return Promise.allSettled(pending).then((results) => {
        for (const r of results) if (r.status === "rejected") __weft.log("exception", "Uncaught (in waitUntil) " + ((r.reason && r.reason.stack) || String(r.reason)));
      });
    },
  };
};
