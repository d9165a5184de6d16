// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    const upper = new TransformStream({ transform(chunk, c) { c.enqueue(chunk.toUpperCase()); } });
    const exclaim = new TransformStream({ transform(chunk, c) { c.enqueue(chunk + "!"); }, flush(c) { c.enqueue("[end]"); } });
    const src = new ReadableStream({ start(c) { c.enqueue("a"); c.enqueue("b"); c.close(); } });
    const out = [];
    for await (const v of src.pipeThrough(upper).pipeThrough(exclaim)) out.push(v);
    const sink = [];
    const ws = new WritableStream({ write(chunk) { sink.push(chunk); }, close() { sink.push("closed"); } });
    await new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } }).pipeTo(ws);
    const { readable, writable } = new TransformStream();
    const w = writable.getWriter();
    w.write(new TextEncoder().encode("through"));
    w.close();
    const text = await new Response(readable).text();
    const bad = new TransformStream({ transform() { throw new Error("transform failed"); } });
    let err = null;
    try { for await (const v of new ReadableStream({ start(c) { c.enqueue("x"); c.close(); } }).pipeThrough(bad)) void v; } catch (e) { err = e.message; }
    return Response.json({ out, sink, text, err });
  },
};
