// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    const out = {};
    const c = new AbortController();
    const seen = [];
    c.signal.addEventListener("abort", (e) => seen.push(e.type));
    c.signal.onabort = () => seen.push("onabort");
    c.abort("why");
    c.abort("twice");
    out.basic = [c.signal.aborted, c.signal.reason, seen];
    const d = new AbortController(); d.abort();
    out.defaultReason = [d.signal.reason.name, d.signal.reason.message];
    try { d.signal.throwIfAborted(); } catch (e) { out.thrown = e.name; }
    out.static = [AbortSignal.abort().aborted, AbortSignal.abort("r").reason];
    const t = AbortSignal.timeout(5);
    await new Promise((r) => setTimeout(r, 30));
    out.timeout = [t.aborted, t.reason && t.reason.name];
    const a = new AbortController(), b = new AbortController();
    const any = AbortSignal.any([a.signal, b.signal]);
    b.abort("from b");
    out.any = [any.aborted, any.reason];
    out.anyPre = AbortSignal.any([AbortSignal.abort("pre")]).reason;
    return Response.json(out);
  },
};
