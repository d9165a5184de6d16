// @case {"requests":[{"path":"/","headers":{"X-Mixed-Case":"v1","accept":"text/html"}}]}
export default {
  fetch(req) {
    const out = { incoming: req.headers.get("x-mixed-case"), accept: req.headers.get("ACCEPT") };
    const h = new Headers({ "Zeta": "1", "alpha": "2", "Beta": "3" });
    h.append("alpha", "4");
    h.append("Set-Cookie", "a=1");
    h.append("set-cookie", "b=2; Path=/");
    out.order = [...h.keys()];
    out.alpha = h.get("ALPHA");
    out.cookies = h.getSetCookie();
    out.cookieGet = h.get("set-cookie");
    out.entries = [...h];
    h.delete("zeta");
    out.hasZeta = h.has("zeta");
    out.fromArray = [...new Headers([["a", " trimmed  "], ["b", "x"]])];
    out.fromHeaders = [...new Headers(new Headers({ c: "3" }))];
    const tryIt = (name, f) => { try { f(); out[name] = "ok"; } catch (e) { out[name] = e.constructor.name; } };
    tryIt("badName", () => new Headers({ "bad name": "x" }));
    tryIt("badValue", () => new Headers({ a: "x\ny" }));
    tryIt("badPair", () => new Headers([["a"]]));
    tryIt("emptyName", () => new Headers({ "": "x" }));
    out.forEach = [];
    new Headers({ b: "2", a: "1" }).forEach((v, k) => out.forEach.push(k + "=" + v));
    return new Response("ok", { headers: { "X-Result": JSON.stringify(out), "x-b": "2", "X-A": "1" } });
  },
};
