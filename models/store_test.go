package models_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/weft-dev/weft/migrations"
	"github.com/weft-dev/weft/models"
)

var (
	ctx = context.Background()
	cli = models.Actor{Name: "admin", Source: "cli"}
)

func openStore(t *testing.T) (*models.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "weft.db")
	st, _ := openStoreAt(t, path)
	return st, path
}

// openStoreAt opens a migrated store at path, and the database under it for tests that reach past
// the store.
func openStoreAt(t testing.TB, path string) (*models.Store, *gorm.DB) {
	t.Helper()
	db, err := models.OpenDB(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrations.Apply(db); err != nil {
		t.Fatal(err)
	}
	st, err := models.NewStore(db, bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, db
}

func bundle(code string) models.Bundle {
	sum := sha256.Sum256([]byte(code))
	return models.Bundle{Hash: hex.EncodeToString(sum[:]), Code: code, Format: "modules", Main: "index.js",
		Modules: models.Modules{{Name: "index.js", Content: code}}}
}

func upload(t *testing.T, st *models.Store, svc, env, code string, vars ...models.Var) *models.UploadResult {
	t.Helper()
	res, err := st.UploadVersion(ctx, cli, models.UploadInput{Service: svc, Environment: env, Bundle: bundle(code),
		Settings: models.Settings{Vars: vars}, Deploy: true})
	if err != nil {
		t.Fatalf("upload %s/%s: %v", svc, env, err)
	}
	return res
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want a %s error, got nil", code)
	}
	if got := models.ErrorCode(err); got != code {
		t.Fatalf("want code %s, got %s (%v)", code, got, err)
	}
}

func TestUploadCreatesServiceAndNumbersVersions(t *testing.T) {
	st, _ := openStore(t)
	r1 := upload(t, st, "api", "production", "a")
	if r1.Version.Number != 1 || len(r1.Created) != 1 {
		t.Fatalf("first upload: number %d created %v", r1.Version.Number, r1.Created)
	}
	r2 := upload(t, st, "api", "staging", "b")
	if r2.Version.Number != 1 {
		t.Fatalf("staging numbers its own versions, got %d", r2.Version.Number)
	}
	r3 := upload(t, st, "api", "production", "c")
	if r3.Version.Number != 2 || r3.Deployment.Splits[0].Number != 2 {
		t.Fatalf("second production upload: %+v", r3.Version)
	}
	svc, err := st.GetService(ctx, "api")
	if err != nil {
		t.Fatal(err)
	}
	if len(svc.Environments) != 2 || svc.Environments[0].Name != "production" || svc.Environments[0].Live[0].Number != 2 {
		t.Fatalf("service summary: %+v", svc.Environments)
	}
}

func TestUploadWithoutDeployKeepsLiveVersion(t *testing.T) {
	st, _ := openStore(t)
	upload(t, st, "api", "production", "a")
	res, err := st.UploadVersion(ctx, cli, models.UploadInput{Service: "api", Environment: "production", Bundle: bundle("b")})
	if err != nil || res.Deployment != nil {
		t.Fatalf("upload without deploy: %v %+v", err, res)
	}
	svc, _ := st.GetService(ctx, "api")
	if got := svc.Environments[0].Live[0].Number; got != 1 {
		t.Fatalf("live version changed to %d by an undeployed upload", got)
	}
}

func TestPromoteKeepsBundleHashAndTargetSettings(t *testing.T) {
	st, _ := openStore(t)
	upload(t, st, "api", "production", "old", models.Var{Name: "MODE", Value: "prod"})
	stg := upload(t, st, "api", "staging", "new", models.Var{Name: "MODE", Value: "staging"})
	res, err := st.Promote(ctx, cli, "api", "staging", "production", "")
	if err != nil {
		t.Fatal(err)
	}
	v := res.Version
	if v.BundleHash != stg.Version.BundleHash || v.PromotedFrom != "staging@v1" || v.TriggeredBy != "promotion" || v.Number != 2 {
		t.Fatalf("promoted version: %+v", v)
	}
	if v.Settings.Vars[0].Value != "prod" {
		t.Fatalf("promotion carried settings: %+v", v.Settings.Vars)
	}
}

func TestRollbackRestoresCodeAndNeedsForceWhenSecretsDiffer(t *testing.T) {
	st, _ := openStore(t)
	v1 := upload(t, st, "api", "production", "one", models.Var{Name: "V", Value: "1"})
	upload(t, st, "api", "production", "two", models.Var{Name: "V", Value: "2"})
	res, err := st.Rollback(ctx, cli, models.RollbackInput{Service: "api", Environment: "production"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Version.Number != 1 || res.Deployment.TriggeredBy != "rollback" {
		t.Fatalf("rollback: %+v %+v", res.Version, res.Deployment)
	}
	live, _ := st.Live(ctx)
	if got := live[0].Splits[0].Version; got.BundleHash != v1.Version.BundleHash || got.Settings.Vars[0].Value != "1" {
		t.Fatalf("live after rollback: %+v", got)
	}
	// A secret put after v1 makes v3; rolling back to v1 would drop it.
	if _, err := st.PutSecret(ctx, cli, "api", "production", "TOKEN", "s3cr3t"); err != nil {
		t.Fatal(err)
	}
	_, err = st.Rollback(ctx, cli, models.RollbackInput{Service: "api", Environment: "production", Number: 2})
	wantCode(t, err, models.ECONFLICT)
	var de *models.Error
	if !errors.As(err, &de) || de.Details.(models.SecretsDiffer).SecretsDiffer[0] != "TOKEN" {
		t.Fatalf("details: %+v", de)
	}
	if _, err := st.Rollback(ctx, cli, models.RollbackInput{Service: "api", Environment: "production", Number: 2, Force: true}); err != nil {
		t.Fatal(err)
	}
	secrets, _ := st.ListSecrets(ctx, "api", "production")
	if len(secrets) != 0 {
		t.Fatalf("forced rollback to v2 should restore v2's (empty) secrets, got %+v", secrets)
	}
}

func TestSecretsAreEncryptedAndVersioned(t *testing.T) {
	st, path := openStore(t)
	// Before any code: the secret waits in the draft and the first upload picks it up.
	if _, err := st.PutSecret(ctx, cli, "api", "production", "API_KEY", "plaintext-value-xyz"); err != nil {
		t.Fatal(err)
	}
	res := upload(t, st, "api", "production", "code")
	if names := res.Version.Settings.SecretNames(); len(names) != 1 || names[0] != "API_KEY" {
		t.Fatalf("first upload secrets: %v", names)
	}
	vals, err := st.SecretValues(ctx, res.Version.Settings.Secrets)
	if err != nil || vals["API_KEY"] != "plaintext-value-xyz" {
		t.Fatalf("decrypt: %v %v", vals, err)
	}
	put, err := st.PutSecret(ctx, cli, "api", "production", "API_KEY", "rotated")
	if err != nil || put.Version.Number != 2 || put.Version.TriggeredBy != "secret" {
		t.Fatalf("secret put makes a version: %v %+v", err, put)
	}
	st.Close()
	raw := readFile(t, path)
	if bytes.Contains(raw, []byte("plaintext-value-xyz")) || bytes.Contains(raw, []byte("rotated")) {
		t.Fatal("secret value stored in plaintext")
	}
}

func TestWrongKeyCannotDecrypt(t *testing.T) {
	st, path := openStore(t)
	res, _ := st.PutSecret(ctx, cli, "api", "production", "K", "v")
	_ = res
	r := upload(t, st, "api", "production", "code")
	st.Close()
	db, _ := models.OpenDB(path)
	other, _ := models.NewStore(db, bytes.Repeat([]byte{8}, 32))
	defer other.Close()
	if _, err := other.SecretValues(ctx, r.Version.Settings.Secrets); err == nil {
		t.Fatal("decrypted with the wrong key")
	}
}

func TestCloneEnvironmentStartsAtVersionOne(t *testing.T) {
	st, _ := openStore(t)
	upload(t, st, "api", "production", "a")
	src := upload(t, st, "api", "production", "b", models.Var{Name: "X", Value: "y"})
	st.PutSecret(ctx, cli, "api", "production", "S", "secret")
	if _, err := st.CreateEnvironment(ctx, cli, "api", "pr-42", "production"); err != nil {
		t.Fatal(err)
	}
	vs, _ := st.ListVersions(ctx, "api", "pr-42")
	if len(vs) != 1 || vs[0].Number != 1 || vs[0].BundleHash != src.Version.BundleHash || vs[0].TriggeredBy != "clone" {
		t.Fatalf("clone versions: %+v", vs)
	}
	vals, err := st.SecretValues(ctx, vs[0].Settings.Secrets)
	if err != nil || vals["S"] != "secret" {
		t.Fatalf("cloned secret: %v %v", vals, err)
	}
	_, err = st.CreateEnvironment(ctx, cli, "api", "pr-42", "")
	wantCode(t, err, models.ECONFLICT)
}

func TestEnvironmentRenameAndDeleteRules(t *testing.T) {
	st, _ := openStore(t)
	upload(t, st, "api", "production", "a")
	upload(t, st, "api", "staging", "b")
	wantCode(t, st.DeleteEnvironment(ctx, cli, "api", "production"), models.EINVALID)
	wantCode(t, st.RenameEnvironment(ctx, cli, "api", "production", "prod"), models.EINVALID)
	wantCode(t, st.RenameEnvironment(ctx, cli, "api", "staging", "Bad_Name"), models.EINVALID)
	// An environment holding Durable Object storage keeps its name: the objects' ids and storage
	// are derived from it. Another environment's objects do not stand in the way.
	if err := st.DOWrite(ctx, "api/staging-2/Counter", "obj", map[string]string{"n": "1"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.DOWrite(ctx, "api/staging/Counter", "obj", map[string]string{"n": "1"}, nil); err != nil {
		t.Fatal(err)
	}
	err := st.RenameEnvironment(ctx, cli, "api", "staging", "preview")
	wantCode(t, err, models.ECONFLICT)
	if !strings.Contains(err.Error(), "1 Durable Object") {
		t.Fatalf("refusal: %v", err)
	}
	if vs, err := st.ListVersions(ctx, "api", "staging"); err != nil || len(vs) != 1 {
		t.Fatalf("a refused rename changes nothing: %v %v", vs, err)
	}
	if err := st.DODeleteAll(ctx, "api/staging/Counter", "obj"); err != nil {
		t.Fatal(err)
	}
	if err := st.RenameEnvironment(ctx, cli, "api", "staging", "preview"); err != nil {
		t.Fatal(err)
	}
	vs, err := st.ListVersions(ctx, "api", "preview")
	if err != nil || len(vs) != 1 {
		t.Fatalf("renamed environment keeps its versions: %v %v", vs, err)
	}
	if err := st.DeleteEnvironment(ctx, cli, "api", "preview"); err != nil {
		t.Fatal(err)
	}
	_, err = st.ListVersions(ctx, "api", "preview")
	wantCode(t, err, models.ENOTFOUND)
}

func TestFailedUploadChangesNothing(t *testing.T) {
	st, _ := openStore(t)
	_, err := st.UploadVersion(ctx, cli, models.UploadInput{Service: "gw", Environment: "production", Bundle: bundle("x"), Deploy: true,
		Settings: models.Settings{Bindings: []models.Binding{{Name: "AUTH", Type: models.BindingService, Service: "auth"}}}})
	wantCode(t, err, models.EINVALID)
	_, err = st.GetService(ctx, "gw")
	wantCode(t, err, models.ENOTFOUND)
	_, err = st.UploadVersion(ctx, cli, models.UploadInput{Service: "Bad Name", Environment: "production", Bundle: bundle("x")})
	wantCode(t, err, models.EINVALID)
	_, err = st.UploadVersion(ctx, cli, models.UploadInput{Service: "gw", Environment: "production", Bundle: bundle("x"),
		Settings: models.Settings{Vars: []models.Var{{Name: "J", Type: "json", Value: "{not json"}}}})
	wantCode(t, err, models.EINVALID)
	events, _ := st.ListAudit(ctx, models.AuditFilter{})
	if len(events) != 0 {
		t.Fatalf("failed uploads left audit events: %+v", events)
	}
}

func TestBindingTargetCannotBeDeletedWhileUsed(t *testing.T) {
	st, _ := openStore(t)
	upload(t, st, "auth", "production", "a")
	_, err := st.UploadVersion(ctx, cli, models.UploadInput{Service: "gw", Environment: "production", Bundle: bundle("x"), Deploy: true,
		Settings: models.Settings{Bindings: []models.Binding{{Name: "AUTH", Type: models.BindingService, Service: "auth"}}}})
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, st.DeleteService(ctx, cli, "auth"), models.ECONFLICT)
	if err := st.DeleteService(ctx, cli, "gw"); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteService(ctx, cli, "auth"); err != nil {
		t.Fatal(err)
	}
}

func TestRoutesConflictAndNormalise(t *testing.T) {
	st, _ := openStore(t)
	upload(t, st, "api", "production", "a")
	upload(t, st, "web", "production", "b")
	p, err := st.AddRoute(ctx, cli, "api", "production", "https://Example.com/api/*")
	if err != nil || p != "example.com/api/*" {
		t.Fatalf("add route: %q %v", p, err)
	}
	_, err = st.AddRoute(ctx, cli, "web", "production", "example.com/api/*")
	wantCode(t, err, models.ECONFLICT)
	for _, bad := range []string{"example.com", "exa mple.com/*", "example.com/a*b", "/x"} {
		_, err = st.AddRoute(ctx, cli, "web", "production", bad)
		wantCode(t, err, models.EINVALID)
	}
	routes, _ := st.ListRoutes(ctx, "", "")
	if len(routes) != 1 || routes[0].Service != "api" {
		t.Fatalf("routes: %+v", routes)
	}
}

func TestGradualDeploymentValidation(t *testing.T) {
	st, _ := openStore(t)
	upload(t, st, "api", "production", "a")
	upload(t, st, "api", "production", "b")
	if _, err := st.Deploy(ctx, cli, "api", "production", []models.SplitInput{{1, 90}, {2, 10}}, "canary"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]models.SplitInput{{{1, 50}, {2, 40}}, {{1, 50}, {1, 50}}, {{1, 100}, {2, 0}, {2, 0}}, {{9, 100}}} {
		_, err := st.Deploy(ctx, cli, "api", "production", bad, "")
		if err == nil {
			t.Fatalf("deploy %v accepted", bad)
		}
	}
	_, err := st.PutSecret(ctx, cli, "api", "production", "S", "x")
	wantCode(t, err, models.ECONFLICT)
}

func TestAuditRecordsChangesWithoutSecretValues(t *testing.T) {
	st, _ := openStore(t)
	upload(t, st, "api", "production", "a")
	st.PutSecret(ctx, cli, "api", "production", "S", "very-secret-value")
	events, _ := st.ListAudit(ctx, models.AuditFilter{Service: "api"})
	actions := map[string]bool{}
	for _, e := range events {
		actions[e.Action] = true
		if bytes.Contains([]byte(e.Before+e.After+e.Resource), []byte("very-secret-value")) {
			t.Fatalf("secret value in audit event %+v", e)
		}
	}
	for _, want := range []string{"service.create", "environment.create", "version.upload", "deployment.create", "secret.put"} {
		if !actions[want] {
			t.Fatalf("audit lacks %s: %v", want, actions)
		}
	}
	only, _ := st.ListAudit(ctx, models.AuditFilter{Action: "secret."})
	if len(only) != 1 {
		t.Fatalf("action prefix filter: %+v", only)
	}
}

func TestTokens(t *testing.T) {
	st, _ := openStore(t)
	value, tok, err := st.CreateToken(ctx, cli, "ci")
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Authenticate(ctx, value)
	if err != nil || got.ID != tok.ID {
		t.Fatalf("authenticate: %v", err)
	}
	_, err = st.Authenticate(ctx, value+"x")
	wantCode(t, err, models.EUNAUTHORIZED)
	if err := st.RevokeToken(ctx, cli, tok.ID); err != nil {
		t.Fatal(err)
	}
	_, err = st.Authenticate(ctx, value)
	wantCode(t, err, models.EUNAUTHORIZED)
}

func TestUsersSessionsAndPasswords(t *testing.T) {
	s, _ := openStore(t)
	if _, err := s.EnsureUser(ctx, "admin", "short", false); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("short password: %v", err)
	}
	created, err := s.EnsureUser(ctx, "admin", "correct horse battery", false)
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	if created, _ := s.EnsureUser(ctx, "admin", "another password!", false); created {
		t.Fatal("created twice")
	}
	if _, _, err := s.Login(ctx, "admin", "another password!"); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("EnsureUser without reset changed the password: %v", err)
	}
	if _, _, err := s.Login(ctx, "nobody", "correct horse battery"); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("unknown user: %v", err)
	}
	cookie, u, err := s.Login(ctx, "admin", "correct horse battery")
	if err != nil || u.Name != "admin" {
		t.Fatalf("login: %v", err)
	}
	if got, err := s.SessionUser(ctx, cookie); err != nil || got.Name != "admin" {
		t.Fatalf("session: %v %v", got, err)
	}
	if err := s.ChangePassword(ctx, u.ID, "wrong one here", "new password 123"); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("wrong current password: %v", err)
	}
	if err := s.ChangePassword(ctx, u.ID, "correct horse battery", "new password 123"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Login(ctx, "admin", "new password 123"); err != nil {
		t.Fatalf("new password: %v", err)
	}
	if err := s.Logout(ctx, cookie); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionUser(ctx, cookie); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("after logout: %v", err)
	}
	if _, err := s.EnsureUser(ctx, "admin", "reset by env 12", true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Login(ctx, "admin", "reset by env 12"); err != nil {
		t.Fatalf("reset: %v", err)
	}
}
