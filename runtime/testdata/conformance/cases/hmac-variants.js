// @case {"requests":[{"path":"/"}]}
const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");
export default {
  async fetch() {
    const enc = new TextEncoder();
    const out = {};
    for (const hash of ["SHA-1", "SHA-256", "SHA-384", "SHA-512"]) {
      const key = await crypto.subtle.importKey("raw", enc.encode("secret-key"), { name: "HMAC", hash }, true, ["sign", "verify"]);
      const sig = await crypto.subtle.sign("HMAC", key, enc.encode("message"));
      out[hash] = [hex(sig), await crypto.subtle.verify("HMAC", key, sig, enc.encode("message")), await crypto.subtle.verify("HMAC", key, sig, enc.encode("other")), key.algorithm.length];
    }
    const gen = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256", length: 128 }, true, ["sign"]);
    out.generated = [gen.type, gen.extractable, gen.usages, gen.algorithm.length, (await crypto.subtle.exportKey("raw", gen)).byteLength];
    const jwk = await crypto.subtle.exportKey("jwk", await crypto.subtle.importKey("raw", enc.encode("k"), { name: "HMAC", hash: "SHA-512" }, true, ["verify"]));
    out.jwk = [jwk.kty, jwk.alg, jwk.k, jwk.key_ops, jwk.ext];
    try { await crypto.subtle.importKey("raw", new Uint8Array(0), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]); } catch (e) { out.emptyKey = e.name; }
    return Response.json(out);
  },
};
