// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    const b = new Blob(["hello ", new Uint8Array([119, 111]), new Blob(["rld"])], { type: "Text/Plain" });
    const out = { size: b.size, type: b.type, text: await b.text() };
    out.slices = [await b.slice(0, 5).text(), await b.slice(-3).text(), await b.slice(-5, -3).text(), await b.slice(3, 2).text(), b.slice(0, 2, "x/y").type];
    out.buf = (await b.arrayBuffer()).byteLength;
    out.bytes = [...(await b.slice(0, 3).bytes())];
    const f = new File(["data"], "name.txt", { type: "text/plain", lastModified: 12345 });
    out.file = [f.name, f.size, f.type, f.lastModified, f instanceof Blob, await f.text()];
    out.str = Object.prototype.toString.call(f);
    out.stream = await new Response(b.stream()).text();
    out.empty = [new Blob().size, new Blob().type];
    return Response.json(out);
  },
};
