// @case {"requests":[{"path":"/"}]}
export default {
  fetch() {
    const base = "https://user:pw@example.com:8080/a/b/c?q=1#frag";
    const rel = ["d", "./d", "../d", "../../../../d", "/d", "//other.org/x", "?y=2", "#h", "", ".", "..", "d;p?x#y", "g:h", "http:g"];
    const out = {};
    for (const r of rel) out[r || "(empty)"] = new URL(r, base).href;
    const u = new URL(base);
    out.parts = [u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash, u.origin];
    u.port = "443"; u.protocol = "http"; u.pathname = "/x y/%zz"; u.search = "a=b c"; u.hash = "h h";
    out.mutated = u.href;
    out.defaultPort = new URL("https://x.org:443/").href;
    out.ipv6 = new URL("http://[::1]:80/").href;
    out.ipv4 = new URL("http://0x7f.1/").href;
    out.file = new URL("file:///C:/x/../y").href;
    out.blob = new URL("blob:https://a.com/uuid").origin;
    out.data = new URL("data:text/plain,hi there").pathname;
    out.json = JSON.stringify(new URL("https://a.com/?x#y"));
    try { new URL("not a url"); } catch (e) { out.bad = e.constructor.name; }
    try { new URL("/relative"); } catch (e) { out.noBase = e.constructor.name; }
    return Response.json(out);
  },
};
