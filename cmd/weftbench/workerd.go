package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// workerdVersion is the npm package the comparison runs against (the one Miniflare 4.20260426.0 uses).
const workerdVersion = "1.20260426.1"

// startWorkerd installs workerd if needed and serves every scenario, each on its own port (filled
// into ports), waiting until all answer.
func startWorkerd(ctx context.Context, installDir, work string, scs []scenario, ports map[string]int) (*server, error) {
	bin, err := installWorkerd(installDir)
	if err != nil {
		return nil, err
	}
	for _, s := range scs {
		if ports[s.name], err = freePort(); err != nil {
			return nil, err
		}
	}
	dir := filepath.Join(work, "workerd")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	cfg, err := workerdConfig(dir, scs, ports)
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(dir, "config.capnp")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	wd, err := start("workerd", work, nil, bin, "serve", cfgPath, "--experimental")
	if err != nil {
		return nil, err
	}
	for _, s := range scs {
		if err := waitHTTP(ctx, fmt.Sprintf("http://127.0.0.1:%d/", ports[s.name]), nil); err != nil {
			wd.stop()
			log, _ := os.ReadFile(filepath.Join(work, "workerd.log"))
			return nil, fmt.Errorf("workerd: %w\n%s", err, log)
		}
	}
	return wd, nil
}

// installWorkerd returns the workerd binary of the pinned npm package in dir, installing it when it
// is missing or another version. It is the platform package's binary itself, not the npm launcher
// script, so the process measured is workerd.
func installWorkerd(dir string) (string, error) {
	find := func() string {
		var pkg struct{ Version string }
		b, err := os.ReadFile(filepath.Join(dir, "node_modules", "workerd", "package.json"))
		if err != nil || json.Unmarshal(b, &pkg) != nil || pkg.Version != workerdVersion {
			return ""
		}
		bins, _ := filepath.Glob(filepath.Join(dir, "node_modules", "@cloudflare", "workerd-*", "bin", "workerd"))
		for _, bin := range bins {
			if isExecutable(bin) {
				return bin
			}
		}
		return ""
	}
	if bin := find(); bin != "" {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "installing workerd@%s into %s\n", workerdVersion, dir)
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--save-exact", "--prefix", dir, "workerd@"+workerdVersion)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("npm install workerd@%s: %w", workerdVersion, err)
	}
	if bin := find(); bin != "" {
		return bin, nil
	}
	return "", fmt.Errorf("workerd %s binary not found under %s/node_modules/@cloudflare after npm install", workerdVersion, dir)
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}

// workerdConfig writes the scenarios' scripts into dir and returns a workerd config serving each
// scenario's entry worker on its own port, bindings included: service bindings for the chain, a KV
// namespace backed by an in-process worker holding the 1 KiB value, and an in-memory Durable Object.
func workerdConfig(dir string, scs []scenario, ports map[string]int) (string, error) {
	var services, sockets, workers []string
	write := func(file, src string) error { return os.WriteFile(filepath.Join(dir, file), []byte(src), 0o644) }
	worker := func(id, file string, bindings []string, extra string) {
		workers = append(workers, fmt.Sprintf(`const %s :Workerd.Worker = (
  modules = [(name = "index.js", esModule = embed %q)],
  compatibilityDate = "2024-09-23",
  bindings = [%s],%s
);`, id, file, strings.Join(bindings, ", "), extra))
		services = append(services, fmt.Sprintf(`(name = %q, worker = .%s)`, id, id))
	}
	for _, s := range scs {
		file := s.name + ".js"
		if err := write(file, s.src); err != nil {
			return "", err
		}
		switch {
		case len(s.chain) > 0:
			for i, hop := range s.chain {
				var b []string
				if i+1 < len(s.chain) {
					b = append(b, fmt.Sprintf(`(name = "NEXT", service = %q)`, capnpID(s.chain[i+1])))
				}
				worker(capnpID(hop), file, b, "")
			}
		case s.kv:
			backend := capnpID(s.name + "-store")
			if err := write(backend+".js", fmt.Sprintf("const value = %q;\nexport default { fetch(req) { return req.method === \"GET\" ? new Response(value) : new Response(null, { status: 405 }) } }\n", kvValue)); err != nil {
				return "", err
			}
			worker(backend, backend+".js", nil, "")
			worker(capnpID(s.name), file, []string{fmt.Sprintf(`(name = "KV", kvNamespace = %q)`, backend)}, "")
		case s.do:
			worker(capnpID(s.name), file, []string{`(name = "COUNTER", durableObjectNamespace = "Counter")`},
				"\n  durableObjectNamespaces = [(className = \"Counter\", uniqueKey = \"weft-bench-counter\")],\n  durableObjectStorage = (inMemory = void),")
		default:
			worker(capnpID(s.name), file, nil, "")
		}
		sockets = append(sockets, fmt.Sprintf(`(name = %q, address = "127.0.0.1:%d", http = (), service = %q)`, s.name, ports[s.name], capnpID(s.entry())))
	}
	return fmt.Sprintf(`using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    %s
  ],
  sockets = [
    %s
  ],
);

%s
`, strings.Join(services, ",\n    "), strings.Join(sockets, ",\n    "), strings.Join(workers, "\n\n")), nil
}

// capnpID turns a service name into a capnp identifier (letters and digits, starting lower-case).
func capnpID(name string) string {
	var b strings.Builder
	up := false
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9' && i > 0:
			if up {
				r = []rune(strings.ToUpper(string(r)))[0]
				up = false
			}
			b.WriteRune(r)
		default:
			up = true
		}
	}
	return b.String()
}
