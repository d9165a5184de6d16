// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    const fd = new FormData();
    fd.append("a", "1");
    fd.append("f", new Blob(["file body"], { type: "text/plain" }), "f.txt");
    fd.append("a", "2");
    fd.set("b", "only");
    const back = await new Response(fd).formData();
    const file = back.get("f");
    const blob = new Blob(["ab", new Uint8Array([99])], { type: "TEXT/PLAIN" });
    const url = await new Request("http://x/", { method: "POST", body: new URLSearchParams("x=1&x=2") }).formData();
    return Response.json({
      all: back.getAll("a"), b: back.get("b"), file: [file instanceof File, file.name, file.type, await file.text()],
      keys: [...back.keys()], blob: [blob.size, blob.type, await blob.slice(1).text()], url: url.getAll("x"),
    });
  },
};
