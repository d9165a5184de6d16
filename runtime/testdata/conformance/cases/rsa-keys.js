// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    const enc = new TextEncoder();
    const out = {};
    for (const [name, params] of [["RSASSA-PKCS1-v1_5", { name: "RSASSA-PKCS1-v1_5" }], ["RSA-PSS", { name: "RSA-PSS", saltLength: 32 }]]) {
      const pair = await crypto.subtle.generateKey({ name, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"]);
      const sig = await crypto.subtle.sign(params, pair.privateKey, enc.encode("m"));
      const spki = await crypto.subtle.exportKey("spki", pair.publicKey);
      const pkcs8 = await crypto.subtle.exportKey("pkcs8", pair.privateKey);
      const pub = await crypto.subtle.importKey("spki", spki, { name, hash: "SHA-256" }, true, ["verify"]);
      const priv = await crypto.subtle.importKey("pkcs8", pkcs8, { name, hash: "SHA-256" }, false, ["sign"]);
      const sig2 = await crypto.subtle.sign(params, priv, enc.encode("m"));
      const a = pub.algorithm;
      const jwk = await crypto.subtle.exportKey("jwk", pub);
      out[name] = {
        sigLen: sig.byteLength, verify: await crypto.subtle.verify(params, pub, sig, enc.encode("m")), verify2: await crypto.subtle.verify(params, pub, sig2, enc.encode("m")),
        wrong: await crypto.subtle.verify(params, pub, sig, enc.encode("x")), alg: [a.name, a.modulusLength, [...a.publicExponent], a.hash.name],
        jwk: [jwk.kty, jwk.alg, jwk.e], privExtractable: priv.extractable,
      };
    }
    return Response.json(out);
  },
};
