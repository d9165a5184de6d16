// @case {"requests":[{"path":"/"},{"method":"POST","path":"/parse","headers":{"content-type":"multipart/form-data; boundary=XyZ"},"body":"--XyZ\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue one\r\n--XyZ\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nfile body\r\n--XyZ--\r\n"}]}
export default {
  async fetch(req) {
    if (new URL(req.url).pathname === "/parse") {
      const fd = await req.formData();
      const up = fd.get("upload");
      return Response.json({ field: fd.get("field"), name: up.name, type: up.type, text: await up.text(), isFile: up instanceof File });
    }
    const fd = new FormData();
    fd.append("a", "1");
    fd.append("a", "2");
    fd.append("f", new Blob(["x"], { type: "text/x" }), "f.bin");
    fd.set("b", "3");
    const out = { getAll: fd.getAll("a"), has: [fd.has("a"), fd.has("z")], keys: [...fd.keys()] };
    const f = fd.get("f");
    out.file = [f.name, f.type, f.size];
    fd.delete("a");
    out.afterDelete = [...fd.keys()];
    const round = await new Response(fd).formData();
    out.round = [round.get("b"), round.get("f").name, await round.get("f").text()];
    out.plainFile = new FormData().constructor.name;
    return Response.json(out);
  },
};
