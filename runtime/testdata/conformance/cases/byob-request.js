// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    const out = {};
    let n = 0;
    const stream = new ReadableStream({
      type: "bytes",
      pull(c) {
        const req = c.byobRequest;
        if (n === 3) { c.close(); if (req) req.respond(0); return; }
        out["req" + n] = req ? [req.view.constructor.name, req.view.byteLength] : null;
        req.view[0] = 65 + n;
        req.view[1] = 97 + n;
        req.respond(2);
        n++;
      },
    });
    const r = stream.getReader({ mode: "byob" });
    const got = [];
    for (;;) {
      const { value, done } = await r.read(new Uint8Array(8));
      if (done) break;
      got.push(new TextDecoder().decode(value));
    }
    out.got = got;
    let m = 0;
    const auto = new ReadableStream({
      type: "bytes",
      autoAllocateChunkSize: 16,
      pull(c) {
        if (m === 2) { c.close(); const req = c.byobRequest; if (req) req.respond(0); return; }
        const req = c.byobRequest;
        out["auto" + m] = req ? req.view.byteLength : null;
        req.view.set([120, 121, 122]);
        req.respond(3);
        m++;
      },
    });
    out.autoText = await new Response(auto).text();
    return Response.json(out);
  },
};
