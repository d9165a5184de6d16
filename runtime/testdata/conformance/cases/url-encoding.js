// @case {"requests":[{"path":"/p%20q/%E2%9C%93?a=%20b&c=d+e"}]}
export default {
  fetch(req) {
    const u = new URL(req.url);
    const out = { path: u.pathname, search: u.search, a: u.searchParams.get("a"), c: u.searchParams.get("c") };
    out.unicodePath = new URL("https://a.com/ünï code/✓").pathname;
    out.unicodeQuery = new URL("https://a.com/?q=ü ✓&x=\"<>`").search;
    out.unicodeHash = new URL("https://a.com/#ü ✓").hash;
    out.special = new URL("https://a.com/a\\b\\c").pathname;
    out.nonSpecial = new URL("foo://a.com/a\\b").pathname;
    out.userinfo = new URL("https://us er:p@ss@a.com/").href;
    out.percent = new URL("https://a.com/%41%2f%zz%").pathname;
    out.dots = new URL("https://a.com/a/%2e/b/%2E%2E/c").pathname;
    out.encodeURIComponent = encodeURIComponent("a b&c/d?é");
    out.encodeURI = encodeURI("https://a.com/a b?c=d e#f g");
    out.decode = decodeURIComponent("%E2%9C%93%20ok");
    try { decodeURIComponent("%E2%9C"); } catch (e) { out.badDecode = e.constructor.name; }
    return Response.json(out);
  },
};
