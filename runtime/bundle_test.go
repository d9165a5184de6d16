package runtime

import (
	"encoding/json"
	"testing"

	"github.com/evanw/esbuild/pkg/api"
)

// wranglerFormat is how Wrangler decides a worker's format, with a second esbuild pass: an ES-module
// build whose entry exports anything is a modules worker. Build reads the same answer from its one
// IIFE build (formatOf); this is the reference it is checked against.
func wranglerFormat(t *testing.T, files map[string]string, main string) string {
	t.Helper()
	res := api.Build(api.BuildOptions{
		EntryPoints: []string{main}, Bundle: true, Write: false, Outfile: bundleFile, Format: api.FormatESModule,
		Target: api.ESNext, Platform: api.PlatformNeutral, Metafile: true,
		Plugins: []api.Plugin{memoryPlugin(files)}, LogLevel: api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		t.Fatalf("reference build: %v", buildErrors(res.Errors))
	}
	var meta struct {
		Outputs map[string]struct {
			Exports []string `json:"exports"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(res.Metafile), &meta); err != nil {
		t.Fatal(err)
	}
	for _, o := range meta.Outputs {
		if len(o.Exports) > 0 {
			return "modules"
		}
	}
	return "service-worker"
}

// The format Build reads from its IIFE agrees with Wrangler's for every shape of entry, including
// the ones a glance at the output gets wrong: `export {}` and type-only exports mark a service
// worker, a CommonJS entry is a modules worker, and text that looks like esbuild's own code inside
// a string decides nothing.
func TestBuildDetectsTheFormatAsWranglerDoes(t *testing.T) {
	lib := map[string]string{
		"lib.js":  "export const x = 1; export default 2; export const __export = 3;",
		"cjs.js":  "module.exports = { fetch() { return new Response('cjs') } };",
		"café.js": "module.exports = { fetch() { return new Response('cafe') } };",
	}
	sw := "addEventListener('fetch', (e) => e.respondWith(new Response('sw')));"
	for _, c := range []struct {
		name, main, src, want string
	}{
		{"default object", "index.js", "export default { fetch() { return new Response('m') } };", "modules"},
		{"default class", "index.js", "import { WorkerEntrypoint } from 'cloudflare:workers'; export default class extends WorkerEntrypoint { fetch() { return new Response('c') } }", "modules"},
		{"named only", "index.js", "export const handler = 1;", "modules"},
		{"re-export all", "index.js", "export * from './lib.js';", "modules"},
		{"re-export default", "index.js", "export { default } from './lib.js';", "modules"},
		{"namespace import and export", "index.js", "import * as ns from './lib.js'; export default { fetch() { return new Response(String(Object.keys(ns))) } };", "modules"},
		{"typescript entry", "src/main.ts", "const n: number = 1; export default { fetch(): Response { return new Response(String(n)) } };", "modules"},
		{"commonjs entry", "cjs.js", "", "modules"},
		{"commonjs entry, non-ASCII name", "café.js", "", "modules"},
		{"plain script", "index.js", sw, "service-worker"},
		{"script with imports", "index.js", "import { x } from './lib.js'; " + sw, "service-worker"},
		{"export {}", "index.js", "export {}; " + sw, "service-worker"},
		{"type-only exports", "index.ts", "export type T = number; export interface I { a: T } " + sw, "service-worker"},
		{"esbuild's text in a string", "index.js", "export {};\nconst s = `\n  var index_exports = {};\n  __export(index_exports, {\n`;\n" + sw, "service-worker"},
		{"esbuild's return in a string", "index.js", sw + "\nconst s = `x\n  return require_lib()`;\n", "service-worker"},
	} {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{}
			for k, v := range lib {
				files[k] = v
			}
			if c.src != "" {
				files[c.main] = c.src
			}
			var mods []Module
			for k, v := range files {
				mods = append(mods, Module{Name: k, Content: v})
			}
			b, err := Build(mods, c.main)
			if err != nil {
				t.Fatal(err)
			}
			if ref := wranglerFormat(t, files, c.main); b.Format != c.want || ref != c.want {
				t.Errorf("format %q, Wrangler's %q, want %q\n%s", b.Format, ref, c.want, b.Code)
			}
		})
	}
}
