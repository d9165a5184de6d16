package runtime

import "testing"

func TestCryptoSubtle(t *testing.T) {
	e := newTestEngine()
	w := e.load(t, "crypto", `const enc = new TextEncoder();
const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");
export default { async fetch() {
  const s = crypto.subtle, out = {};
  // HMAC-SHA256 against RFC 4231 test case 2.
  const hk = await s.importKey("raw", enc.encode("Jefe"), { name: "HMAC", hash: "SHA-256" }, true, ["sign", "verify"]);
  const mac = await s.sign("HMAC", hk, enc.encode("what do ya want for nothing?"));
  out.hmac = hex(mac);
  out.hmacVerify = [await s.verify("HMAC", hk, mac, enc.encode("what do ya want for nothing?")), await s.verify("HMAC", hk, mac, enc.encode("x"))];
  out.hmacJwk = (await s.exportKey("jwk", hk)).kty;
  // AES-GCM round trip and tamper detection.
  const ak = await s.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await s.encrypt({ name: "AES-GCM", iv, additionalData: enc.encode("aad") }, ak, enc.encode("secret message"));
  out.gcm = new TextDecoder().decode(await s.decrypt({ name: "AES-GCM", iv, additionalData: enc.encode("aad") }, ak, ct));
  const bad = new Uint8Array(ct); bad[0] ^= 1;
  try { await s.decrypt({ name: "AES-GCM", iv, additionalData: enc.encode("aad") }, ak, bad); } catch (err) { out.tamper = err.name; }
  try { await s.exportKey("raw", ak); } catch (err) { out.notExtractable = err.name; }
  // AES-CBC.
  const ck = await s.importKey("raw", new Uint8Array(16), "AES-CBC", false, ["encrypt", "decrypt"]);
  const cbc = await s.encrypt({ name: "AES-CBC", iv: new Uint8Array(16) }, ck, enc.encode("sixteen bytes!!!"));
  out.cbc = [cbc.byteLength, new TextDecoder().decode(await s.decrypt({ name: "AES-CBC", iv: new Uint8Array(16) }, ck, cbc))];
  // ECDSA P-256 and Ed25519 sign/verify, with keys round-tripped through jwk/spki.
  const ec = await s.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const sig = await s.sign({ name: "ECDSA", hash: "SHA-256" }, ec.privateKey, enc.encode("data"));
  const pubJwk = await s.exportKey("jwk", ec.publicKey);
  const pub2 = await s.importKey("jwk", pubJwk, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  out.ecdsa = [sig.byteLength, await s.verify({ name: "ECDSA", hash: "SHA-256" }, pub2, sig, enc.encode("data")), await s.verify({ name: "ECDSA", hash: "SHA-256" }, pub2, sig, enc.encode("other"))];
  const ed = await s.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  const edSig = await s.sign("Ed25519", ed.privateKey, enc.encode("hi"));
  const edPub = await s.importKey("spki", await s.exportKey("spki", ed.publicKey), "Ed25519", true, ["verify"]);
  out.ed25519 = [edSig.byteLength, await s.verify("Ed25519", edPub, edSig, enc.encode("hi"))];
  // PBKDF2 (RFC 6070 case 2) and HKDF (RFC 5869 case 3) and ECDH agreement.
  const pw = await s.importKey("raw", enc.encode("password"), "PBKDF2", false, ["deriveBits"]);
  out.pbkdf2 = hex(await s.deriveBits({ name: "PBKDF2", salt: enc.encode("salt"), iterations: 2, hash: "SHA-1" }, pw, 160));
  const ikm = await s.importKey("raw", new Uint8Array(22).fill(0x0b), "HKDF", false, ["deriveBits"]);
  out.hkdf = hex(await s.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new Uint8Array(0) }, ikm, 336));
  const a = await s.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
  const b = await s.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
  out.ecdh = hex(await s.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, 256)) === hex(await s.deriveBits({ name: "ECDH", public: a.publicKey }, b.privateKey, 256));
  const dk = await s.deriveKey({ name: "PBKDF2", salt: enc.encode("s"), iterations: 10, hash: "SHA-256" }, pw, { name: "AES-GCM", length: 128 }, true, ["encrypt"]);
  out.deriveKey = [dk.algorithm.name, dk.algorithm.length, dk instanceof CryptoKey];
  try { await s.sign("HMAC", dk, enc.encode("x")); } catch (err) { out.wrongUsage = err.name; }
  return Response.json(out);
} }`, nil)
	r := get(w, "http://c/")
	want := `{"hmac":"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843","hmacVerify":[true,false],"hmacJwk":"oct",` +
		`"gcm":"secret message","tamper":"OperationError","notExtractable":"InvalidAccessError","cbc":[32,"sixteen bytes!!!"],` +
		`"ecdsa":[64,true,false],"ed25519":[64,true],"pbkdf2":"ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957",` +
		`"hkdf":"8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8","ecdh":true,` +
		`"deriveKey":["AES-GCM",128,true],"wrongUsage":"InvalidAccessError"}`
	if r.body != want {
		t.Fatalf("got  %s\nwant %s\n%s", r.body, want, e.logs.text())
	}
}
