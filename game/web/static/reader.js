// Standing's web reader, progressively enhanced: every page works without this.
// With it, a form is sent without a full reload: the page it leads to replaces
// <main> and the standing, focus moves to the new text, and what the step told
// the player is spoken by the aria-live region. Nothing is fetched from elsewhere.
"use strict";
(function () {
  var busy = false;

  function swap(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var main = doc.querySelector("main");
    if (!main) { window.location.assign(url); return; }
    var layout = document.querySelector(".layout");
    var freshLayout = doc.querySelector(".layout");
    if (layout && freshLayout) { layout.replaceWith(freshLayout); }
    var nav = document.querySelector("header");
    var freshNav = doc.querySelector("header");
    if (nav && freshNav) { nav.replaceWith(freshNav); }
    document.title = doc.title;
    if (url !== window.location.href) { history.pushState(null, "", url); }
    var target = document.getElementById("now-h") || document.getElementById("now") ||
      document.querySelector("main");
    var live = document.getElementById("live");
    var told = doc.getElementById("live");
    if (target) {
      target.setAttribute("tabindex", "-1");
      var now = document.getElementById("now");
      if (now && !window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
        now.classList.add("fresh");
      }
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "start" });
    }
    if (live && told) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = told.textContent; }, 50);
    }
    watch();
    reveal();
  }

  function send(form, submitter) {
    if (busy) { return; }
    busy = true;
    var data = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var method = (form.getAttribute("method") || "get").toUpperCase();
    var url = form.getAttribute("action") || "/";
    var request = method === "POST"
      ? fetch(url, { method: "POST", body: data, credentials: "same-origin" })
      : fetch(url + (data.toString() ? "?" + data : ""), { credentials: "same-origin" });
    request.then(function (response) {
      return response.text().then(function (html) { swap(html, response.url); });
    }).catch(function () {
      form.submit();
    }).finally(function () { busy = false; });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.classList.contains("join")) { return; }
    event.preventDefault();
    send(form, event.submitter);
  });

  var timer = null;
  function watch() {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (!document.querySelector("[data-wait]")) { return; }
    timer = window.setTimeout(function () {
      fetch("/status", { credentials: "same-origin" }).then(function (r) { return r.json(); })
        .then(function (state) {
          if (state.held) { watch(); return; }
          return fetch("/").then(function (r) {
            return r.text().then(function (html) { swap(html, r.url); });
          });
        }).catch(watch);
    }, 5000);
  }

  // The debrief's "How your class chose" fills in when the teacher reveals it, and
  // keeps up with the class (the terminal player looks every 3 s; this, every 5 s).
  var revealTimer = null;
  function reveal() {
    if (revealTimer) { window.clearTimeout(revealTimer); revealTimer = null; }
    if (!document.querySelector("[data-reveal]")) { return; }
    revealTimer = window.setTimeout(function () {
      fetch("/debrief", { credentials: "same-origin" }).then(function (r) { return r.text(); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html")
            .querySelector("[data-reveal]");
          var old = document.querySelector("[data-reveal]");
          if (fresh && old && fresh.innerHTML !== old.innerHTML) { old.replaceWith(fresh); }
          reveal();
        }).catch(reveal);
    }, 5000);
  }
  reveal();

  window.addEventListener("popstate", function () { window.location.reload(); });
  watch();
}());
