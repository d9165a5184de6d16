// @case {"requests":[{"path":"/"}]}
export default {
  fetch() {
    const enc = new TextEncoder();
    const out = { encoding: enc.encoding, bytes: [...enc.encode("aé✓😀")], lone: [...enc.encode("\ud800")] };
    const dest = new Uint8Array(5);
    out.into = enc.encodeInto("aé✓", dest);
    out.intoBytes = [...dest];
    const dec = new TextDecoder();
    out.decoder = [dec.encoding, dec.fatal, dec.ignoreBOM];
    out.decode = dec.decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]));
    out.keepBOM = new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x68])).length;
    out.replace = dec.decode(new Uint8Array([0x61, 0xff, 0x62]));
    try { new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xff])); } catch (e) { out.fatal = e.constructor.name; }
    const s = new TextDecoder();
    out.stream = s.decode(new Uint8Array([0xe2, 0x9c]), { stream: true }) + "|" + s.decode(new Uint8Array([0x93]));
    out.label = new TextDecoder("UTF8").encoding;
    try { new TextDecoder("no-such-encoding"); } catch (e) { out.badLabel = e.constructor.name; }
    out.empty = dec.decode();
    out.view = dec.decode(new DataView(new Uint8Array([104, 105]).buffer));
    return Response.json(out);
  },
};
