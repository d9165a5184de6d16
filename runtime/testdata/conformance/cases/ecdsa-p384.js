// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    const enc = new TextEncoder();
    const out = {};
    for (const [curve, hash] of [["P-256", "SHA-256"], ["P-384", "SHA-384"]]) {
      const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: curve }, true, ["sign", "verify"]);
      const sig = await crypto.subtle.sign({ name: "ECDSA", hash }, pair.privateKey, enc.encode("msg"));
      const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
      const pub = await crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: curve }, true, ["verify"]);
      const spki = await crypto.subtle.exportKey("spki", pub);
      const raw = await crypto.subtle.exportKey("raw", pub);
      const fromRaw = await crypto.subtle.importKey("raw", raw, { name: "ECDSA", namedCurve: curve }, true, ["verify"]);
      out[curve] = {
        sigLen: sig.byteLength, ok: await crypto.subtle.verify({ name: "ECDSA", hash }, pub, sig, enc.encode("msg")),
        bad: await crypto.subtle.verify({ name: "ECDSA", hash }, fromRaw, sig, enc.encode("other")),
        jwk: [jwk.kty, jwk.crv, typeof jwk.x, "d" in jwk], spkiLen: spki.byteLength, rawLen: raw.byteLength,
        types: [pair.privateKey.type, pair.publicKey.type, pair.privateKey.usages, pair.publicKey.usages],
      };
    }
    return Response.json(out);
  },
};
