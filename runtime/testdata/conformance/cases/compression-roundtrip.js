// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    const out = {};
    const text = "compress me ".repeat(200);
    for (const format of ["gzip", "deflate", "deflate-raw"]) {
      const compressed = await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream(format))).arrayBuffer();
      const back = await new Response(new Blob([compressed]).stream().pipeThrough(new DecompressionStream(format))).text();
      out[format] = [compressed.byteLength > 0 && compressed.byteLength < text.length, back === text];
    }
    try { new CompressionStream("brotli"); } catch (e) { out.badFormat = e.constructor.name; }
    try { await new Response(new Blob(["not gzip"]).stream().pipeThrough(new DecompressionStream("gzip"))).text(); } catch (e) { out.badData = e.constructor.name; }
    return Response.json(out);
  },
};
