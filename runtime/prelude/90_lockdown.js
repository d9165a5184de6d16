// As in Workers: no code from strings. eval and every Function constructor throw, while
// `instanceof Function` and function prototypes keep working.
{
  const refuse = function () { throw new EvalError("Code generation from strings disallowed for this context"); };
  const blockedFunction = function Function() { return refuse(); };
  blockedFunction.prototype = Function.prototype;
  for (const proto of [Function.prototype, Object.getPrototypeOf(async function () {}), Object.getPrototypeOf(function* () {})]) {
    // (goja has no async generators; esbuild lowers them in user code)
    Object.defineProperty(proto, "constructor", { value: blockedFunction, writable: false, configurable: false });
  }
  define("Function", blockedFunction);
  define("eval", function () { return refuse(); });
}

// Native string growth is where one call can allocate gigabytes before any watchdog looks; refuse it
// up front with V8's error (scripts also meet the process memory guard).
{
  const MAX = 1 << 26; // characters
  const tooLong = () => { throw new RangeError("Invalid string length"); };
  const wrap = (proto, name, size) => {
    const orig = proto[name];
    Object.defineProperty(proto, name, { value: { [name](...args) { if (size(this, args) > MAX) tooLong(); return orig.apply(this, args); } }[name],
      writable: true, configurable: true });
  };
  wrap(String.prototype, "repeat", (s, [n]) => String(s).length * Math.max(0, Number(n) || 0));
  wrap(String.prototype, "padStart", (s, [n]) => Number(n) || 0);
  wrap(String.prototype, "padEnd", (s, [n]) => Number(n) || 0);
  wrap(Array.prototype, "join", (a, [sep]) => {
    let n = (a.length || 0) * (sep === undefined ? 1 : String(sep).length);
    for (let i = 0; i < a.length && n <= MAX; i++) { const v = a[i]; if (typeof v === "string") n += v.length; }
    return n;
  });
}
