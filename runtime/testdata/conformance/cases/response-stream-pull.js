// @case {"requests":[{"path":"/"}]}
export default {
  fetch() {
    let i = 0;
    const enc = new TextEncoder();
    const body = new ReadableStream({
      async pull(c) {
        await new Promise((r) => setTimeout(r, 1));
        if (i === 5) { c.close(); return; }
        c.enqueue(enc.encode(`part${i++};`));
      },
    });
    return new Response(body, { headers: { "content-type": "text/plain", "x-streamed": "1" } });
  },
};
