// @case {"requests":[{"path":"/"}]}
export default {
  fetch() {
    const t = new EventTarget();
    const log = [];
    const h = (e) => log.push("h:" + e.type);
    t.addEventListener("x", h);
    t.addEventListener("x", h);
    t.addEventListener("x", () => log.push("once"), { once: true });
    t.addEventListener("x", { handleEvent(e) { log.push("obj:" + (e.target === t)); } });
    t.dispatchEvent(new Event("x"));
    t.dispatchEvent(new Event("x"));
    t.removeEventListener("x", h);
    t.dispatchEvent(new Event("x"));
    const e = new Event("y", { cancelable: true });
    t.addEventListener("y", (ev) => ev.preventDefault());
    const notCancelled = t.dispatchEvent(e);
    const out = { log, notCancelled, defaultPrevented: e.defaultPrevented, props: [e.type, e.cancelable, e.bubbles, typeof e.timeStamp] };
    const ce = new CustomEvent("z", { detail: { k: 1 } });
    out.custom = [ce.type, ce.detail.k, ce instanceof Event];
    const stop = [];
    t.addEventListener("s", (ev) => { stop.push(1); ev.stopImmediatePropagation(); });
    t.addEventListener("s", () => stop.push(2));
    t.dispatchEvent(new Event("s"));
    out.stop = stop;
    try { t.dispatchEvent("nope"); } catch (err) { out.badDispatch = err.constructor.name; }
    class My extends EventTarget {}
    const m = new My(); let got = 0; m.addEventListener("q", () => got++); m.dispatchEvent(new Event("q"));
    out.subclass = got;
    return Response.json(out);
  },
};
