// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    const out = {};
    let cancelled = null;
    const src = new ReadableStream({
      start(c) { ["a", "b", "c"].forEach((x) => c.enqueue(x)); c.close(); },
    });
    const [x, y] = src.tee();
    out.locked = src.locked;
    const read = async (s) => { const parts = []; for await (const v of s) parts.push(v); return parts.join(""); };
    out.tee = [await read(x), await read(y)];
    let pulls = 0;
    const endless = new ReadableStream({ pull(c) { c.enqueue(pulls++); }, cancel(reason) { cancelled = reason; } }, { highWaterMark: 0 });
    const r = endless.getReader();
    out.first = [(await r.read()).value, (await r.read()).value];
    await r.cancel("enough");
    out.cancelled = cancelled;
    out.afterCancel = await r.read();
    r.releaseLock();
    out.lockedAfter = endless.locked;
    try { src.getReader(); } catch (e) { out.relock = e.constructor.name; }
    const errored = new ReadableStream({ start(c) { c.error(new Error("bad source")); } });
    try { await errored.getReader().read(); } catch (e) { out.errored = e.message; }
    const from = ReadableStream.from([1, 2, 3]);
    out.from = await read(from);
    return Response.json(out);
  },
};
