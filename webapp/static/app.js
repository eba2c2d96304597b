/* Psoas Coach phone app: countdown ring, clock offset, refresh at phase end, screen wake lock.
   No inline scripts anywhere (CSP script-src 'self'); everything is driven by data attributes. */
(function () {
  "use strict";

  var current = null;      // the [data-countdown] element we are driving
  var offset = 0;          // server clock minus this device's clock, in seconds
  var refetchedFor = null; // phase end we already asked the server about
  var wakeLock = null;

  function num(el, name) {
    var v = el.getAttribute("data-" + name);
    return v === null || v === "" ? null : parseFloat(v);
  }

  function serverNow() { return Date.now() / 1000 + offset; }

  function refresh() {
    var panel = document.getElementById("session-panel");
    if (!panel) { return; }
    if (window.htmx) {
      window.htmx.ajax("GET", "/session", { target: "#session-panel", swap: "innerHTML" });
    } else {
      window.location.reload();
    }
  }

  /* Where the timeline is at time t: same arithmetic as the server (rep k holds from
     start + k * (hold + gap) for hold seconds). */
  function compute(el, t) {
    var start = num(el, "phase-started-at"), ends = num(el, "phase-ends-at");
    var hold = Math.max(num(el, "hold") || 0, 1), gap = Math.max(num(el, "rep-gap") || 0, 0);
    var reps = Math.max(num(el, "reps") || 1, 1);
    if (el.getAttribute("data-phase") === "holding") {
      var elapsed = t - start;
      if (elapsed < 0) { return { label: "Get ready", secs: Math.ceil(-elapsed), frac: 0, rep: 1 }; }
      var k = Math.min(Math.floor(elapsed / (hold + gap)), reps - 1);
      var within = elapsed - k * (hold + gap);
      if (within < hold) { return { label: "Hold", secs: Math.ceil(hold - within), frac: within / hold, rep: k + 1 }; }
      return { label: "Release", secs: Math.ceil(Math.max(hold + gap - within, 0)), frac: 1, rep: k + 1 };
    }
    var total = ends - start;
    var frac = total > 0 ? Math.min(Math.max((t - start) / total, 0), 1) : 1;
    return { label: "Rest", secs: Math.ceil(Math.max(ends - t, 0)), frac: frac, rep: null };
  }

  function setText(el, sel, text) {
    var node = el.parentNode.querySelector(sel) || el.querySelector(sel);
    if (node && node.textContent !== String(text)) { node.textContent = String(text); }
  }

  function tick() {
    var el = document.querySelector("[data-countdown]");
    if (!el) { current = null; return; }
    if (el !== current) {
      current = el;
      offset = (num(el, "server-now") || Date.now() / 1000) - Date.now() / 1000;
    }
    var pausedAt = num(el, "paused-at");
    var now = serverNow();
    var s = compute(el, pausedAt !== null ? pausedAt : now);
    setText(el, "[data-seconds]", s.secs);
    setText(el, "[data-label]", pausedAt !== null ? "Paused" : s.label);
    if (s.rep !== null) { setText(el, "[data-rep]", s.rep); }
    var ring = el.querySelector(".ring-fill");
    if (ring) { ring.setAttribute("stroke-dashoffset", (100 * s.frac).toFixed(1)); }
    var ends = num(el, "phase-ends-at"), renderedAt = num(el, "server-now");
    if (pausedAt === null && ends !== null && ends > renderedAt && now >= ends + 0.3 && refetchedFor !== ends) {
      refetchedFor = ends;
      refresh();
    }
  }

  /* Keep the screen on while a session is live (phone on the floor next to the mat). */
  function wantWakeLock() { return !!document.querySelector("#session-panel .controls"); }

  function updateWakeLock() {
    if (!("wakeLock" in navigator)) { return; }
    if (wantWakeLock() && !wakeLock && document.visibilityState === "visible") {
      navigator.wakeLock.request("screen").then(function (lock) {
        wakeLock = lock;
        lock.addEventListener("release", function () { wakeLock = null; });
      }).catch(function () { wakeLock = null; });
    } else if (!wantWakeLock() && wakeLock) {
      wakeLock.release().catch(function () {});
      wakeLock = null;
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      updateWakeLock();
      if (document.getElementById("session-panel")) { refresh(); } // the phone may have slept mid-session
    }
  });
  document.addEventListener("htmx:afterSettle", function () { tick(); updateWakeLock(); });

  /* After the panel changes (a tap here, or Alexa moving on), keep the person oriented:
     bring the top of the panel back into view if they had scrolled past it (the timer and
     the exercise name live there), and keep keyboard focus in the panel: on the same button
     where it survives (htmx restores it by id), on its twin (Pause <-> Resume), or on the
     panel's heading. */
  var TWINS = { "btn-pause": "btn-resume", "btn-resume": "btn-pause" };
  var lastFocus = null; // id ("" when it has none) of the last element focused inside the panel, else null
  function sessionPanel(evt) {
    var el = (evt.detail && evt.detail.target) || evt.target; // SSE swaps fire on the panel itself
    return el && el.id === "session-panel" ? el : null;
  }
  document.addEventListener("focusin", function (evt) {
    var panel = document.getElementById("session-panel");
    lastFocus = panel && panel.contains(evt.target) ? (evt.target.id || "") : null;
  });
  document.addEventListener("htmx:afterSwap", function (evt) {
    var panel = sessionPanel(evt);
    if (panel && panel.getBoundingClientRect().top < 0) { panel.scrollIntoView({ block: "start" }); }
  });
  // Focus moves once the new buttons are live (htmx wires them up as the swap settles).
  document.addEventListener("htmx:afterSettle", function (evt) {
    var panel = sessionPanel(evt);
    if (!panel) { return; }
    var active = document.activeElement;
    if (lastFocus === null || (active && active !== document.body && document.contains(active))) { return; }
    var next = (lastFocus && (document.getElementById(lastFocus) || document.getElementById(TWINS[lastFocus] || "")))
      || panel.querySelector("h2");
    if (!next) { return; }
    if (next.tagName === "H2") { next.setAttribute("tabindex", "-1"); }
    next.focus({ preventScroll: true });
  });

  function init() {
    tick();
    updateWakeLock();
    if (document.getElementById("session-panel")) { window.setInterval(tick, 250); }
  }
  /* The browser's time zone, sent once per change: the server keeps it per person (days and weeks on
     /progress, and the voice's fallback when Alexa gives none). */
  function reportTimeZone() {
    var tz;
    try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (!tz || !meta || !window.fetch) { return; }
    try { if (window.localStorage.getItem("psoas-tz") === tz) { return; } } catch (e) { /* private mode */ }
    var body = new URLSearchParams({ tz: tz });
    window.fetch("/timezone", {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": meta.getAttribute("content") }
    }).then(function (r) {
      if (r.ok) { try { window.localStorage.setItem("psoas-tz", tz); } catch (e) { /* private mode */ } }
    }, function () { /* offline: try again on the next page */ });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reportTimeZone);
  } else { reportTimeZone(); }
}());
