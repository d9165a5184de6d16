// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    const out = {};
    const enc = new TextEncoder();
    const attempt = async (name, f) => { try { await f(); out[name] = "ok"; } catch (e) { out[name] = e.name; } };
    const signOnly = await crypto.subtle.importKey("raw", enc.encode("k"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    await attempt("verifyWithSignOnly", () => crypto.subtle.verify("HMAC", signOnly, new Uint8Array(32), enc.encode("m")));
    await attempt("exportNonExtractable", () => crypto.subtle.exportKey("raw", signOnly));
    await attempt("wrongAlg", () => crypto.subtle.sign("ECDSA", signOnly, enc.encode("m")));
    await attempt("badUsage", () => crypto.subtle.importKey("raw", enc.encode("k"), { name: "HMAC", hash: "SHA-256" }, false, ["encrypt"]));
    await attempt("unknownAlg", () => crypto.subtle.importKey("raw", enc.encode("k"), { name: "NOPE" }, false, ["sign"]));
    await attempt("badJwk", () => crypto.subtle.importKey("jwk", { kty: "oct" }, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]));
    await attempt("noUsages", () => crypto.subtle.generateKey({ name: "AES-GCM", length: 128 }, false, []));
    await attempt("badIv", async () => crypto.subtle.encrypt({ name: "AES-CBC", iv: new Uint8Array(3) }, await crypto.subtle.importKey("raw", new Uint8Array(16), "AES-CBC", false, ["encrypt"]), enc.encode("x")));
    out.keyProps = [signOnly.type, signOnly.extractable, signOnly.usages, signOnly.algorithm.name, signOnly.algorithm.hash.name, Object.prototype.toString.call(signOnly)];
    return Response.json(out);
  },
};
