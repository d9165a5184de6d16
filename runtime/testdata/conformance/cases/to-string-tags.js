// @case {"requests":[{"method":"GET","path":"/"}]}
// What Object.prototype.toString says of the Web API objects (console output and libraries rely on it).
export default {
  async fetch(req) {
    const tag = (v) => Object.prototype.toString.call(v);
    return Response.json({
      request: tag(req), newRequest: tag(new Request("https://x/")), response: tag(new Response("x")), headers: tag(new Headers()),
      url: tag(new URL("https://x/")), params: tag(new URLSearchParams()), stream: tag(new ReadableStream()), blob: tag(new Blob([])),
      formData: tag(new FormData()), encoder: tag(new TextEncoder()), abort: tag(new AbortController().signal),
    });
  },
};
