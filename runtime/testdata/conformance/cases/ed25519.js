// @case {"requests":[{"path":"/"}]}
const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");
export default {
  async fetch() {
    const out = {};
    // RFC 8032 test 1: a fixed key gives a fixed signature.
    const priv = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const pkcs8 = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20, ...priv.match(/../g).map((h) => parseInt(h, 16))]);
    const key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, true, ["sign"]);
    const sig = await crypto.subtle.sign("Ed25519", key, new Uint8Array(0));
    out.sig = hex(sig);
    const jwk = await crypto.subtle.exportKey("jwk", key);
    out.jwk = [jwk.kty, jwk.crv, jwk.x, typeof jwk.d];
    const pub = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, "Ed25519", true, ["verify"]);
    out.verify = [await crypto.subtle.verify("Ed25519", pub, sig, new Uint8Array(0)), await crypto.subtle.verify("Ed25519", pub, sig, new Uint8Array(1))];
    out.raw = hex(await crypto.subtle.exportKey("raw", pub));
    out.alg = pub.algorithm.name;
    const gen = await crypto.subtle.generateKey("Ed25519", false, ["sign", "verify"]);
    out.gen = [gen.publicKey.extractable, gen.privateKey.extractable, gen.privateKey.usages];
    return Response.json(out);
  },
};
