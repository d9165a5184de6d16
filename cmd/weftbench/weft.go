package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/weft-dev/weft/cmd/weft/client"
	"github.com/weft-dev/weft/models"
)

// weftServer is a `weft serve` process with a fresh data directory.
type weftServer struct {
	*server
	api     *client.Client
	gateway string // http://127.0.0.1:PORT
}

func startWeft(ctx context.Context, bin, work string) (*weftServer, error) {
	if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, err
	}
	adminPort, err := freePort()
	if err != nil {
		return nil, err
	}
	gwPort, err := freePort()
	if err != nil {
		return nil, err
	}
	b := make([]byte, 16)
	rand.Read(b)
	token := hex.EncodeToString(b)
	srv, err := start("weft", work, []string{"WEFT_ADMIN_TOKEN=" + token, "WEFT_ADMIN_PASSWORD=bench-password"}, bin, "serve",
		"--data", filepath.Join(work, "weft-data"), "--admin-addr", fmt.Sprintf("127.0.0.1:%d", adminPort),
		"--gateway-addr", fmt.Sprintf("127.0.0.1:%d", gwPort))
	if err != nil {
		return nil, err
	}
	w := &weftServer{server: srv, api: client.New(fmt.Sprintf("http://127.0.0.1:%d", adminPort), token), gateway: fmt.Sprintf("http://127.0.0.1:%d", gwPort)}
	if err := waitHTTP(ctx, fmt.Sprintf("http://127.0.0.1:%d/api/v1/services", adminPort), nil); err != nil {
		srv.stop()
		return nil, err
	}
	return w, nil
}

// deploy uploads one module as service/env from its wrangler.toml and deploys it.
func (w *weftServer) deploy(ctx context.Context, service, env, src, toml string) (*client.UploadResponse, error) {
	return w.api.UploadVersion(ctx, service, env, client.UploadRequest{
		Modules: []models.Module{{Name: "index.js", Content: src}}, Main: "index.js", WranglerTOML: toml, Deploy: true, Message: "bench",
	})
}

// deployScenarios deploys every scenario's services and seeds the KV value.
func (w *weftServer) deployScenarios(ctx context.Context, scs []scenario) error {
	for _, s := range scs {
		for _, svc := range s.services() {
			if _, err := w.deploy(ctx, svc.name, models.ProductionEnvName, s.src, svc.toml); err != nil {
				return fmt.Errorf("deploy %s: %w", svc.name, err)
			}
		}
		if s.kv {
			if err := w.api.PutKV(ctx, "bench", "key", strings.NewReader(kvValue), 0, ""); err != nil {
				return fmt.Errorf("seed KV: %w", err)
			}
		}
	}
	return nil
}

// target is how load reaches a service on the gateway: its address and Host header.
func (w *weftServer) target(service, env, path string) (string, http.Header) {
	host := service + ".localhost"
	if env != models.ProductionEnvName {
		host = env + "." + host
	}
	return w.gateway + path, http.Header{"Host": {host}}
}
