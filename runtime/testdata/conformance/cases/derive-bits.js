// @case {"requests":[{"path":"/"}]}
const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");
export default {
  async fetch() {
    const enc = new TextEncoder();
    const out = {};
    const pw = await crypto.subtle.importKey("raw", enc.encode("password"), "PBKDF2", false, ["deriveBits", "deriveKey"]);
    for (const hash of ["SHA-1", "SHA-256", "SHA-512"]) {
      out["pbkdf2-" + hash] = hex(await crypto.subtle.deriveBits({ name: "PBKDF2", salt: enc.encode("salt"), iterations: 1000, hash }, pw, 256));
    }
    const ikm = await crypto.subtle.importKey("raw", new Uint8Array(22).fill(11), "HKDF", false, ["deriveBits", "deriveKey"]);
    out.hkdf = hex(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(13).map((_, i) => i), info: new Uint8Array(10).map((_, i) => 0xf0 + i) }, ikm, 336));
    const aes = await crypto.subtle.deriveKey({ name: "PBKDF2", salt: enc.encode("s"), iterations: 10, hash: "SHA-256" }, pw, { name: "AES-GCM", length: 128 }, true, ["encrypt"]);
    out.derivedKey = [aes.algorithm.name, aes.algorithm.length, hex(await crypto.subtle.exportKey("raw", aes))];
    const hm = await crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new Uint8Array(0) }, ikm, { name: "HMAC", hash: "SHA-256", length: 256 }, true, ["sign"]);
    out.hmacKey = hex(await crypto.subtle.exportKey("raw", hm));
    try { await crypto.subtle.deriveBits({ name: "PBKDF2", salt: enc.encode("s"), iterations: 0, hash: "SHA-256" }, pw, 128); } catch (e) { out.zeroIter = e.name; }
    return Response.json(out);
  },
};
