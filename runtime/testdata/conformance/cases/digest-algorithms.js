// @case {"requests":[{"path":"/"}]}
const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");
export default {
  async fetch() {
    const data = new TextEncoder().encode("The quick brown fox");
    const out = {};
    for (const a of ["SHA-1", "SHA-256", "SHA-384", "SHA-512", "MD5", "sha-256", { name: "SHA-256" }]) {
      out[typeof a === "string" ? a : "obj"] = hex(await crypto.subtle.digest(a, data));
    }
    out.empty = hex(await crypto.subtle.digest("SHA-256", new ArrayBuffer(0)));
    out.view = hex(await crypto.subtle.digest("SHA-1", new DataView(data.buffer, 4, 5)));
    try { await crypto.subtle.digest("SHA-3", data); } catch (e) { out.bad = e.name; }
    try { await crypto.subtle.digest("SHA-256", "string"); } catch (e) { out.badData = e.constructor.name; }
    return Response.json(out);
  },
};
