package runtime

import (
	"testing"

	"github.com/dop251/goja"
)

// The Go JSON.stringify must write exactly what goja's own does (which the conformance corpus checks
// against workerd), and throw the same errors, for every kind of value, except where goja's own is
// wrong: there the answer is V8's, as Node 20 printed it.
func TestJSONStringifyMatchesBuiltin(t *testing.T) {
	vm := goja.New()
	builtin := vm.Get("JSON").ToObject(vm).Get("stringify")
	installJSONStringify(vm, func() bool { return false })
	if err := vm.Set("builtinStringify", builtin); err != nil {
		t.Fatal(err)
	}
	cases := []string{
		`undefined`, `null`, `true`, `false`, `0`, `-0`, `1.5`, `-1e21`, `1e-7`, `123456789012345680000`, `NaN`, `Infinity`, `2**53`,
		`""`, `"plain"`, `"quote \" backslash \\ slash /"`, `"\b\f\n\r\t\u0000\u001f\u007f"`, `"café ünïcödé 日本 😀"`,
		`"lone \ud800 high"`, `"lone \udc00 low"`, `"\ud83d\ude00 pair then \ud83d"`, `"\ufffd real replacement"`,
		`[]`, `{}`, `[1, "a", null, undefined, () => 1, Symbol("s"), true]`, `[, 1, , 2]`,
		`{ a: 1, b: undefined, c: () => 1, d: Symbol("x"), [Symbol("k")]: 1, e: null, "k\"ey": "v" }`,
		`{ 2: "b", 1: "a", z: 1, y: 2 }`, `Object.create({ inherited: 1 }, { own: { value: 2, enumerable: true }, hidden: { value: 3 } })`,
		`new Date(0)`, `{ d: new Date(86400000) }`, `{ toJSON(k) { return "key:" + k } }`, `[{ toJSON(k) { return "key:" + k } }]`,
		`{ nested: { toJSON(k) { return { k } } } }`, `new Number(3)`, `new String("s")`, `new Boolean(false)`, `[new Number(-0), new String("\ud800")]`,
		`{ get g() { return "getter" } }`, `new Map([[1, 2]])`, `new Set([1])`, `new Uint8Array([1, 2])`, `/re/g`, `new Error("e")`,
		`new Proxy({ a: 1, b: 2 }, {})`, `new Proxy([1, 2], {})`, `new Proxy({}, { ownKeys: () => ["x"], getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }), get: () => 7 })`,
		`{ a: [1, { b: [2, { c: "deep" }] }] }`, `JSON.rawJSON("1e1000")`, `{ raw: JSON.rawJSON('"x"') }`,
		`(() => { const a = { x: 1 }; return [a, a] })()`, `Object.assign(Object.create(null), { n: 1 })`,
		`(() => { class P { constructor() { this.x = 1 } get y() { return 2 } }; return new P() })()`,
		`(() => { const o = {}; o.self = o; return o })()`, `(() => { const a = []; a.push({ a }); return a })()`, `10n`, `{ big: 1n }`,
		`(() => { BigInt.prototype.toJSON = function () { return this.toString() + "n" }; const r = { big: 5n }; return r })()`,
		`{ toJSON() { throw new RangeError("from toJSON") } }`, `{ get boom() { throw new TypeError("from getter") } }`,
		`Object(1n)`, `{ a: 1, b: [1, 2] }, null, 2`, `{ a: 1, b: 2 }, ["b"]`, `{ a: 1 }, (k, v) => typeof v === "number" ? v * 2 : v`, `{ a: 1 }, undefined, "\t"`,
		`{ a: "x" }, null, null`, `{ a: [], b: {}, c: [1, { d: [] }], e: { f: undefined } }, null, 2`, `[[], {}, [[]]], null, "--"`,
		`{ a: 1, b: { a: 2, c: 3 }, 1: "one" }, ["a", 1, "a", new String("b"), new Number(1), {}, true, Symbol("a"), undefined, null, , 1.5]`, `{ a: 1 }, []`,
		`{ a: [1, 2] }, null, 20`, `{ a: [1, 2] }, null, "abcdefghijklmnop"`, `{ a: [1, 2] }, null, new Number(3)`, `{ a: 1 }, null, -1`, `{ a: 1 }, null, 3.7`,
		`{ a: 1, b: "x" }, function (k, v) { return k === "" ? [Object.keys(this), v] : typeof v === "number" ? undefined : v }`,
		// JSON.stringify called while one is writing: each writes into a buffer of its own.
		`{ a: { toJSON() { return JSON.stringify({ inner: [1, "x"] }) } }, b: "after" }`,
		`Array.from({ length: 3000 }, (_, i) => ({ i, s: JSON.stringify({ i }) }))`, `{ small: 1 }`,
		`{ a: 1 }, () => undefined`, `[1, 2, 3], (k, v) => k === "1" ? undefined : v`, `{ d: new Date(0) }, (k, v) => typeof v`,
		`{ a: 1 }, { not: "a replacer" }, { not: "a space" }`, `{ a: [1] }, null, Symbol("s")`, `{ a: [1] }, null, "  \u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"`, `(() => { let o = { end: 1 }; for (let i = 0; i < 100; i++) o = { o }; return o })()`,
		`(() => { const root = { }; let o = root; for (let i = 0; i < 50; i++) o = o.next = {}; o.back = root; return root })()`,
		`(() => { let o = {}; const mid = o; for (let i = 0; i < 50; i++) o = o.next = {}; o.back = mid; return { top: mid } })()`,
	}
	// goja's own indents everything after an empty array one level too deep, and cuts a string
	// indent at 10 bytes rather than 10 characters.
	v8 := map[string]string{
		`{ a: [1] }, null, "  \u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"`: "ok {\n  éééééééé\"a\": [\n  éééééééé  éééééééé1\n  éééééééé]\n}",
		`{ a: [], b: {}, c: [1, { d: [] }], e: { f: undefined } }, null, 2`:            "ok {\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1,\n    {\n      \"d\": []\n    }\n  ],\n  \"e\": {}\n}",
		`[[], {}, [[]]], null, "--"`: "ok [\n--[],\n--{},\n--[\n----[]\n--]\n]",
	}
	for _, c := range cases {
		run := func(fn string) string {
			v, err := vm.RunString(`(() => { try { const r = ` + fn + `(` + c + `); return typeof r === "string" ? "ok " + r : "not a string: " + String(r) } catch (err) { return "throws " + err.name + ": " + err.message } })()`)
			if err != nil {
				t.Fatalf("%s: %v", c, err)
			}
			return v.String()
		}
		want, got := run("builtinStringify"), run("JSON.stringify")
		if answer, ok := v8[c]; ok {
			if want == answer {
				t.Errorf("goja's own JSON.stringify(%s) is now right: drop it from the V8 list", c)
			}
			want = answer
		}
		if got != want {
			t.Errorf("JSON.stringify(%s)\n got  %s\n want %s", c, got, want)
		}
	}
}

func TestJSONStringifyLimits(t *testing.T) {
	vm := goja.New()
	stop := false
	installJSONStringify(vm, func() bool { return stop })
	for src, want := range map[string]string{
		`[JSON.stringify.name, JSON.stringify.length, Object.keys(JSON).length, typeof JSON.stringify]`: `stringify,3,0,function`,
		// A nesting past maxJSONDepth is refused at once, as V8 does, instead of a scan per level.
		`let a = []; for (let i = 0; i < 200000; i++) a = [a]; try { JSON.stringify(a) } catch (err) { err.name + ": " + err.message }`: `RangeError: Maximum call stack size exceeded`,
		`let b = []; for (let i = 0; i < 9000; i++) b = [b]; JSON.stringify(b).length`:                                                  `18002`,
	} {
		v, err := vm.RunString(src)
		if err != nil || v.String() != want {
			t.Errorf("%s\n got %v %v, want %s", src, v, err, want)
		}
	}
	// A stopped runtime (CPU or memory limit) ends a long serialisation instead of finishing it.
	if _, err := vm.RunString(`var big = Array.from({ length: 5000 }, (_, i) => ({ i }))`); err != nil {
		t.Fatal(err)
	}
	stop = true
	if _, err := vm.RunString(`JSON.stringify(big)`); err == nil {
		t.Fatal("a stopped runtime finished JSON.stringify")
	}
}
