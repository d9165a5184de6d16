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
