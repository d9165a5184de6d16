// @case {"requests":[{"path":"/"},{"method":"POST","path":"/body","body":"0123456789abcdefghijklmnopqrstuvwxyz"}]}
export default {
  async fetch(req) {
    const out = {};
    if (new URL(req.url).pathname === "/body") {
      const reader = req.body.getReader({ mode: "byob" });
      const parts = [];
      for (;;) {
        const { value, done } = await reader.read(new Uint8Array(10));
        if (done) break;
        parts.push(new TextDecoder().decode(value));
      }
      return Response.json({ text: parts.join(""), each: parts.every((p) => p.length <= 10) });
    }
    const stream = new ReadableStream({
      type: "bytes",
      start(c) { c.enqueue(new Uint8Array([1, 2, 3, 4, 5, 6, 7])); c.enqueue(new Uint8Array([8, 9])); c.close(); },
    });
    const r = stream.getReader({ mode: "byob" });
    const a = await r.read(new Uint8Array(4));
    const b = await r.read(new Uint8Array(4));
    const c = await r.read(new Uint8Array(4));
    const d = await r.read(new Uint8Array(4));
    out.reads = [[...a.value], a.done, [...b.value], b.done, [...c.value], c.done, d.value.byteLength, d.done];
    out.types = [a.value.constructor.name, typeof ReadableStreamBYOBReader, typeof ReadableByteStreamController];
    try { new ReadableStream().getReader({ mode: "byob" }); } catch (e) { out.notBytes = e.constructor.name; }
    try { new ReadableStream({ type: "nope" }); } catch (e) { out.badType = e.constructor.name; }
    try { new ReadableStream({ type: "bytes", start(ctl) { ctl.enqueue("text"); } }); } catch (e) { out.stringChunk = e.constructor.name; }
    const resBody = new Response("hello bytes").body.getReader({ mode: "byob" });
    const got = await resBody.read(new Uint8Array(64));
    out.responseBody = new TextDecoder().decode(got.value);
    const [t1, t2] = new Response("tee").body.tee();
    out.teeBytes = [(await t1.getReader({ mode: "byob" }).read(new Uint8Array(8))).value.byteLength, (await new Response(t2).text())];
    return Response.json(out);
  },
};
