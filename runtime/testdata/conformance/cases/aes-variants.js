// @case {"requests":[{"path":"/"}]}
const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");
export default {
  async fetch() {
    const enc = new TextEncoder();
    const out = {};
    const raw = new Uint8Array(32).map((_, i) => i);
    const iv = new Uint8Array(12).fill(7);
    const gcm = await crypto.subtle.importKey("raw", raw, "AES-GCM", true, ["encrypt", "decrypt"]);
    const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: enc.encode("aad"), tagLength: 96 }, gcm, enc.encode("plain text"));
    out.gcm = [hex(ct), ct.byteLength];
    out.gcmBack = new TextDecoder().decode(await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: enc.encode("aad"), tagLength: 96 }, gcm, ct));
    try { await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: enc.encode("other") , tagLength: 96}, gcm, ct); } catch (e) { out.gcmTamper = e.name; }
    const k128 = await crypto.subtle.importKey("raw", raw.slice(0, 16), { name: "AES-CBC" }, false, ["encrypt", "decrypt"]);
    const cbc = await crypto.subtle.encrypt({ name: "AES-CBC", iv: new Uint8Array(16) }, k128, enc.encode("exactly16bytes!!"));
    out.cbc = [hex(cbc), cbc.byteLength];
    out.cbcBack = new TextDecoder().decode(await crypto.subtle.decrypt({ name: "AES-CBC", iv: new Uint8Array(16) }, k128, cbc));
    out.alg = [gcm.algorithm.name, gcm.algorithm.length, k128.algorithm.length];
    const jwk = await crypto.subtle.exportKey("jwk", gcm);
    out.jwk = [jwk.kty, jwk.alg, jwk.k.length];
    try { await crypto.subtle.importKey("raw", new Uint8Array(10), "AES-GCM", false, ["encrypt"]); } catch (e) { out.badLength = e.name; }
    const g = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt"]);
    out.generated = [g.algorithm.length, (await crypto.subtle.exportKey("raw", g)).byteLength];
    return Response.json(out);
  },
};
