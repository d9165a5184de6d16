// @case {"requests":[{"path":"/?b=2&a=1&b=3&c=x%20y&d=1+2"}]}
export default {
  fetch(req) {
    const p = new URL(req.url).searchParams;
    const out = { all: [...p], b: p.getAll("b"), size: p.size, has: [p.has("a"), p.has("z"), p.has("b", "3"), p.has("b", "9")] };
    p.append("e", "f g&h=i");
    p.delete("b", "2");
    p.set("a", "one");
    p.sort();
    out.sorted = p.toString();
    out.fromObject = new URLSearchParams({ x: "1", y: "ü" }).toString();
    out.fromPairs = new URLSearchParams([["k", "v"], ["k", "w"]]).toString();
    out.fromString = [...new URLSearchParams("?=a&b=&c&&d=e=f")];
    out.plus = new URLSearchParams("q=a+b%2Bc").get("q");
    const keys = [];
    new URLSearchParams("z=1&y=2").forEach((v, k) => keys.push(k + v));
    out.forEach = keys;
    out.special = new URLSearchParams({ s: "*-._ ~!'()" }).toString();
    const u = new URL("https://a.com/?x=1");
    u.searchParams.append("y", "2 3");
    out.linked = u.href;
    u.search = "";
    out.cleared = [u.href, u.searchParams.size];
    return Response.json(out);
  },
};
