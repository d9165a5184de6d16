// Quick Edit: several modules in one editor, a preview of the unsaved code, and Save / Save and deploy.
(function () {
  "use strict";

  function $(root, sel) { return root.querySelector(sel); }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }

  function init(root) {
    var app = root.id === "quick-edit" ? root : root.querySelector && root.querySelector("#quick-edit");
    if (!app || app.dataset.ready || !window.WeftEditor) return;
    app.dataset.ready = "1";
    var data = JSON.parse($(app, "#qe-files").textContent);
    var files = data.modules.map(function (m) { return { name: m.name, content: m.content }; });
    var main = data.main || files[0].name, cur = Math.max(0, files.findIndex(function (f) { return f.name === main; }));
    var base = app.dataset.base, csrf = app.dataset.csrf;
    var tabs = $(app, "#qe-tabs"), problemsBox = $(app, "#qe-problems");
    var editor = WeftEditor.create($(app, "#qe-editor"), {
      doc: files[cur].content, filename: files[cur].name,
      onChange: function (doc) { files[cur].content = doc; },
    });

    function renderTabs() {
      tabs.innerHTML = "";
      files.forEach(function (f, i) {
        var b = document.createElement("button");
        b.type = "button";
        b.setAttribute("role", "tab");
        b.setAttribute("aria-selected", String(i === cur));
        b.dataset.file = f.name;
        b.textContent = f.name + (f.name === main ? " (entry)" : "");
        b.addEventListener("click", function () { select(i); });
        tabs.appendChild(b);
      });
    }
    function select(i) {
      files[cur].content = editor.getDoc();
      cur = i;
      editor.setFile(files[i].name, files[i].content);
      renderTabs();
      editor.focus();
    }
    function validName(name) {
      return /^[A-Za-z0-9_.\-\/]+\.(js|mjs|ts|mts|jsx|tsx|json)$/.test(name) && name.indexOf("..") < 0;
    }
    // ask shows the file dialog (a real <dialog>: focus stays in it, Escape cancels). With a value it
    // asks for a name and checks it in place; with value null it asks to confirm. done gets the answer.
    var dialog = $(app, "#qe-dialog"), input = $(app, "#qe-dialog-input"), problem = $(app, "#qe-dialog-error");
    var answer = null;
    function ask(title, value, check, done) {
      $(app, "#qe-dialog-title").textContent = title;
      var naming = value !== null;
      input.hidden = $(app, "#qe-dialog-label").hidden = !naming;
      input.value = naming ? value : "";
      problem.textContent = "";
      answer = function () {
        var v = naming ? input.value.trim() : true;
        var why = naming ? check(v) : "";
        if (why) { problem.textContent = why; input.focus(); return false; }
        done(v);
        return true;
      };
      dialog.showModal();
      (naming ? input : $(app, "#qe-dialog-ok")).focus();
    }
    $(app, "#qe-dialog-form").addEventListener("submit", function (ev) {
      if (answer && !answer()) ev.preventDefault(); // keep the dialog open to fix the name
    });
    $(app, "#qe-dialog-cancel").addEventListener("click", function () { dialog.close(); });
    function nameProblem(name, except) {
      if (!name) return "Enter a file name.";
      if (!validName(name)) return "Use a path ending in .js, .ts, .jsx, .tsx, .mjs or .json.";
      if (name !== except && files.some(function (f) { return f.name === name; })) return name + " already exists.";
      return "";
    }
    $(app, "#qe-add").addEventListener("click", function () {
      ask("New file (e.g. util.js or lib/data.ts)", "", function (n) { return nameProblem(n); }, function (name) {
        files.push({ name: name, content: "" });
        select(files.length - 1);
      });
    });
    $(app, "#qe-rename").addEventListener("click", function () {
      var old = files[cur].name;
      ask("Rename " + old, old, function (n) { return nameProblem(n, old); }, function (name) {
        if (name === old) return;
        files[cur].name = name;
        if (main === old) main = name;
        select(cur);
      });
    });
    $(app, "#qe-delete").addEventListener("click", function () {
      if (files.length === 1) {
        problemsBox.textContent = "A worker needs at least one file.";
        return;
      }
      ask("Delete " + files[cur].name + "?", null, null, function () {
        var gone = files.splice(cur, 1)[0];
        if (gone.name === main) main = files[0].name;
        cur = 0;
        editor.setFile(files[0].name, files[0].content);
        renderTabs();
      });
    });
    $(app, "#qe-main").addEventListener("click", function () { main = files[cur].name; renderTabs(); });

    function payload(extra) {
      files[cur].content = editor.getDoc();
      var body = { modules: files.map(function (f) { return { name: f.name, content: f.content }; }), main: main };
      for (var k in extra) body[k] = extra[k];
      return body;
    }
    function post(path, body) {
      return fetch(base + path, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" },
        body: JSON.stringify(body),
      }).then(function (res) {
        if (res.status === 401) { location.href = "/login?next=" + encodeURIComponent(location.pathname); throw new Error("signed out"); }
        return res.json().then(function (j) { return { status: res.status, json: j }; });
      });
    }
    function showProblems(list) {
      editor.clearErrors();
      problemsBox.innerHTML = "";
      (list || []).forEach(function (p, i) {
        var div = document.createElement("div");
        div.className = "problem";
        div.textContent = (p.file ? p.file + ":" + p.line + ":" + p.column + ": " : "") + p.message;
        problemsBox.appendChild(div);
        if (i === 0 && p.file && p.line) {
          var at = files.findIndex(function (f) { return f.name === p.file; });
          if (at >= 0 && at !== cur) select(at);
          if (at >= 0) editor.showError(p.line, p.message);
        }
      });
    }
    function flash(kind, msg) {
      var box = document.getElementById("flash");
      box.innerHTML = '<div class="flash flash-' + kind + '" role="' + (kind === "error" ? "alert" : "status") + '">' + esc(msg) + "</div>";
    }

    // Preview
    var paneTabs = app.querySelectorAll(".qe-tabs [role=tab]");
    Array.prototype.forEach.call(paneTabs, function (t) {
      t.addEventListener("click", function () {
        Array.prototype.forEach.call(paneTabs, function (o) {
          o.setAttribute("aria-selected", String(o === t));
          document.getElementById(o.dataset.pane).hidden = o !== t;
        });
      });
    });
    function headerLines() {
      return $(app, "#qe-headers").value.split("\n").map(function (l) {
        var i = l.indexOf(":");
        return i > 0 ? [l.slice(0, i).trim(), l.slice(i + 1).trim()] : null;
      }).filter(Boolean);
    }
    $(app, "#qe-request").addEventListener("submit", function (e) {
      e.preventDefault();
      var status = $(app, "#qe-status"), consoleBox = $(app, "#qe-console");
      status.textContent = "Running…";
      post("/edit/preview", payload({ method: $(app, "#qe-method").value, path: $(app, "#qe-path").value, headers: headerLines(), body: $(app, "#qe-body").value }))
        .then(function (r) {
          var out = r.json;
          if (r.status >= 400) { status.textContent = (out.error && out.error.message) || "Preview failed"; return; }
          consoleBox.innerHTML = "";
          out.logs.forEach(function (l) {
            var div = document.createElement("div");
            div.className = "lvl-" + l.level;
            div.textContent = l.level + "  " + l.message;
            consoleBox.appendChild(div);
          });
          showProblems(out.problems);
          if (!out.status) { status.textContent = "The code did not run: " + (out.problems[0] ? out.problems[0].message : "unknown error"); return; }
          status.textContent = out.status + " · " + out.time_ms.toFixed(1) + " ms";
          status.dataset.status = out.status;
          var ct = "";
          $(app, "#qe-response-headers").textContent = out.headers.map(function (h) { if (h[0] === "content-type") ct = h[1]; return h[0] + ": " + h[1]; }).join("\n");
          $(app, "#qe-response-body").textContent = out.body_base64 ? "(binary, " + atob(out.body).length + " bytes)" : out.body;
          $(app, "#qe-rendered").srcdoc = /html/.test(ct) && !out.body_base64 ? out.body :
            '<pre style="white-space:pre-wrap;font:13px ui-monospace,monospace">' + esc(out.body_base64 ? "(binary body)" : out.body) + "</pre>";
        })
        .catch(function (err) { status.textContent = "Preview failed: " + err.message; });
    });

    // Save / Save and deploy
    $(app, "#qe-save").addEventListener("submit", function (e) {
      e.preventDefault();
      var deploy = e.submitter && e.submitter.value === "deploy";
      var buttons = app.querySelectorAll("#qe-save button");
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
      post("/edit/save", payload({ message: $(app, "#qe-message").value, deploy: deploy }))
        .then(function (r) {
          if (r.status === 201) {
            showProblems([]);
            flash("ok", r.json.message);
            $(app, "#qe-message").value = "";
          } else {
            showProblems(r.json.problems);
            flash("error", "Nothing was saved: " + (r.json.error && r.json.error.message ? r.json.error.message : r.json.error));
          }
        })
        .catch(function (err) { flash("error", "Save failed: " + err.message); })
        .finally(function () { Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; }); });
    });

    renderTabs();
    app.weft = { files: files, editor: editor, main: function () { return main; } };
  }

  if (window.WeftPage) WeftPage.onPage(init);
  else document.addEventListener("DOMContentLoaded", function () { init(document.body); });
})();
