// @case {"requests":[{"path":"/a/b?x=1"}]}
// What new URL throws for each kind of bad input, and a router's usual reads of the request's URL.
export default {
  fetch(request) {
    const out = {};
    const attempt = (label, f) => { try { out[label] = String(f()); } catch (e) { out[label] = `${e.name}: ${e.message}`; } };
    attempt("undefined", () => new URL(undefined));
    attempt("null", () => new URL(null));
    attempt("relative", () => new URL("/p"));
    attempt("badBase", () => new URL("/p", "nope"));
    attempt("undefinedBase", () => new URL("http://a/p", undefined));
    attempt("object", () => new URL({ toString() { return "https://o.example/x"; } }));
    const url = new URL(request.url);
    out.parts = [url.pathname, url.search, url.hash, url.searchParams.get("x"), url.origin, url.host, String(url)];
    url.pathname = "/c";
    url.searchParams.set("y", "2");
    out.changed = url.href;
    return Response.json(out);
  },
};
