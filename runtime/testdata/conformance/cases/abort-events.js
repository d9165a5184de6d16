// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    const t = new EventTarget(); const seen = [];
    t.addEventListener("x", (e) => seen.push(e.type + ":" + (e.target === t)), { once: true });
    t.dispatchEvent(new Event("x")); t.dispatchEvent(new Event("x"));
    const ac = new AbortController(); let reason;
    ac.signal.onabort = () => { reason = ac.signal.reason.name; };
    ac.abort();
    const any = AbortSignal.any([new AbortController().signal, AbortSignal.abort("why")]);
    let thrown; try { AbortSignal.abort().throwIfAborted(); } catch (e) { thrown = e.name; }
    return Response.json({ seen, aborted: ac.signal.aborted, reason, any: [any.aborted, any.reason], thrown });
  },
};
