// @case {"requests":[{"path":"/"}]}
const page = `<!DOCTYPE html><html><head><title>Old title</title></head><body><!-- a comment --><p>Hello <b>bold</b> world</p><script>var x = "<p>";</script></body></html>`;
export default {
  async fetch() {
    const log = [];
    let script = "";
    const res = new HTMLRewriter()
      .onDocument({ doctype(d) { log.push(["doctype", d.name, d.publicId, d.systemId]); }, end(e) { e.append("<!-- end -->", { html: true }); } })
      .on("title", { text(t) { if (t.text) t.replace("New title"); } })
      .on("p", { text(t) { log.push(["text", t.text, t.lastInTextNode]); } })
      .on("body", { comments(c) { log.push(["comment", c.text]); c.text = " changed "; } })
      .on("script", { text(t) { script += t.text; } })
      .transform(new Response(page));
    const body = await res.text();
    return Response.json({ body, log, script });
  },
};
