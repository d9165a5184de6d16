package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const browserPassword = "browser-test-pw"

// chromium finds Debian's chromium; .ci/run installs it, and the browser test fails rather than skip
// without it (WEFT_SKIP_BROWSER=1 skips it on a machine that cannot have a browser).
func chromium(t *testing.T) string {
	if os.Getenv("WEFT_SKIP_BROWSER") == "1" {
		t.Skip("WEFT_SKIP_BROWSER=1")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("the dashboard's browser test needs Chromium: apt-get install chromium (or set WEFT_SKIP_BROWSER=1)")
	return ""
}

// screenshotDir is where the test saves pictures of the main pages: WEFT_SCREENSHOTS, or a temp dir.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("WEFT_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestDashboardInBrowser drives the real dashboard in headless Chromium through the whole story of
// the issue: sign in, create a service, Quick Edit with preview, deploy, clone, promote, roll back, and
// a syntax error that deploys nothing.
func TestDashboardInBrowser(t *testing.T) {
	exe := chromium(t)
	shots := screenshotDir(t)
	m := &Main{Config: Config{DataDir: t.TempDir(), AdminAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0", Domain: "localhost",
		AdminToken: e2eToken, AdminPassword: browserPassword}}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	admin := "http://" + m.AdminAddr()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1440, 1000))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	defer cancelTimeout()

	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
			t.Fatalf("%s: %v\npage: %.1500s", what, err, body)
		}
	}
	shot := func(name string) {
		t.Helper()
		run("settle before "+name, chromedp.Sleep(150*time.Millisecond))
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 gives PNG
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	textOf := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return s
	}
	// waitText polls from Go, so a page that navigates meanwhile (htmx redirects) does not end the wait.
	waitText := func(what, sel, want string) {
		t.Helper()
		check := fmt.Sprintf(`!!(document.querySelector(%q) && document.querySelector(%q).textContent.includes(%q))`, sel, sel, want)
		for deadline := time.Now().Add(15 * time.Second); ; {
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](check)); err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q)||{}).textContent||"(missing)"`, sel)))
				t.Fatalf("%s: %s never contained %q; it has %.800q", what, sel, want, got)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	setCode := func(code string) {
		t.Helper()
		run("edit code", chromedp.WaitVisible(chromedp.CSS(".cm-content")),
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector("#qe-editor").weftEditor.setDoc(%q)`, code)))
	}
	gatewayBody := func(host string) string {
		t.Helper()
		_, body := get(t, m, host, "/")
		return body
	}

	// Sign in.
	run("login", chromedp.Navigate(admin+"/services"), chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "admin"), chromedp.SendKeys(chromedp.CSS("#password"), browserPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="current-user"]`)))

	// Create a service from the hello template.
	run("create service", chromedp.SendKeys(chromedp.CSS("#service-name"), "hello"),
		chromedp.Click(chromedp.CSS(`#new-service button[type=submit]`)))
	waitText("service page", "main h1", "hello")
	if body := gatewayBody("hello.localhost"); body != "Hello world!" {
		t.Fatalf("template not deployed: %q", body)
	}
	shot("services-hello")

	// Quick Edit: change the code, run it in the preview, see the console line, then Save and deploy.
	run("open quick edit", chromedp.Click(chromedp.CSS(`[data-env="production"] a[href$="/edit"]`)), chromedp.WaitVisible(chromedp.CSS(".cm-lineNumbers")))
	setCode("export default {\n  async fetch(request, env) {\n    console.log(\"greeting from\", new URL(request.url).pathname);\n    return new Response(\"<h1>\" + (env.GREETING || \"Hi\") + \" from v2</h1>\", { headers: { \"content-type\": \"text/html\" } });\n  },\n};\n")
	run("run preview", chromedp.SetValue(chromedp.CSS("#qe-path"), "/preview-path"), chromedp.Click(chromedp.CSS("#qe-run")))
	waitText("preview status", "#qe-status", "200")
	waitText("console", "#qe-console", "greeting from /preview-path")
	if body := gatewayBody("hello.localhost"); body != "Hello world!" {
		t.Fatalf("the preview changed production: %q", body)
	}
	shot("quick-edit")

	// Files are added and deleted through the page's own dialog, which checks a name in place.
	run("add file", chromedp.Click(chromedp.CSS("#qe-add")), chromedp.WaitVisible(chromedp.CSS("#qe-dialog-input")),
		chromedp.SendKeys(chromedp.CSS("#qe-dialog-input"), "notes.txt"), chromedp.Click(chromedp.CSS("#qe-dialog-ok")))
	waitText("bad name refused", "#qe-dialog-error", "Use a path ending in")
	run("good name", chromedp.SetValue(chromedp.CSS("#qe-dialog-input"), "util.js"), chromedp.Click(chromedp.CSS("#qe-dialog-ok")))
	waitText("file added", "#qe-tabs", "util.js")
	run("delete file", chromedp.Click(chromedp.CSS("#qe-delete")), chromedp.WaitVisible(chromedp.CSS("#qe-dialog-ok")), chromedp.Click(chromedp.CSS("#qe-dialog-ok")))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if tabs, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#qe-tabs").textContent`)); err == nil && !strings.Contains(tabs, "util.js") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("util.js was not deleted")
		}
	}
	run("save and deploy", chromedp.SendKeys(chromedp.CSS("#qe-message"), "first edit"), chromedp.Click(chromedp.CSS("#qe-save-deploy")))
	waitText("deployed", "#flash", "Deployed version 2")
	if body := gatewayBody("hello.localhost"); body != "<h1>Hi from v2</h1>" {
		t.Fatalf("after Save and deploy production says %q", body)
	}

	// Production gets its own variable.
	run("production settings", chromedp.Navigate(admin+"/services/hello/environments/production/settings"), chromedp.WaitVisible(chromedp.CSS("#new-var-name")),
		chromedp.SendKeys(chromedp.CSS("#new-var-name"), "GREETING"), chromedp.SendKeys(chromedp.CSS("#new-var-value"), "Production"),
		chromedp.Click(chromedp.CSS(`#vars form.add button[type=submit]`)))
	waitText("var saved", "#flash", "Variable GREETING saved")
	shot("settings")

	// Clone production into staging, change staging's code and variable.
	run("clone", chromedp.Navigate(admin+"/services/hello"), chromedp.WaitVisible(chromedp.CSS("#env-name")),
		chromedp.SendKeys(chromedp.CSS("#env-name"), "staging"), chromedp.SetValue(chromedp.CSS("#env-from"), "production"),
		chromedp.Click(chromedp.CSS(`#new-env button[type=submit]`)))
	waitText("cloned", "#flash", "cloned from production")
	if body := gatewayBody("staging.hello.localhost"); body != "<h1>Production from v2</h1>" {
		t.Fatalf("clone serves %q", body)
	}
	run("staging quick edit", chromedp.Navigate(admin+"/services/hello/environments/staging/edit"))
	setCode("export default {\n  fetch(request, env) {\n    return new Response(env.GREETING + \" runs v3\");\n  },\n};\n")
	run("deploy staging", chromedp.Click(chromedp.CSS("#qe-save-deploy")))
	waitText("staging deployed", "#flash", "Deployed version")
	run("staging var", chromedp.Navigate(admin+"/services/hello/environments/staging/settings"), chromedp.WaitVisible(chromedp.CSS("#var-GREETING")),
		chromedp.SetValue(chromedp.CSS("#var-GREETING"), "Staging"), chromedp.Click(chromedp.CSS(`tr[data-var="GREETING"] button[value=set]`)))
	waitText("staging var saved", "#flash", "Variable GREETING saved")
	if body := gatewayBody("staging.hello.localhost"); body != "Staging runs v3" {
		t.Fatalf("staging serves %q", body)
	}

	// Promote staging to production: production runs staging's code with its own variable.
	run("promote", chromedp.Navigate(admin+"/services/hello/environments/staging/deployments"), chromedp.WaitVisible(chromedp.CSS("#promote-to")),
		chromedp.Click(chromedp.CSS(`form[action$="/deployments/promote"] button`)))
	waitText("promote confirmation", ".confirm", "keeps its own variables")
	run("confirm promote", chromedp.Click(chromedp.CSS("#confirm-button")))
	waitText("promoted", "#flash", "Promoted staging to production")
	if body := gatewayBody("hello.localhost"); body != "Production runs v3" {
		t.Fatalf("after promote production says %q", body)
	}
	shot("deployments")

	// Roll production back with one click (plus the confirmation).
	run("rollback", chromedp.Click(chromedp.CSS(`tr[data-version="3"] a[href*="rollback"]`)))
	waitText("rollback confirmation", ".confirm", "Roll production back to v3")
	shot("rollback-confirm")
	run("confirm rollback", chromedp.Click(chromedp.CSS("#confirm-button")))
	waitText("rolled back", "#flash", "Rolled back")
	if body := gatewayBody("hello.localhost"); body != "<h1>Production from v2</h1>" {
		t.Fatalf("after rollback production says %q", body)
	}

	// A syntax error is shown at its line and deploys nothing.
	before := countVersions(t, m)
	run("bad script", chromedp.Navigate(admin+"/services/hello/environments/production/edit"))
	setCode("export default {\n  fetch() {\n    return new Response(;\n  },\n};\n")
	run("deploy bad script", chromedp.Click(chromedp.CSS("#qe-save-deploy")))
	waitText("problem shown", "#qe-problems", "index.js:3")
	run("error marked in the editor", chromedp.WaitVisible(chromedp.CSS(".cm-lintRange-error")))
	if !strings.Contains(textOf("#flash"), "Nothing was saved") {
		t.Fatalf("flash: %q", textOf("#flash"))
	}
	shot("quick-edit-error")
	if after := countVersions(t, m); after != before {
		t.Fatalf("a bad script made a version: %d -> %d", before, after)
	}
	if body := gatewayBody("hello.localhost"); body != "<h1>Production from v2</h1>" {
		t.Fatalf("a bad script changed production: %q", body)
	}

	// The live log tail shows requests as they happen.
	run("logs", chromedp.Navigate(admin+"/services/hello/environments/production/logs"), chromedp.WaitVisible(chromedp.CSS("#log-lines")))
	waitText("stream connected", "#logs-state", "live")
	get(t, m, "hello.localhost", "/from-the-log-test")
	waitText("log line", "#log-lines", "GET /from-the-log-test 200")
	shot("logs")

	// A destructive button asks first: declining changes nothing, accepting deletes.
	stagingSettings := admin + "/services/hello/environments/staging/settings"
	run("decline delete", chromedp.Navigate(stagingSettings), chromedp.WaitVisible(chromedp.CSS(`tr[data-var="GREETING"]`)),
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => false`),
		chromedp.Click(chromedp.CSS(`tr[data-var="GREETING"] button[value=delete]`)), chromedp.Sleep(300*time.Millisecond))
	if body := gatewayBody("staging.hello.localhost"); body != "Staging runs v3" {
		t.Fatalf("declined delete changed staging: %q", body)
	}
	run("accept delete", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(`tr[data-var="GREETING"] button[value=delete]`)))
	waitText("deleted", "#flash", "Variable GREETING deleted")
	if body := gatewayBody("staging.hello.localhost"); body != "undefined runs v3" {
		t.Fatalf("after delete staging says %q", body)
	}
	t.Logf("screenshots in %s", shots)
}

func countVersions(t *testing.T, m *Main) int {
	t.Helper()
	return strings.Count(mustCLI(t, m, "", "versions", "list", "--name", "hello", "--json"), `"bundle_hash"`)
}
