// @case {"requests":[{"method":"POST","path":"/","body":"0123456789abcdefghij"},{"method":"POST","path":"/echo","headers":{"content-type":"text/x-echo"},"body":"echo me"}]}
export default {
  async fetch(req) {
    if (new URL(req.url).pathname === "/echo") return new Response(req.body, { headers: { "content-type": req.headers.get("content-type") } });
    const reader = req.body.getReader();
    let size = 0, chunks = 0, text = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks++; size += value.byteLength; text += new TextDecoder().decode(value);
      if (!(value instanceof Uint8Array)) return new Response("not bytes");
    }
    return Response.json({ size, text, used: req.bodyUsed, locked: req.body.locked, someChunks: chunks > 0 });
  },
};
