// @case {"requests":[{"path":"/"}]}
export default {
  fetch() {
    const e = new TextEncoder();
    const out = {
      same: crypto.subtle.timingSafeEqual(e.encode("abc"), e.encode("abc")),
      diff: crypto.subtle.timingSafeEqual(e.encode("abc"), e.encode("abd")),
      buffers: crypto.subtle.timingSafeEqual(new Uint8Array([1, 2]).buffer, new Uint8Array([1, 2]).buffer),
    };
    try { crypto.subtle.timingSafeEqual(e.encode("a"), e.encode("ab")); } catch (err) { out.lengths = err.constructor.name; }
    const u = crypto.randomUUID();
    out.uuid = [u.length, u[14], /^[0-9a-f-]{36}$/.test(u)];
    const r = crypto.getRandomValues(new Uint32Array(4));
    out.random = [r.length, r.constructor.name];
    try { crypto.getRandomValues(new Uint8Array(70000)); } catch (err) { out.tooMany = err.name; }
    try { crypto.getRandomValues(new Float32Array(2)); } catch (err) { out.floats = err.name; }
    return Response.json(out);
  },
};
