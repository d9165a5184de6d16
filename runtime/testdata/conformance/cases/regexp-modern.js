// @case {"requests":[{"path":"/"}]}
// Newer regular-expression features: Unicode property escapes, match indices (the d flag), RegExp.escape.
export default {
  fetch() {
    const out = {};
    const attempt = (name, f) => { try { out[name] = f(); } catch (e) { out[name] = e.constructor.name; } };
    attempt("property", () => /\p{L}+/u.exec("123 héllo")[0]);
    attempt("script", () => /\p{Script=Greek}/u.test("α"));
    attempt("indices", () => /b(c)/d.exec("abc").indices[1]);
    attempt("escape", () => RegExp.escape("a.b*c"));
    return Response.json(out);
  },
};
