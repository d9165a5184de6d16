// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    const bytes = new TextEncoder().encode("héllo ✓ wörld");
    const src = new ReadableStream({ start(c) { for (let i = 0; i < bytes.length; i += 3) c.enqueue(bytes.slice(i, i + 3)); c.close(); } });
    const parts = [];
    for await (const s of src.pipeThrough(new TextDecoderStream())) parts.push(s);
    const encoded = new ReadableStream({ start(c) { c.enqueue("ab"); c.enqueue("✓"); c.close(); } }).pipeThrough(new TextEncoderStream());
    const chunks = [];
    for await (const b of encoded) chunks.push([b.constructor.name, b.length]);
    return Response.json({ text: parts.join(""), chunks, encoding: new TextDecoderStream().encoding });
  },
};
