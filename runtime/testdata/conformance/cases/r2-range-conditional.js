// @case {"r2":["B"],"requests":[{"path":"/"}]}
export default {
  async fetch(request, env) {
    const put = await env.B.put("file.txt", "0123456789");
    const range = await (await env.B.get("file.txt", { range: { offset: 2, length: 3 } })).text();
    const suffix = await (await env.B.get("file.txt", { range: { suffix: 4 } })).text();
    const fromOffset = await (await env.B.get("file.txt", { range: { offset: 7 } })).text();
    const notModified = await env.B.get("file.txt", { onlyIf: { etagDoesNotMatch: put.etag } });
    const refused = await env.B.put("file.txt", "changed", { onlyIf: { etagMatches: "0000" } });
    const still = await (await env.B.get("file.txt")).text();
    return Response.json({
      range, suffix, fromOffset, notModified: [notModified.key, "body" in notModified], refused, still,
      missingHead: await env.B.head("nope"), httpEtag: put.httpEtag === '"' + put.etag + '"', size: put.size,
    });
  },
};
