// @case {"requests":[{"path":"/"}]}
export default {
  fetch() {
    const out = {};
    const m = "2026-11-23".match(/(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2})/);
    out.named = [m.groups.y, m.groups.m, m.groups.d, m.index];
    out.lookbehind = "price: $42, €17".match(/(?<=\$)\d+/)[0];
    out.negLookbehind = "a1 b2 c3".replace(/(?<!b)\d/g, "#");
    out.unicode = [/^.$/u.test("😀"), /^.$/.test("😀"), /\u{1F600}/u.test("😀")];
    out.sticky = (() => { const r = /a/y; r.lastIndex = 1; return [r.test("ba"), r.lastIndex]; })();
    out.dotAll = /a.b/s.test("a\nb");
    out.matchAll = [..."a1b2c3".matchAll(/[a-z](\d)/g)].map((x) => x[1]);
    out.replaceFn = "john smith".replace(/(\w+) (\w+)/, (_, a, b) => `${b}, ${a}`);
    out.split = "a, b,c ,d".split(/\s*,\s*/);
    out.flags = /x/gimsuy.flags;
    out.backref = /(\w)\1/.test("hello");
    try { new RegExp("("); } catch (e) { out.bad = e.constructor.name; }
    return Response.json(out);
  },
};
