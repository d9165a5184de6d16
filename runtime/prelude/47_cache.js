// The Cache API: responses kept per environment and cache name, as long as their Cache-Control says.
function cacheKey(req) {
  const r = req instanceof Request ? req : new Request(req);
  return r;
}

class Cache {
  constructor(name) { Object.defineProperty(this, "_name", { value: name }); }
  async match(request, options) {
    const req = cacheKey(request);
    if (req.method !== "GET" && !(options && options.ignoreMethod)) return undefined;
    const d = __weft.cacheMatch(this._name, req.url);
    if (!d) return undefined;
    const res = new Response(nullBodyStatus.includes(d.status) ? null : d.body, { status: d.status, headers: d.headers });
    res.headers.set("cf-cache-status", "HIT");
    res._h._immutable = true; // a cached answer is read-only, like a fetched one
    return res;
  }
  async put(request, response) {
    const req = cacheKey(request);
    if (req.method !== "GET") throw new TypeError("Cannot cache response to non-GET request.");
    if (!(response instanceof Response)) throw new TypeError("Failed to execute 'put' on 'Cache': parameter 2 is not of type 'Response'.");
    if (response.status === 206) throw new TypeError("Cannot cache response to a range request (206 Partial Content).");
    if ((response.headers.get("vary") || "").includes("*")) throw new TypeError("Cannot cache response with 'Vary: *' header.");
    const body = response._body === null ? new ArrayBuffer(0) : wholeBuffer(await response._bytes());
    __weft.cachePut(this._name, req.url, response.status, [...response.headers], body);
  }
  async delete(request, options) {
    const req = cacheKey(request);
    if (req.method !== "GET" && !(options && options.ignoreMethod)) return false;
    return __weft.cacheDelete(this._name, req.url);
  }
}

class CacheStorage {
  constructor() { Object.defineProperty(this, "default", { value: new Cache(""), enumerable: true }); }
  async open(name) { return new Cache(":" + String(name)); }
}
define("caches", new CacheStorage());
define("Cache", Cache);
define("CacheStorage", CacheStorage);
