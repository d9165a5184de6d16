// @case {"requests":[{"method":"POST","path":"/","headers":{"content-type":"text/plain"},"body":"payload"}]}
export default {
  async fetch(req) {
    const out = {};
    const withBody = new Request(req, { body: "other" });
    out.afterInitBody = req.bodyUsed;
    out.withBody = await withBody.text();
    const copy = new Request(req);
    out.afterCopy = req.bodyUsed;
    out.copyUsed = copy.bodyUsed;
    out.copy = await copy.text();
    try { out.original = await req.text(); } catch (e) { out.original = e.constructor.name + ": " + e.message; }
    try { new Request(req); out.again = "ok"; } catch (e) { out.again = e.constructor.name + ": " + e.message; }
    const plain = new Request("https://example.com/", { method: "POST", body: "s" });
    const plainCopy = new Request(plain);
    out.plainAfterCopy = plain.bodyUsed;
    out.plainCopy = await plainCopy.text();
    return Response.json(out);
  },
};
