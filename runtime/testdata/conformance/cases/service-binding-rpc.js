// @case {"services":{"AUX":"aux"},"requests":[{"path":"/"}]}
// @worker aux
// import { WorkerEntrypoint } from "cloudflare:workers"; export default class extends WorkerEntrypoint { async sum(a, b) { return a + b; } async info() { return { date: new Date(86400000), set: [...new Set([1, 1, 2])] }; } async fetch(req) { return new Response("aux " + new URL(req.url).pathname); } }
export default {
  async fetch(request, env) {
    const sum = await env.AUX.sum(1, 2);
    const info = await env.AUX.info();
    const text = await (await env.AUX.fetch("http://aux/path")).text();
    return Response.json({ sum, date: info.date.toISOString(), set: info.set, text });
  },
};
