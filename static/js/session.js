/*
 * Portail PTN — a warning before the session ends (security.middleware.SessionLifetimeMiddleware).
 * The server ends a session after SESSION_IDLE_TIMEOUT seconds without a request and
 * SESSION_ABSOLUTE_LIFETIME after login; <body> carries both (data-session-idle, in seconds,
 * and data-session-ends-at, a Unix time). A few minutes before either, a dialog says so; « Rester
 * connecté » sends one request (POST, with the CSRF token htmx uses) that counts as activity.
 * Every htmx request counts as activity too. No inline script, no eval (CSP).
 */
(function () {
  "use strict";

  var WARN_BEFORE_S = 120;
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-session-idle"), 10);
  var endsAt = parseInt(body.getAttribute("data-session-ends-at"), 10);
  var dialog = document.getElementById("ptn-session-dialog");
  if (!idle || !dialog) return;

  var lastActivity = Date.now();
  var timer = null;

  function show(kind) {
    dialog.querySelectorAll("[data-session-message]").forEach(function (p) {
      p.hidden = p.getAttribute("data-session-message") !== kind;
    });
    dialog.querySelector("[data-session-stay]").hidden = kind !== "idle";
    dialog.querySelector("[data-session-login]").hidden = kind !== "ended";
    if (!dialog.open) dialog.showModal();
  }

  function schedule() {
    window.clearTimeout(timer);
    var now = Date.now();
    var idleEnd = lastActivity + idle * 1000;
    var absoluteEnd = endsAt ? endsAt * 1000 : Infinity;
    var end = Math.min(idleEnd, absoluteEnd);
    var kind = absoluteEnd <= idleEnd ? "absolute" : "idle";
    if (now >= end) {
      show("ended");
      return;
    }
    if (now >= end - WARN_BEFORE_S * 1000) {
      show(kind);
      timer = window.setTimeout(schedule, end - now);
      return;
    }
    timer = window.setTimeout(schedule, end - WARN_BEFORE_S * 1000 - now);
  }

  function activity() {
    lastActivity = Date.now();
    schedule();
  }

  function csrfToken() {
    try {
      return JSON.parse(body.getAttribute("data-hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  dialog.querySelector("[data-session-stay]").addEventListener("click", function () {
    fetch(body.getAttribute("data-session-keep-alive"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      if (response.ok) {
        dialog.close();
        activity();
      } else {
        show("ended");
      }
    }, function () {
      show("ended");
    });
  });
  dialog.querySelector("[data-session-close]").addEventListener("click", function () {
    dialog.close();
  });
  body.addEventListener("htmx:afterRequest", activity);
  schedule();
})();
