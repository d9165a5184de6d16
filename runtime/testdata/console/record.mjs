// Records what console.log prints in Node (util.format, which workerd's console follows) for each expression in
// cases.json, into expected.json. Run: node runtime/testdata/console/record.mjs
import fs from "node:fs";
import util from "node:util";
const here = new URL(".", import.meta.url).pathname;
const cases = JSON.parse(fs.readFileSync(here + "cases.json", "utf8"));
const out = cases.map((src) => ({ src, want: util.format((0, eval)("(" + src + ")")) }));
fs.writeFileSync(here + "expected.json", JSON.stringify(out, null, 1) + "\n");
console.log(out.length, "recorded");
