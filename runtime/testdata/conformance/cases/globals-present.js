// @case {"requests":[{"path":"/"}]}
export default {
  fetch() {
    const names = ["fetch", "Request", "Response", "Headers", "URL", "URLSearchParams", "Blob", "File", "FormData", "ReadableStream", "WritableStream", "TransformStream",
      "TextEncoder", "TextDecoder", "TextEncoderStream", "TextDecoderStream", "CompressionStream", "DecompressionStream", "AbortController", "AbortSignal", "Event", "EventTarget",
      "CustomEvent", "crypto", "caches", "HTMLRewriter", "structuredClone", "queueMicrotask", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "atob", "btoa",
      "performance", "navigator", "console", "WebSocket", "CryptoKey", "SubtleCrypto", "DOMException", "ByteLengthQueuingStrategy", "CountQueuingStrategy",
      "ReadableStreamDefaultReader", "WritableStreamDefaultWriter", "Cache", "CacheStorage", "scheduler", "self", "globalThis"];
    const out = {};
    for (const n of names) out[n] = typeof globalThis[n];
    out.userAgent = navigator.userAgent;
    const a = performance.now(), b = performance.now();
    out.monotonic = b >= a;
    out.timeOrigin = typeof performance.timeOrigin;
    for (const m of ["log", "info", "warn", "error", "debug", "table", "trace", "time", "timeEnd", "group", "groupEnd", "assert", "count", "dir"]) out["console." + m] = typeof console[m];
    console.log("x", { a: 1 }); console.table([{ a: 1 }]); console.assert(true);
    out.selfIsGlobal = self === globalThis;
    out.domException = [new DOMException("m", "AbortError").name, new DOMException("m", "AbortError").code];
    return Response.json(out);
  },
};
