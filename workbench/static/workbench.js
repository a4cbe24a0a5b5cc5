// loanmatch workbench: the little the pages need beyond HTML forms.
// - [data-print]: print the page (the report).
// - the rule editor: line numbers, and as you type (debounced) the server's own lint
//   of the draft, each problem shown at its line:column; scenario runs and previews.
// Everything it calls is on this origin, with the page's CSRF token.
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print]");
    if (target) { event.preventDefault(); window.print(); }
  });

  var editor = $("#rule-editor");
  if (!editor) { return; }
  var box = editor.closest("[data-lint-url]");
  var gutter = $("#gutter");
  var lintList = $("#lint-results");
  var csrf = box.getAttribute("data-csrf");
  var timer = null;
  var sequence = 0;
  var bad = {};

  function post(url, payload) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().then(function (data) { data._status = response.status; return data; });
    });
  }

  function drawGutter() {
    var lines = editor.value.split("\n").length;
    gutter.textContent = "";
    for (var i = 1; i <= lines; i++) {
      if (bad[i]) {
        var mark = document.createElement("span");
        mark.className = "bad";
        mark.title = bad[i];
        mark.textContent = String(i);
        gutter.appendChild(mark);
      } else {
        gutter.appendChild(document.createTextNode(String(i)));
      }
      if (i < lines) { gutter.appendChild(document.createTextNode("\n")); }
    }
    editor.rows = Math.max(lines + 1, 12);
  }

  function text(el, value) { el.textContent = value; return el; }

  function showLint(data) {
    bad = {};
    lintList.innerHTML = "";
    var errors = data.errors || [];
    var status = $("#lint-status");
    if (data._status >= 500 || data.error) {
      text(status, data.error || "error");
      status.className = "error";
    } else if (!errors.length) {
      text(status, status.getAttribute("data-ok"));
      status.className = "ok";
    } else {
      text(status, status.getAttribute("data-bad") + " " + errors.length);
      status.className = "error";
    }
    errors.forEach(function (error) {
      var where = error.line + (error.column ? ":" + error.column : "");
      bad[error.line] = (bad[error.line] ? bad[error.line] + "; " : "") + error.message;
      var li = document.createElement("li");
      li.setAttribute("data-line", error.line);
      li.setAttribute("data-column", error.column || "");
      text(li, where + ": " + error.message);
      lintList.appendChild(li);
    });
    drawGutter();
    var preview = $("#preview-base");
    if (preview && data.preview_html !== undefined) { preview.innerHTML = data.preview_html; }
  }

  function lintNow() {
    var mine = ++sequence;
    box.setAttribute("aria-busy", "true");
    post(box.getAttribute("data-lint-url"), {rule_file: editor.value}).then(function (data) {
      if (mine === sequence) { showLint(data); box.setAttribute("aria-busy", "false"); }
    }).catch(function () { box.setAttribute("aria-busy", "false"); });
  }

  editor.addEventListener("input", function () {
    drawGutter();
    clearTimeout(timer);
    timer = setTimeout(lintNow, 400);
  });
  editor.addEventListener("scroll", function () { gutter.scrollTop = editor.scrollTop; });
  editor.addEventListener("keydown", function (event) {
    // Tab indents (two spaces) inside the editor; Escape then Tab leaves it.
    if (event.key === "Escape") { editor.setAttribute("data-leave", "1"); return; }
    if (event.key === "Tab" && !event.shiftKey && !editor.getAttribute("data-leave")) {
      event.preventDefault();
      var start = editor.selectionStart;
      editor.value = editor.value.slice(0, start) + "  " + editor.value.slice(editor.selectionEnd);
      editor.selectionStart = editor.selectionEnd = start + 2;
      editor.dispatchEvent(new Event("input"));
    } else { editor.removeAttribute("data-leave"); }
  });

  var runButton = $("#run-scenarios");
  if (runButton) {
    runButton.addEventListener("click", function () {
      var out = $("#scenario-results");
      out.setAttribute("aria-busy", "true");
      text(out, runButton.getAttribute("data-running"));
      post(box.getAttribute("data-scenarios-url"), {rule_file: editor.value}).then(function (data) {
        out.innerHTML = data.html || "";
        out.setAttribute("aria-busy", "false");
      });
    });
  }

  var previewButton = $("#preview-own");
  if (previewButton) {
    previewButton.addEventListener("click", function () {
      var out = $("#preview-own-results");
      post(box.getAttribute("data-preview-url"), {rule_file: editor.value,
                                                  profile: $("#own-profile").value}).then(function (data) {
        out.innerHTML = data.html || "";
      });
    });
  }

  drawGutter();
  lintNow();
})();
