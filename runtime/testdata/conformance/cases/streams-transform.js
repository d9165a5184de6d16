// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    const upper = new TransformStream({ transform(c, ctl) { ctl.enqueue(c.toUpperCase()); }, flush(ctl) { ctl.enqueue("!"); } });
    const text = await new Response(new Response("abc").body.pipeThrough(new TextDecoderStream()).pipeThrough(upper).pipeThrough(new TextEncoderStream())).text();
    const written = [];
    await new Response("xyz").body.pipeThrough(new TextDecoderStream()).pipeTo(new WritableStream({ write(c) { written.push(c); } }));
    const gz = new Response("compress me ".repeat(20)).body.pipeThrough(new CompressionStream("gzip"));
    const round = await new Response(gz.pipeThrough(new DecompressionStream("gzip"))).text();
    const df = new Response("deflate ".repeat(10)).body.pipeThrough(new CompressionStream("deflate"));
    const dround = await new Response(df.pipeThrough(new DecompressionStream("deflate"))).text();
    return Response.json({ text, written: written.join(""), round: round.length, dround: dround.length });
  },
};
