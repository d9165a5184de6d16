// @case {"r2":["B"],"requests":[{"path":"/"}]}
export default {
  async fetch(request, env) {
    await env.B.put("page.html", "<h1>hi</h1>", { httpMetadata: { contentType: "text/html", cacheControl: "max-age=60", contentLanguage: "en" }, customMetadata: { owner: "ada" } });
    const obj = await env.B.get("page.html");
    const headers = new Headers();
    obj.writeHttpMetadata(headers);
    headers.set("x-owner", obj.customMetadata.owner);
    headers.set("x-size", String(obj.size));
    return new Response(obj.body, { headers });
  },
};
