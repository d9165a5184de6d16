// Weft dashboard behaviour: htmx settings, and the page scripts for Quick Edit and live logs.
// Every page works without this file; it makes actions happen without full page loads.
(function () {
  "use strict";

  document.addEventListener("htmx:configRequest", function () {}); // htmx present: nothing to add per request
  if (window.htmx) {
    // Swap error pages too (validation errors come back as 4xx pages with the fields marked).
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "[4]..", swap: true, error: false },
      { code: "[5]..", swap: true, error: true },
    ];
    htmx.config.historyCacheSize = 0; // pages show live state; never restore a stale snapshot
  }

  function onPage(fn) {
    if (window.htmx) htmx.onLoad(fn);
    else document.addEventListener("DOMContentLoaded", function () { fn(document.body); });
  }

  // Destructive buttons ask first: data-confirm on a submit button (hx-confirm covers whole forms).
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("button[data-confirm]");
    if (btn && !window.confirm(btn.getAttribute("data-confirm"))) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
    }
  }, true);

  // --- live logs -------------------------------------------------------------
  var stream = null;
  function closeStream() { if (stream) { stream.close(); stream = null; } }
  document.addEventListener("htmx:beforeSwap", closeStream);
  window.addEventListener("pagehide", closeStream);

  onPage(function (root) {
    var box = root.querySelector ? root.querySelector("#logs") : null;
    if (!box && root.id === "logs") box = root;
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var list = box.querySelector("#log-lines"), state = box.querySelector("#logs-state");
    var pauseBtn = box.querySelector("#logs-pause"), filter = box.querySelector("#logs-filter"), level = box.querySelector("#logs-level");
    var paused = false, held = [];
    function visible(li) {
      var text = filter.value.toLowerCase(), lvl = level.value;
      return (!lvl || li.dataset.level === lvl || (lvl === "log" && ["log", "info", "warn", "error", "debug"].indexOf(li.dataset.level) >= 0)) &&
        (!text || li.textContent.toLowerCase().indexOf(text) >= 0);
    }
    function refilter() { Array.prototype.forEach.call(list.children, function (li) { li.hidden = !visible(li); }); }
    function add(line) {
      var li = document.createElement("li");
      li.className = "lvl-" + line.level;
      li.dataset.level = line.level;
      [["time", line.time], ["span", line.level, "lvl"], ["span", line.version, "ver"], ["span", line.message, "msg"]].forEach(function (p) {
        var el = document.createElement(p[0]);
        el.textContent = p[1];
        if (p[2]) el.className = p[2];
        li.appendChild(el);
      });
      li.hidden = !visible(li);
      list.appendChild(li);
      while (list.children.length > 2000) list.removeChild(list.firstChild);
      var empty = document.getElementById("logs-empty");
      if (empty) empty.remove();
      li.scrollIntoView({ block: "nearest" });
    }
    pauseBtn.addEventListener("click", function () {
      paused = !paused;
      pauseBtn.setAttribute("aria-pressed", String(paused));
      pauseBtn.textContent = paused ? "Resume" : "Pause";
      state.textContent = paused ? "paused" : "live";
      if (!paused) { held.forEach(add); held = []; }
    });
    filter.addEventListener("input", refilter);
    level.addEventListener("change", refilter);
    closeStream();
    stream = new EventSource(box.dataset.stream);
    stream.addEventListener("open", function () { state.textContent = paused ? "paused" : "live"; });
    stream.addEventListener("error", function () { state.textContent = "reconnecting…"; });
    stream.addEventListener("log", function (ev) {
      var line = JSON.parse(ev.data);
      if (paused) held.push(line); else add(line);
    });
  });

  window.WeftPage = { onPage: onPage };
})();
