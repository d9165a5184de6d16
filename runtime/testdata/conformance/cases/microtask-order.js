// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    const log = [];
    setTimeout(() => log.push("timeout0"), 0);
    queueMicrotask(() => log.push("micro1"));
    Promise.resolve().then(() => log.push("then1")).then(() => log.push("then2"));
    (async () => { log.push("async-start"); await null; log.push("async-after-await"); })();
    queueMicrotask(() => log.push("micro2"));
    log.push("sync");
    await new Promise((r) => setTimeout(r, 5));
    const t = setTimeout(() => log.push("cleared"), 1);
    clearTimeout(t);
    await new Promise((r) => setTimeout(r, 5));
    return Response.json(log);
  },
};
