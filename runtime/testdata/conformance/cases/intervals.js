// @case {"requests":[{"path":"/"}]}
export default {
  async fetch() {
    let n = 0;
    const ticks = await new Promise((resolve) => {
      const id = setInterval(() => { n++; if (n === 4) { clearInterval(id); resolve(n); } }, 2);
    });
    await new Promise((r) => setTimeout(r, 10));
    const out = { ticks, after: n };
    out.args = await new Promise((r) => setTimeout((a, b) => r(a + b), 1, "x", "y"));
    out.idType = typeof setTimeout(() => {}, 0);
    clearTimeout(undefined);
    clearInterval(null);
    out.clearedOk = true;
    return Response.json(out);
  },
};
