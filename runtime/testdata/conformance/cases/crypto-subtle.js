// @case {"requests":[{"path":"/"}]}
const enc = new TextEncoder();
const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");
export default {
  async fetch() {
    const s = crypto.subtle;
    const hk = await s.importKey("raw", enc.encode("key"), { name: "HMAC", hash: "SHA-256" }, true, ["sign", "verify"]);
    const mac = hex(await s.sign("HMAC", hk, enc.encode("The quick brown fox jumps over the lazy dog")));
    const jwk = await s.exportKey("jwk", hk);
    const aes = await s.importKey("raw", new Uint8Array(16).fill(7), "AES-GCM", false, ["encrypt", "decrypt"]);
    const ct = await s.encrypt({ name: "AES-GCM", iv: new Uint8Array(12).fill(1) }, aes, enc.encode("plain text"));
    const cbcKey = await s.importKey("raw", new Uint8Array(16).fill(9), "AES-CBC", false, ["encrypt"]);
    const cbc = await s.encrypt({ name: "AES-CBC", iv: new Uint8Array(16).fill(2) }, cbcKey, enc.encode("cbc!"));
    const pw = await s.importKey("raw", enc.encode("password"), "PBKDF2", false, ["deriveBits"]);
    const pb = hex(await s.deriveBits({ name: "PBKDF2", salt: enc.encode("salt"), iterations: 1000, hash: "SHA-256" }, pw, 256));
    const ikm = await s.importKey("raw", enc.encode("input"), "HKDF", false, ["deriveBits"]);
    const hk2 = hex(await s.deriveBits({ name: "HKDF", hash: "SHA-256", salt: enc.encode("s"), info: enc.encode("i") }, ikm, 128));
    const ec = await s.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    const sig = await s.sign({ name: "ECDSA", hash: "SHA-256" }, ec.privateKey, enc.encode("m"));
    const ok = await s.verify({ name: "ECDSA", hash: "SHA-256" }, ec.publicKey, sig, enc.encode("m"));
    let wrongUsage;
    try { await s.decrypt({ name: "AES-CBC", iv: new Uint8Array(16) }, cbcKey, cbc); } catch (err) { wrongUsage = err.name; }
    return Response.json({ mac, jwk: [jwk.kty, jwk.k, jwk.alg], ct: hex(ct), cbc: hex(cbc), pb, hk2, ecdsa: [sig.byteLength, ok, ec.publicKey.algorithm], wrongUsage });
  },
};
