// Package runtime runs Workers-style JavaScript on goja: bundling with esbuild, compiled programs
// shared by bundle hash, pooled runtimes with an event loop, the Web APIs, and per-request limits.
package runtime

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/evanw/esbuild/pkg/api"
)

// Module is one source file of a worker, path relative with forward slashes ("src/index.ts").
type Module struct {
	Name    string `json:"name"`
	Content string `json:"content"`
}

// Bundle is a build's output, ready to compile.
type Bundle struct {
	Code      string // an IIFE assigning the entry's exports to bundleGlobal
	SourceMap string // v3 source map of Code, back to the user's modules
	Format    string // "modules" or "service-worker"
	Hash      string // hex sha256 over Code, NUL, SourceMap
}

// BuildError is one compile problem with its place.
type BuildError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// BuildErrors is every problem a build found.
type BuildErrors []BuildError

func (e *BuildErrors) Error() string {
	lines := make([]string, len(*e))
	for i, b := range *e {
		if b.File == "" {
			lines[i] = b.Message
		} else {
			lines[i] = fmt.Sprintf("%s:%d:%d: %s", b.File, b.Line, b.Column, b.Message)
		}
	}
	return strings.Join(lines, "\n")
}

const (
	bundleGlobal = "__weft_exports"
	bundleFile   = "worker.js"
	memNamespace = "weft-module"
	// builtinNamespace holds the runtime's own modules, such as cloudflare:workers.
	builtinNamespace = "weft-builtin"
)

// builtinModules re-export classes the prelude defines, so `import { DurableObject } from
// "cloudflare:workers"` works as in workerd.
var builtinModules = map[string]string{
	"cloudflare:workers": `const cf = globalThis.__weft_cf;
export const DurableObject = cf.DurableObject;
export const WorkerEntrypoint = cf.WorkerEntrypoint;
export const RpcTarget = cf.RpcTarget;
export const WorkflowEntrypoint = cf.WorkflowEntrypoint;
`,
}

// goja runs ES2017 with async/await natively; esbuild lowers everything newer.
var gojaTarget = api.ES2017

func buildErrors(msgs []api.Message) error {
	out := make(BuildErrors, 0, len(msgs))
	for _, m := range msgs {
		be := BuildError{Message: m.Text}
		if m.Location != nil {
			be.File, be.Line, be.Column = strings.TrimPrefix(m.Location.File, memNamespace+":"), m.Location.Line, m.Location.Column+1
		}
		out = append(out, be)
	}
	return &out
}

var loaders = map[string]api.Loader{".js": api.LoaderJS, ".mjs": api.LoaderJS, ".cjs": api.LoaderJS, ".jsx": api.LoaderJSX,
	".ts": api.LoaderTS, ".mts": api.LoaderTS, ".tsx": api.LoaderTSX, ".json": api.LoaderJSON, ".txt": api.LoaderText, ".html": api.LoaderText}

// memoryPlugin resolves imports among the uploaded modules only: the server never reads the disk.
func memoryPlugin(files map[string]string) api.Plugin {
	return api.Plugin{Name: "weft-modules", Setup: func(b api.PluginBuild) {
		b.OnResolve(api.OnResolveOptions{Filter: ".*"}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
			if a.Kind == api.ResolveEntryPoint {
				// esbuild writes the entry as "./index.js" when a file of that name is in the
				// server's working directory; the uploaded module is still "index.js".
				return api.OnResolveResult{Path: strings.TrimPrefix(a.Path, "./"), Namespace: memNamespace}, nil
			}
			if _, ok := builtinModules[a.Path]; ok {
				return api.OnResolveResult{Path: a.Path, Namespace: builtinNamespace}, nil
			}
			if strings.HasPrefix(a.Path, "cloudflare:") || strings.HasPrefix(a.Path, "node:") {
				return api.OnResolveResult{}, fmt.Errorf("%q is not supported by Weft yet", a.Path)
			}
			if !strings.HasPrefix(a.Path, "./") && !strings.HasPrefix(a.Path, "../") && !strings.HasPrefix(a.Path, "/") {
				return api.OnResolveResult{}, fmt.Errorf("module %q not found: only relative imports resolve among uploaded modules (bundle packages with `weft deploy`)", a.Path)
			}
			base := path.Join(path.Dir(a.Importer), a.Path)
			for _, cand := range []string{base, base + ".ts", base + ".js", base + ".mjs", base + ".tsx", base + ".jsx", base + ".json",
				base + "/index.ts", base + "/index.js"} {
				if _, ok := files[strings.TrimPrefix(cand, "/")]; ok {
					return api.OnResolveResult{Path: strings.TrimPrefix(cand, "/"), Namespace: memNamespace}, nil
				}
			}
			return api.OnResolveResult{}, fmt.Errorf("module %q not found among the uploaded modules", a.Path)
		})
		b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: builtinNamespace}, func(a api.OnLoadArgs) (api.OnLoadResult, error) {
			src := builtinModules[a.Path]
			return api.OnLoadResult{Contents: &src, Loader: api.LoaderJS}, nil
		})
		b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: memNamespace}, func(a api.OnLoadArgs) (api.OnLoadResult, error) {
			src, ok := files[a.Path]
			if !ok {
				return api.OnLoadResult{}, fmt.Errorf("module %q not found", a.Path)
			}
			loader, ok := loaders[path.Ext(a.Path)]
			if !ok {
				loader = api.LoaderJS
			}
			return api.OnLoadResult{Contents: &src, Loader: loader, ResolveDir: ""}, nil
		})
	}}
}

// Build bundles in-memory modules from main into one goja-ready script.
func Build(modules []Module, main string) (*Bundle, error) {
	files := make(map[string]string, len(modules))
	for _, m := range modules {
		name := strings.TrimPrefix(path.Clean("/"+m.Name), "/")
		if m.Name == "" || name != m.Name {
			return nil, &BuildErrors{{Message: fmt.Sprintf("invalid module name %q: use a relative path with forward slashes", m.Name)}}
		}
		files[name] = m.Content
	}
	if _, ok := files[main]; !ok {
		return nil, &BuildErrors{{Message: fmt.Sprintf("main module %q is not among the uploaded modules", main)}}
	}
	res := api.Build(api.BuildOptions{
		EntryPoints: []string{main}, Bundle: true, Write: false, Outfile: bundleFile,
		Format: api.FormatIIFE, GlobalName: bundleGlobal, Target: gojaTarget, Platform: api.PlatformNeutral,
		Sourcemap: api.SourceMapLinked, SourcesContent: api.SourcesContentExclude,
		Plugins: []api.Plugin{memoryPlugin(files)}, LogLevel: api.LogLevelSilent, Charset: api.CharsetUTF8,
	})
	if len(res.Errors) > 0 {
		return nil, buildErrors(res.Errors)
	}
	b := &Bundle{}
	for _, f := range res.OutputFiles {
		if strings.HasSuffix(f.Path, ".map") {
			// Sources read "weft-module:src/x.ts"; stack traces should say "src/x.ts".
			b.SourceMap = strings.ReplaceAll(string(f.Contents), `"`+memNamespace+`:`, `"`)
		} else {
			b.Code = string(f.Contents)
		}
	}
	b.Format = formatOf(b.Code)
	sum := sha256.Sum256([]byte(b.Code + "\x00" + b.SourceMap))
	b.Hash = hex.EncodeToString(sum[:])
	return b, nil
}

// formatOf reads a worker's format from its IIFE as Wrangler decides it: an entry with ES exports
// is a modules worker, otherwise it is a service worker. esbuild ends the IIFE of an ES-module entry
// with `return __toCommonJS(<exports>);` and fills that object with an `__export(<exports>, {…})`
// right after creating it only when the entry exports a value: not for `export {}` nor TypeScript's
// type-only exports, with which a service worker marks itself a module. A CommonJS entry ends with
// `return require_<name>();`: its module.exports is an ES module's default export, as in Wrangler's
// build. Reading the output this way saves a second esbuild pass over every upload.
func formatOf(code string) string {
	if i := strings.LastIndex(code, "\n//# sourceMappingURL="); i >= 0 {
		code = code[:i+1]
	}
	body, ok := strings.CutSuffix(code, ";\n})();\n")
	if !ok {
		return "service-worker"
	}
	last := body[strings.LastIndexByte(body, '\n')+1:] // the IIFE's last statement, if one line
	if name, ok := strings.CutPrefix(last, "  return require_"); ok {
		if name, ok = strings.CutSuffix(name, "()"); ok && isIdent(name) {
			return "modules"
		}
	}
	if name, ok := strings.CutPrefix(last, "  return __toCommonJS("); ok {
		name, ok = strings.CutSuffix(name, ")")
		if ok && isIdent(name) && strings.Contains(code, "\n  var "+name+" = {};\n  __export("+name+", {\n") {
			return "modules"
		}
	}
	return "service-worker"
}

// isIdent reports whether s is an identifier as esbuild names things: letters, digits, _ and $.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c == '$' || unicode.IsLetter(c) || unicode.IsDigit(c)) {
			return false
		}
	}
	return true
}

// BundleProject bundles a project on disk (the CLI side) into one ES module with an inline source map,
// resolving relative files, node_modules and TypeScript as Wrangler does.
func BundleProject(dir, entry string) (Module, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Module{}, err
	}
	name := strings.TrimSuffix(filepath.Base(entry), filepath.Ext(entry)) + ".js"
	res := api.Build(api.BuildOptions{
		EntryPoints: []string{entry}, AbsWorkingDir: abs, Bundle: true, Write: false, Outfile: filepath.Join(abs, name),
		Format: api.FormatESModule, Target: api.ESNext, Platform: api.PlatformNeutral,
		MainFields: []string{"browser", "module", "main"}, Conditions: []string{"workerd", "worker", "browser"},
		External: []string{"cloudflare:*", "node:*"}, Sourcemap: api.SourceMapInline, SourcesContent: api.SourcesContentInclude,
		Loader:   map[string]api.Loader{".txt": api.LoaderText, ".html": api.LoaderText},
		LogLevel: api.LogLevelSilent, Charset: api.CharsetUTF8,
	})
	if len(res.Errors) > 0 {
		return Module{}, buildErrors(res.Errors)
	}
	for _, f := range res.OutputFiles {
		if strings.HasSuffix(f.Path, ".js") {
			return Module{Name: name, Content: string(f.Contents)}, nil
		}
	}
	return Module{}, &BuildErrors{{Message: "esbuild produced no output for " + entry}}
}
