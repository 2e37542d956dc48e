// Standing's static export: starts Pyodide from the files beside this page (no
// server, no network: they were packed as base64 in <script> files, since a page
// opened from file:// may not fetch() its neighbours), then plays the story with
// the web reader's own pages, drawn by Python. Saves go to localStorage.
"use strict";
(function () {
  var DATA = window.STANDING_DATA || {};
  var started = performance.now();
  var book = null;
  var unkept = false;  // the browser refused to keep the game (private window, storage off)
  var key = "standing:" + (window.STANDING_STORY_ID || "story");
  var status = document.getElementById("status");

  function say(text) { if (status) { status.textContent = text; } }

  function bytes(name) {
    var text = DATA[name];
    if (typeof text !== "string") { throw new Error("missing " + name); }
    if (Uint8Array.fromBase64) { return Uint8Array.fromBase64(text); }
    var raw = atob(text), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  var TYPES = { "pyodide.asm.wasm": "application/wasm", "python_stdlib.zip": "application/zip",
                "pyodide-lock.json": "application/json" };
  // Pyodide asks fetch() for its files by name: answer from the packed copies.
  var realFetch = window.fetch ? window.fetch.bind(window) : null;
  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : (input && input.url) || String(input);
    var name = url.split("?")[0].split("#")[0].split("/").pop();
    if (Object.prototype.hasOwnProperty.call(TYPES, name) && DATA[name]) {
      return Promise.resolve(new Response(bytes(name),
        { status: 200, headers: { "Content-Type": TYPES[name] } }));
    }
    if (realFetch && /^(blob|data):/.test(url)) { return realFetch(input, init); }
    return Promise.reject(new TypeError("the export fetches nothing: " + url));
  };

  function store(text) {
    try { window.localStorage.setItem(key, text); return true; } catch (e) { return false; }
  }
  function stored() {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function show(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.body;
    document.body.replaceChildren.apply(document.body, Array.prototype.slice.call(fresh.childNodes));
    document.title = doc.title;
    addDownload();
    var target = document.getElementById("now-h") || document.getElementById("now") ||
      document.querySelector("main");
    if (target) {
      target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "start" });
    }
    var live = document.getElementById("live");
    var told = doc.getElementById("live");
    if (live && told) {
      var words = told.textContent;
      live.textContent = "";
      window.setTimeout(function () { live.textContent = words; }, 50);
    }
  }

  function addDownload() {
    var list = document.querySelector("header nav ul");
    if (!list || document.getElementById("download-record")) { return; }
    var item = document.createElement("li");
    var button = document.createElement("button");
    button.type = "button";
    button.id = "download-record";
    button.className = "link";
    button.textContent = "Download my record";
    button.addEventListener("click", download);
    item.appendChild(button);
    list.appendChild(item);
  }

  function download() {
    var blob = new Blob([book.record_text()], { type: "application/x-ndjson" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = book.record_name();
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  function act(method, path, fields) {
    var html;
    try {
      html = method === "POST" ? book.post(path, fields) : book.get(path);
    } catch (e) {
      say("Something went wrong: " + e.message);
      throw e;
    }
    if (method === "POST" && !store(book.saved())) { unkept = true; }
    if (unkept) {
      html = html.replace("<main", "<p class=\"message\" role=\"alert\">This browser " +
        "would not keep your game: it will be lost when the page closes. Download your " +
        "record before you close it.</p><main");
    }
    show(html);
    window.STANDING_STEPS = (window.STANDING_STEPS || 0) + 1;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !book) { return; }
    event.preventDefault();
    var fields = {};
    new FormData(form).forEach(function (value, name) { fields[name] = String(value); });
    var submitter = event.submitter;
    if (submitter && submitter.name) { fields[submitter.name] = submitter.value; }
    var method = (form.getAttribute("method") || "get").toUpperCase();
    act(method, form.getAttribute("action") || "/", fields);
  });

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[href^='/']") : null;
    if (!link || !book) { return; }
    event.preventDefault();
    act("GET", link.getAttribute("href"), {});
  });

  async function start() {
    say("Loading the story's engine (the first time takes a few seconds)…");
    var asm = URL.createObjectURL(new Blob([bytes("pyodide.asm.mjs")],
                                           { type: "text/javascript" }));
    var module = await import(asm);
    var pyodide = await loadPyodide({
      indexURL: new URL("pyodide/", window.location.href).href,
      createPyodideModule: module.default,
      lockFileContents: new TextDecoder().decode(bytes("pyodide-lock.json")),
      stdout: function () {}, stderr: function (line) { console.warn(line); },
    });
    window.STANDING_PYODIDE_MS = performance.now() - started;
    pyodide.unpackArchive(bytes("engine.zip"), "zip", { extractDir: "/home/pyodide/engine" });
    pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/engine')");
    var browser = pyodide.pyimport("game.export.browser");
    var storyText = new TextDecoder().decode(bytes("story.json"));
    book = browser.Book.callKwargs(storyText, stored(),
                                   { source: window.STANDING_SOURCE || "other" });
    if (!store(book.saved())) { unkept = true; }
    act("GET", "/", {});
    window.STANDING_READY_MS = performance.now() - started;
  }

  start().catch(function (e) {
    say("This story could not start in this browser: " + e.message);
    window.STANDING_FAILED = String(e && e.stack || e);
  });
})();
