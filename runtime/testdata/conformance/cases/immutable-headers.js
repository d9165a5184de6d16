// @case {"origin":true,"services":{"ECHO":"echo"},"durableObjects":{"OBJ":"Obj"},"requests":[{"path":"/","headers":{"x-in":"1"}}]}
// @worker echo
// export default { fetch() { return new Response("echo", { headers: { "x-echo": "1" } }); } }
export class Obj { fetch() { return new Response("o", { headers: { "x-o": "1" } }); } }
export default {
  async fetch(req, env) {
    const out = {};
    const tryIt = (name, f) => { try { f(); out[name] = "ok"; } catch (e) { out[name] = e.constructor.name + ": " + e.message; } };
    tryIt("requestSet", () => req.headers.set("x-in", "2"));
    tryIt("requestAppend", () => req.headers.append("x-new", "2"));
    tryIt("requestDelete", () => req.headers.delete("x-in"));
    out.requestAfter = [...req.headers].filter(([k]) => k.startsWith("x-"));
    const copy = new Request(req);
    tryIt("copySet", () => copy.headers.set("x-in", "3"));
    out.copyAfter = copy.headers.get("x-in");
    const clone = req.clone();
    tryIt("cloneSet", () => clone.headers.set("x-in", "4"));
    const res = await fetch(env.ORIGIN + "/data.json");
    tryIt("fetchedSet", () => res.headers.set("x-a", "1"));
    tryIt("fetchedDelete", () => res.headers.delete("content-type"));
    out.fetchedAfter = res.headers.get("x-a");
    const fetchedClone = res.clone();
    tryIt("fetchedCloneSet", () => fetchedClone.headers.set("x-a", "1"));
    const remade = new Response(res.body, res);
    tryIt("remadeSet", () => remade.headers.set("x-a", "1"));
    out.remadeAfter = remade.headers.get("x-a");
    const bound = await env.ECHO.fetch("http://echo/");
    tryIt("bindingSet", () => bound.headers.set("x-b", "1"));
    const o = await env.OBJ.getByName("a").fetch("http://o/");
    tryIt("objectSet", () => o.headers.set("x-b", "1"));
    tryIt("redirectSet", () => Response.redirect("https://example.com/", 302).headers.set("x-r", "1"));
    tryIt("errorSet", () => Response.error().headers.set("x-r", "1"));
    tryIt("jsonSet", () => Response.json({}).headers.set("x-r", "1"));
    tryIt("ownSet", () => new Response("x").headers.set("x-c", "1"));
    tryIt("ownRequestSet", () => new Request("https://example.com/").headers.set("x-c", "1"));
    await Promise.all([fetchedClone.text(), remade.text(), bound.text(), o.text(), clone.text(), copy.text()]);
    return new Response(JSON.stringify(out, null, 1));
  },
};
