/* Psoas Coach: installable app and offline sessions (the queue and the glue; no session rules).
 *
 * 1. Registers the service worker (/sw.js, scope "/").
 * 2. While online, keeps the session's timeline (GET /api/session.json: the same timeline the
 *    page plays) in localStorage.
 * 3. When the phone is offline (navigator.onLine false, or a session command fails to reach the
 *    server), the session controls are applied by the page's player (app.js -> PsoasPlayer:
 *    pause / resume / next / back / repeat shift or jump the timeline) and queued, each with its
 *    expected_version (the local version, +1 per command) and a unique id. What the player cannot
 *    do alone (slower, faster, skip, starting a routine) waits for the network. Finish and
 *    It hurts are queued and the panel shows the end.
 * 4. When the network is back ('online' event, or on load), the queue goes, in order, to
 *    POST /api/session/commands (CSRF token in X-CSRF-Token); the server applies it under the
 *    version rules, so nothing is applied twice. Each carries `hold_elapsed`, the seconds since
 *    the phone made it, so the server's timeline jumps, pauses and resumes when the phone did. Then the
 *    page takes the server's timeline in place (no reload).
 *
 * No inline scripts anywhere (the CSP forbids them): configuration comes from data attributes
 * on this script's own tag (webapp/templates/_pwa_head.html).
 */
(function () {
  'use strict';

  var script = document.getElementById('pwa-script') || document.currentScript;
  var dataset = (script && script.dataset) || {};
  var CFG = {
    sw: dataset.swUrl || '/sw.js',
    apiSession: dataset.apiSession || '/api/session.json',
    apiCommands: dataset.apiCommands || '/api/session/commands',
  };
  var KEY = 'psoas-coach:offline:v2';
  var COMMAND_WORDS = {
    next: 'next', back: 'previous', previous: 'previous', pause: 'pause', resume: 'resume',
    repeat: 'repeat', 'continue': 'continue', finish: 'finish', pain: 'pain',
  };
  // Every command the player applies offline depends on when it was tapped: a jump starts its
  // segment then, a pause freezes the timeline then, a resume shifts it by the time paused.
  var TIMED = {next: true, previous: true, repeat: true, 'continue': true, pause: true, resume: true};
  var OFFLINE_NOTE = "You're offline. Your session carries on here on this phone and catches up when you reconnect.";
  var SYNCING_NOTE = 'Back online: sending what you did offline…';
  var LATER_NOTE = 'That needs the network; it will work again once you are back online.';

  // ---------------------------------------------------------------- storage

  function load() {
    var data = null;
    try { data = JSON.parse(localStorage.getItem(KEY) || 'null'); } catch (e) { data = null; }
    data = data && typeof data === 'object' ? data : {};
    data.queue = Array.isArray(data.queue) ? data.queue : [];
    return data;
  }

  function save(data) {
    try { localStorage.setItem(KEY, JSON.stringify(data)); } catch (e) { /* storage full: keep going */ }
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  // ---------------------------------------------------------------- the local run

  function session() { return window.PsoasSession || null; }
  function isSessionPage() { return !!document.getElementById('session-panel'); }
  function running() { return !!document.querySelector('#session-panel [data-session="running"]'); }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) return meta.content;
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : '';
  }

  function note(text) {
    var panel = document.getElementById('session-panel');
    if (!panel) return;
    var el = panel.querySelector('[data-offline-mode]');
    if (!text) { if (el) el.remove(); return; }
    if (!el) {
      el = document.createElement('p');
      el.className = 'notice offline-note';
      el.setAttribute('role', 'status');
      el.setAttribute('data-offline-mode', '');
      panel.insertBefore(el, panel.firstChild);
    }
    if (el.textContent !== text) el.textContent = text;
  }

  /* Run on this phone: the page's player, or (page loaded offline from the cache) the last
     timeline kept while online, when it is newer than the one in the cached page. */
  function goLocal() {
    var s = session();
    if (!s || !isSessionPage() || !running()) return false;
    if (!s.isLocal()) {
      var kept = load().timeline;
      var shown = s.timeline();
      if (kept && shown && kept.started_at === shown.started_at && kept.version > shown.version) s.adopt(kept);
      s.setLocal(true);
    }
    note(OFFLINE_NOTE);
    return true;
  }

  /** Apply one command on the player and queue it. Returns false when it cannot be done here. */
  function localCommand(name) {
    var s = session();
    if (!goLocal()) return false;
    var expected = s.version();
    var item = {id: newId(), name: name, expected_version: expected, client_ts: s.serverNow()};
    if (name === 'finish' || name === 'pain') {
      var data = load();
      data.queue.push(item);
      save(data);
      var root = document.querySelector('#session-panel .sp');
      if (root) root.setAttribute('data-kind', 'done');
      var done = root && root.querySelector('.sp-done');
      if (done) done.hidden = false;
      return true;
    }
    if (!COMMAND_WORDS[name] || !s.apply(name)) { note(LATER_NOTE); return true; }
    if (TIMED[name]) item.timed = true;
    var d = load();
    d.queue.push(item);
    d.timeline = s.timeline();
    save(d);
    note(OFFLINE_NOTE);
    return true;
  }

  // ---------------------------------------------------------------- the controls

  function commandOf(form) {
    var action = form.getAttribute('hx-post') || form.getAttribute('action') || '';
    var path;
    try { path = new URL(action, location.href).pathname; } catch (e) { return null; }
    var m = /^\/session\/([a-z_-]+)$/.exec(path);
    if (!m || m[1] === 'start') return null;
    return COMMAND_WORDS[m[1]] || m[1];
  }

  function offlineNow() {
    var s = session();
    return !navigator.onLine || (s && s.isLocal());
  }

  // Capture phase on window: runs before htmx's own listener on the form (app.js runs first).
  window.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !offlineNow()) return;
    var name = commandOf(form);
    if (!name) return;
    if (localCommand(name)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // A command that could not reach the server (the network dropped without 'offline'): run it here.
  document.addEventListener('htmx:sendError', function (event) {
    var elt = event.detail && event.detail.elt;
    var form = elt && (elt.closest ? elt.closest('form') : null);
    var name = form && commandOf(form);
    if (name && localCommand(name) && navigator.onLine) setTimeout(flush, 5000);
  });

  // ---------------------------------------------------------------- online: snapshot and sync

  async function fetchJSON(url) {
    var response = await fetch(url, {credentials: 'same-origin', cache: 'no-store', headers: {Accept: 'application/json'}});
    if (!response.ok) throw new Error('HTTP ' + response.status);
    return response.json();
  }

  var refreshing = null;
  async function refreshSnapshot() {
    if (refreshing) return refreshing;
    refreshing = (async function () {
      try {
        var body = await fetchJSON(CFG.apiSession);
        var data = load();
        if (data.queue.length) return;  // local work waits for the sync
        data.timeline = body.timeline || null;
        data.safetyHeard = !!(body.person && body.person.safety_heard);
        save(data);
      } catch (e) { /* offline */ } finally { refreshing = null; }
    })();
    return refreshing;
  }

  var flushing = false;
  async function flush() {
    if (flushing) return;
    var data = load();
    var s = session();
    if (!data.queue.length) { if (s && s.isLocal() && navigator.onLine) backToServer(null); return; }
    flushing = true;
    try {
      if (running()) note(SYNCING_NOTE);
      var fresh = await fetchJSON(CFG.apiSession);  // a fresh CSRF token, and proof the server is there
      data = load();
      var now = s ? s.serverNow() : fresh.server_time;
      var batch = data.queue.map(function (item) {
        var copy = {id: item.id, name: item.name, expected_version: item.expected_version};
        // How long ago the phone made it: the server applies it at the same moment.
        if (item.timed || item.jump) copy.hold_elapsed = Math.max(0, now - item.client_ts);
        return copy;
      });
      var response = await fetch(CFG.apiCommands, {
        method: 'POST', credentials: 'same-origin', cache: 'no-store',
        headers: {'Content-Type': 'application/json', Accept: 'application/json',
                  'X-CSRF-Token': fresh.csrf_token || csrfToken()},
        body: JSON.stringify({commands: batch, sent_at: now}),
      });
      var body = null;
      try { body = await response.json(); } catch (e) { body = null; }
      if (response.status >= 500) throw new Error('server error ' + response.status);
      data = load();
      var sent = {};
      batch.forEach(function (item) { sent[item.id] = true; });
      data.queue = data.queue.filter(function (item) { return !sent[item.id]; });
      var refused = response.ok && body && Array.isArray(body.results)
        ? body.results.filter(function (r) { return r.status !== 'applied'; }) : [];
      if (!response.ok || refused.length) {
        // The session moved on elsewhere (or the batch was refused): the server's state wins.
        data.queue = [];
        data.notice = 'Some of what you did offline had already been changed on another device, so the session shows where it is now.';
      }
      save(data);
      if (!data.queue.length) backToServer(body);
    } catch (e) {
      // Still offline (or the server is away): keep the queue and try again shortly.
      setTimeout(function () { if (navigator.onLine) flush(); }, 5000);
    } finally {
      flushing = false;
    }
    if (load().queue.length && navigator.onLine) setTimeout(flush, 0);
  }

  /* Synced: the page plays the server's timeline again, in place (the live stream reconnects
     and brings the panel when its shape changed, say to the end screen). Never a reload. */
  function backToServer(body) {
    var s = session();
    var data = load();
    note(null);
    showNotice();
    if (body && body.timeline) { data.timeline = body.timeline; save(data); }
    if (!s) return;
    var t = s.timeline();
    if (body && body.timeline && t && body.timeline.started_at === t.started_at) s.adopt(body.timeline);
    s.setLocal(false);
    if (body && !body.timeline && window.htmx && isSessionPage()) {
      window.htmx.ajax('GET', '/session', {target: '#session-panel', swap: 'innerHTML'});
    }
  }

  function showNotice() {
    var data = load();
    if (!data.notice) return;
    var flash = document.getElementById('flash');
    if (flash) {
      var p = document.createElement('p');
      p.className = 'flash';
      p.textContent = data.notice;
      flash.appendChild(p);
    }
    data.notice = null;
    save(data);
  }

  window.addEventListener('online', function () { flush(); });
  window.addEventListener('offline', function () { goLocal(); });

  // A server answer for the panel that lands after this phone took the run over (the network went
  // with a live update or a refresh in flight) must not replace what the phone is playing.
  document.addEventListener('htmx:beforeSwap', function (event) {
    var target = event.detail && event.detail.target;
    var s = session();
    if (target && target.id === 'session-panel' && s && s.isLocal()) event.detail.shouldSwap = false;
  });

  // Keep the kept timeline as fresh as the panel: after every swap into it (commands, live updates).
  document.addEventListener('htmx:afterSettle', function (event) {
    var target = event.detail && event.detail.target;
    var s = session();
    if (target && target.id === 'session-panel' && !(s && s.isLocal())) refreshSnapshot();
  });

  // ---------------------------------------------------------------- start-up

  function registerWorker() {
    if (!('serviceWorker' in navigator)) return;
    navigator.serviceWorker.register(CFG.sw, {scope: '/'}).catch(function () { /* not fatal */ });
  }

  function boot() {
    registerWorker();
    showNotice();
    var data = load();
    if (!navigator.onLine) { goLocal(); return; }
    if (data.queue.length) { goLocal(); flush(); return; }
    refreshSnapshot();
  }

  // Exposed for tests and debugging only.
  window.PsoasOffline = {load: load, flush: flush, refreshSnapshot: refreshSnapshot};

  // After app.js (it loads first and sets up window.PsoasSession on DOMContentLoaded).
  if (document.readyState === 'complete') boot();
  else document.addEventListener('DOMContentLoaded', function () { setTimeout(boot, 0); });
})();
