/* Psoas Coach phone app: the session page's player glue, and the screen wake lock.
 *
 * The page embeds the engine's timeline (Coach.timeline, JSON as the text of a hidden
 * <div id="session-data"> inside #session-panel: htmx drops <script> elements from what it
 * swaps in); static/player.js plays it on the server's
 * clock (server_now). This file only puts what the player says into the server-rendered panel
 * (the elements with data-field), so time runs with no taps: holds, releases, rests, sides,
 * the next exercise, the end. No rule lives here. No inline scripts (CSP script-src 'self').
 *
 * Phone player events (the sound and figure modules listen; docs/architecture.md "Phone player
 * events"), CustomEvents dispatched on `document`:
 *   psoas:segment  {detail: {segment, index, startsAt, endsAt, paused, waiting, nextUp}}
 *                  when the current segment changes, and once on load. `segment` is the
 *                  timeline's segment object; startsAt / endsAt are ms on this device's clock
 *                  (null when open-ended or halted).
 *   psoas:cue      {detail: {key, params, at}} when each cue's time arrives (`at`: ms, this
 *                  device's clock). Never twice for the same cue; after a reconnect or a jump only
 *                  the current segment's passed cues fire (the latest of each key), older ones never.
 *   psoas:state    {detail: {paused, done, ledBy: "voice"|"phone", voiceUntil}} on every change.
 *                  ledBy is "voice" while the timeline's voice_until (server seconds: when the
 *                  speaker's current response audio ends) is in the future, or when the last
 *                  command came from the voice (timeline `last_source`, when given); else "phone".
 *                  voiceUntil is ms on this device's clock, or null.
 *
 * window.PsoasSession (used by offline.js, and by tests): adopt(timeline), apply(name) -> bool
 * (a local pause/resume/next/previous/repeat on the player), timeline(), serverNow(),
 * version(), reconnect(), setLocal(bool) (offline: ignore the live stream until synced).
 */
(function () {
  "use strict";

  var P = null;             // window.PsoasPlayer, once loaded
  var island = null;        // {timeline, exercises, labels} from the panel
  var player = null;
  var offset = 0;           // server clock minus this device's clock (s)
  var version = null;       // the version the next command expects (local +1 per offline command)
  var shown = null;         // key of the segment last dispatched
  var stateKey = null;      // last psoas:state detail, as JSON
  var lastTick = null;      // server time up to which cues have been considered
  var fired = {};           // cue keys already dispatched
  var doneFor = null;       // the run whose end we already handled
  var local = false;        // offline.js runs the session locally
  var started = false;      // the events run (after DOMContentLoaded; the player is ready before)
  var newest = null;        // {started_at, version} of the newest state the live stream announced
  var stream = null;
  var wakeLock = null;
  var undoTimer = null;
  var noteTimer = null;
  var OFFLINE = ["pause", "resume", "next", "previous", "repeat", "continue"];

  function serverNow() { return Date.now() / 1000 + offset; }
  function localMs(serverSeconds) { return serverSeconds === null || serverSeconds === undefined ? null : (serverSeconds - offset) * 1000; }
  function panel() { return document.getElementById("session-panel"); }
  function root() { var p = panel(); return p && p.querySelector(".sp"); }
  function field(name) { var r = root(); return r && r.querySelector('[data-field="' + name + '"]'); }
  function setText(name, text) {
    var el = field(name);
    text = text === null || text === undefined ? "" : String(text);
    if (el && el.textContent !== text) el.textContent = text;
  }
  function setFlag(el, name, on) { if (el && el.hasAttribute(name) !== !!on) { if (on) el.setAttribute(name, ""); else el.removeAttribute(name); } }
  function emit(name, detail) { document.dispatchEvent(new CustomEvent(name, { detail: detail })); }

  function clock(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    var s = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (s < 10 ? "0" : "") + s;
  }

  // ------------------------------------------------------------------ adopting a timeline

  function readIsland() {
    var el = document.getElementById("session-data");
    if (!el) { island = null; player = null; return; }
    var found = null;
    try { found = JSON.parse(el.textContent); } catch (e) { found = null; }
    var t = found && found.timeline;
    // A panel rendered before the newest change the live stream announced (asked for before it,
    // and htmx drops a second request while one is in flight): keep playing the newer timeline,
    // and ask for the panel again.
    if (t && newest && t.started_at === newest.started_at && t.version < newest.version) {
      if (player) setVersions(version);
      refreshPanel();
      return;
    }
    island = found;
    if (island && island.timeline) adopt(island.timeline, true);
  }

  /* Play this timeline from now on. `fresh`: the panel around it was just rendered for it. */
  function adopt(timeline, fresh) {
    if (!P || !timeline) return;
    var sameRun = player && island && island.timeline && island.timeline.started_at === timeline.started_at;
    if (!fresh && island) island.timeline = timeline;
    player = P.load(timeline);
    offset = P.clockOffset(timeline, Date.now() / 1000);
    version = timeline.version;
    if (!sameRun) { fired = {}; shown = null; doneFor = null; }
    // A reconnect or a jump: only the current segment's passed cues may still fire.
    var c = P.at(player, serverNow());
    lastTick = c.start !== null && c.start !== undefined ? Math.min(c.start, serverNow()) : serverNow();
    catchUp = true;
    setVersions(version);
    tick();
  }

  function setVersions(v) {
    var p = panel();
    if (!p) return;
    p.querySelectorAll('input[name="expected_version"]').forEach(function (input) {
      if (input.value !== String(v)) input.value = String(v);
    });
  }

  // ------------------------------------------------------------------ drawing

  function detailOf(seg) {
    var parts = [];
    // The same line the server renders (session.html): an intro is about set 1, like
    // Position.set_no = max(1, set_no) in shared_content/engine/timeline.py.
    if (seg.sets > 1) parts.push("Set " + Math.max(1, seg.set_no) + " of " + seg.sets);
    if (seg.side) parts.push(seg.side.charAt(0).toUpperCase() + seg.side.slice(1) + " side");
    return parts.join(" · ");
  }

  function holdLength(index) {
    var segs = player.segments;
    for (var i = index; i < segs.length; i++) if (segs[i].kind === "hold") return segs[i].duration;
    return null;
  }

  function drawSegment(now, seg) {
    var ex = (island.exercises || {})[seg.exercise_id] || {};
    var t = island.timeline;
    var count = 0;
    var seen = {};
    t.segments.forEach(function (s) { if (!seen[s.exercise_id]) { seen[s.exercise_id] = true; count++; } });
    setText("where", "Exercise " + (seg.exercise_index + 1) + " of " + count + " · " + (t.routine_name || ""));
    setText("exercise", seg.exercise_name);
    setText("detail", detailOf(seg));
    setText("cue", seg.kind === "hold" ? (ex.hold_cue || "Hold.") : (ex.summary || ""));
    var steps = field("steps");
    if (steps && ex.steps && steps.getAttribute("data-for") !== seg.exercise_id) {
      steps.textContent = "";
      ex.steps.forEach(function (text) { var li = document.createElement("li"); li.textContent = text; steps.appendChild(li); });
      steps.setAttribute("data-for", seg.exercise_id);
    }
    var hl = holdLength(seg.index);
    if (hl !== null) setText("hold-length", hl);
  }

  function labelFor(at) {
    var labels = island.labels || {};
    if (at.paused) return "Paused";
    return labels[at.kind] || at.kind;
  }

  function draw(at) {
    var r = root();
    if (!r) return;
    r.setAttribute("data-kind", at.done ? "done" : at.segment.kind);
    setFlag(r, "data-paused", at.paused);
    setFlag(r, "data-waiting", at.waiting);
    setText("label", labelFor(at));
    var big = "", unit = "";
    if (at.done) { big = ""; }
    else if (at.count !== null) { big = at.count; unit = "of " + Math.round(at.end - at.start); }
    else if (at.secondsLeft !== null) { big = Math.ceil(at.secondsLeft - 1e-9); unit = "seconds"; }
    setText("big", big);
    setText("unit", unit);
    var seg = field("segment-progress");
    if (seg && at.start !== null && at.end !== null && at.end > at.start) {
      seg.value = Math.min(1, Math.max(0, (at.segment && at.secondsLeft !== null) ? 1 - at.secondsLeft / (at.end - at.start) : 0));
    } else if (seg) { seg.value = 0; }
    var bar = field("progress");
    if (bar) bar.value = Math.round(1000 * at.progress) / 10;
    setText("time-left", clock(at.secondsLeftTotal));
    setText("next-up", at.nextUp || "the finish");
    var pause = r.querySelector(".control-pause"), resume = r.querySelector(".control-resume");
    if (pause && resume && pause.hidden !== at.paused) {
      var focused = document.activeElement;
      pause.hidden = at.paused; resume.hidden = !at.paused;
      // Keep keyboard focus on the main control when it turns into its twin.
      if (focused && (focused.id === "btn-pause" || focused.id === "btn-resume")) (at.paused ? resume : pause).querySelector("button").focus({ preventScroll: true });
    }
    var done = r.querySelector(".sp-done");
    if (done) done.hidden = !at.done;
  }

  // ------------------------------------------------------------------ events

  var catchUp = false;

  function fireCues(now) {
    if (lastTick === null || now <= lastTick) return;
    var due = P.cues(player, lastTick, now);
    lastTick = now;
    if (catchUp) {
      // After a load, reconnect or jump: the latest of each key only (no burst of old counts).
      var latest = {};
      due.forEach(function (cue) { latest[cue.key] = cue; });
      due = due.filter(function (cue) { return latest[cue.key] === cue && now - cue.at < 30; });
      catchUp = false;
    }
    due.forEach(function (cue) {
      var key = cue.key + "@" + cue.at.toFixed(2);
      if (fired[key]) return;
      fired[key] = true;
      emit("psoas:cue", { key: cue.key, params: cue.params, at: localMs(cue.at) });
    });
  }

  function voiceUntil() {
    var t = island && island.timeline;
    return t && typeof t.voice_until === "number" ? t.voice_until : null;
  }

  function stateEvent(at) {
    var t = island.timeline;
    var vu = voiceUntil();
    var ledBy = (vu !== null && vu > serverNow()) || t.last_source === "voice" ? "voice" : "phone";
    var detail = { paused: at.paused, done: at.done, ledBy: ledBy, voiceUntil: vu === null ? null : localMs(vu) };
    var key = JSON.stringify(detail);
    if (key !== stateKey) { stateKey = key; emit("psoas:state", detail); }
  }

  function segmentEvent(at) {
    var key = [island.timeline.started_at, at.index, at.start, at.done, at.paused, at.waiting].join("|");
    if (key === shown) return;
    var changed = !shown || shown.split("|")[1] !== String(at.index);
    shown = key;
    if (changed || at.done) drawSegment(serverNow(), at.segment);
    emit("psoas:segment", {
      segment: at.segment, index: at.index, startsAt: localMs(at.start), endsAt: localMs(at.end),
      paused: at.paused, waiting: at.waiting, nextUp: at.nextUp,
    });
  }

  function tick() {
    if (!started || !player || !island || !root()) return;
    var now = serverNow();
    var at = P.at(player, now);
    segmentEvent(at);
    draw(at);
    fireCues(now);
    stateEvent(at);
    if (at.done) ended(at);
  }

  /* The timeline ran out: the server records it when it is next read, so read the panel (it
     brings the end screen). Offline, the celebration shows until offline.js has synced. */
  function ended() {
    var run = island.timeline.started_at;
    if (doneFor === run) return;
    doneFor = run;
    fillTomorrow();
    if (!local && navigator.onLine) refreshPanel();
  }

  function refreshPanel() {
    if (window.htmx && panel()) window.htmx.ajax("GET", "/session", { target: "#session-panel", swap: "innerHTML" });
  }

  function fillTomorrow() {
    var d = new Date();
    var minutes = Math.round((d.getHours() * 60 + d.getMinutes()) / 15) * 15 % (24 * 60);
    var hhmm = ("0" + Math.floor(minutes / 60)).slice(-2) + ":" + ("0" + (minutes % 60)).slice(-2);
    document.querySelectorAll('[data-field="tomorrow"]').forEach(function (a) {
      a.setAttribute("href", "/reminders.ics?time=" + encodeURIComponent(hhmm));
    });
    document.querySelectorAll('[data-field="tomorrow-time"]').forEach(function (s) { s.textContent = hhmm; });
  }

  // ------------------------------------------------------------------ the live stream

  function onStreamMessage(evt) {
    if (local) return;
    var msg;
    try { msg = JSON.parse(evt.data); } catch (e) { return; }
    if (!newest || msg.started_at !== newest.started_at || msg.version > newest.version) {
      newest = { started_at: msg.started_at, version: msg.version };
    }
    var running = !!root() && !!player;
    var t = island && island.timeline;
    if (msg.timeline && running && t && t.started_at === msg.timeline.started_at) {
      if (msg.timeline.version !== t.version || msg.timeline.server_now - t.server_now > 5) adopt(msg.timeline, false);
      return;
    }
    var el = document.querySelector("#session-panel [data-session]");
    var current = el ? el.getAttribute("data-session") : null;
    var shape = msg.timeline ? "running" : (msg.done ? "done" : "none");
    // Another run, or the panel changes shape (started, finished elsewhere): ask for the panel.
    if (shape !== current || shape === "running") refreshPanel();
  }

  function connect() {
    if (!panel() || !("EventSource" in window)) return;
    if (stream) stream.close();
    stream = new EventSource("/session/events");
    stream.addEventListener("session", onStreamMessage);
  }

  // ------------------------------------------------------------------ controls

  function commandName(form) {
    var m = /\/session\/([a-z_-]+)$/.exec(form.getAttribute("action") || "");
    if (!m) return null;
    return m[1] === "back" ? "previous" : m[1];
  }

  /* "The speaker may still be counting": a phone command while the speaker's response plays. */
  function speakerNote(name) {
    var vu = voiceUntil();
    if (vu === null || vu <= serverNow() || ["pause", "next", "previous", "skip", "pain", "finish", "repeat"].indexOf(name) < 0) return;
    var note = field("speaker-note");
    if (!note) return;
    if (noteTimer) clearInterval(noteTimer);
    function show() {
      var left = Math.ceil(vu - serverNow());
      var el = field("speaker-note");
      if (left <= 0 || !el) { if (el) el.hidden = true; clearInterval(noteTimer); noteTimer = null; return; }
      el.hidden = false;
      el.textContent = "The speaker may still be counting: say 'Alexa, stop' (" + left + " s)";
    }
    show();
    noteTimer = setInterval(show, 250);
  }

  /* Finish waits 5 s with an Undo; only then does the command go (so an undo changes nothing). */
  function holdFinish(form) {
    var toast = field("undo");
    if (!toast) return false;
    var left = 5;
    toast.hidden = false;
    setText("undo-seconds", left);
    if (undoTimer) clearInterval(undoTimer);
    undoTimer = setInterval(function () {
      left -= 1;
      setText("undo-seconds", Math.max(left, 0));
      if (left > 0) return;
      clearInterval(undoTimer); undoTimer = null;
      toast.hidden = true;
      form.setAttribute("data-confirmed", "");
      form.requestSubmit();
    }, 1000);
    return true;
  }

  document.addEventListener("click", function (evt) {
    var undo = evt.target.closest && evt.target.closest('[data-action="undo-finish"]');
    if (!undo) return;
    if (undoTimer) { clearInterval(undoTimer); undoTimer = null; }
    var toast = field("undo");
    if (toast) toast.hidden = true;
    var pause = document.getElementById("btn-pause");
    if (pause && !pause.closest("form").hidden) pause.focus(); else if (document.getElementById("btn-resume")) document.getElementById("btn-resume").focus();
  });

  // Capture phase on window: before offline.js and htmx see the submit.
  window.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!(form instanceof HTMLFormElement) || !form.closest("#session-panel")) return;
    var name = commandName(form);
    if (!name) return;
    if (name === "finish" && !form.hasAttribute("data-confirmed")) {
      if (holdFinish(form)) { evt.preventDefault(); evt.stopImmediatePropagation(); }
      return;
    }
    form.removeAttribute("data-confirmed");
    speakerNote(name);
  }, true);

  /* A local command (offline): the player jumps or shifts; the caller queues it. */
  function apply(name) {
    if (!player || OFFLINE.indexOf(name) < 0) return false;
    var res = P.command(name, player, serverNow());
    if (!res.applied) return false;
    player = res.player;
    version = version + 1;
    island.timeline = Object.assign({}, island.timeline, { version: version });
    setVersions(version);
    var c = P.at(player, serverNow());
    lastTick = c.start !== null ? Math.min(c.start, serverNow()) : serverNow();
    catchUp = true;
    shown = null;
    tick();
    return true;
  }

  // ------------------------------------------------------------------ after swaps, focus

  var TWINS = { "btn-pause": "btn-resume", "btn-resume": "btn-pause" };
  var lastFocus = null;
  function sessionPanel(evt) {
    var el = (evt.detail && evt.detail.target) || evt.target;
    return el && el.id === "session-panel" ? el : null;
  }
  document.addEventListener("focusin", function (evt) {
    var p = panel();
    lastFocus = p && p.contains(evt.target) ? (evt.target.id || "") : null;
  });
  document.addEventListener("htmx:afterSwap", function (evt) {
    var p = sessionPanel(evt);
    if (!p) return;
    shown = null;
    readIsland();
    if (p.getBoundingClientRect().top < 0) p.scrollIntoView({ block: "start" });
  });
  document.addEventListener("htmx:afterSettle", function (evt) {
    updateWakeLock();
    var p = sessionPanel(evt);
    if (!p) return;
    var active = document.activeElement;
    if (lastFocus === null || (active && active !== document.body && document.contains(active))) return;
    function usable(id) { var el = id && document.getElementById(id); return el && !(el.closest("form") && el.closest("form").hidden) ? el : null; }
    var next = (lastFocus && (usable(lastFocus) || usable(TWINS[lastFocus] || ""))) || p.querySelector("h2");
    if (!next) return;
    if (next.tagName === "H2") next.setAttribute("tabindex", "-1");
    next.focus({ preventScroll: true });
  });

  // ------------------------------------------------------------------ wake lock

  function wantWakeLock() { return !!root() && !!player && !P.at(player, serverNow()).done; }
  function updateWakeLock() {
    if (!("wakeLock" in navigator)) return;
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
    if (document.visibilityState !== "visible") return;
    updateWakeLock();
    if (panel() && !local) connect(); // the phone may have slept: the stream's first event catches up
  });

  window.PsoasSession = {
    adopt: function (t) { adopt(t, false); },
    apply: apply,
    timeline: function () { return island && island.timeline; },
    player: function () { return player; },
    serverNow: serverNow,
    version: function () { return version; },
    reconnect: connect,
    stream: function () { return stream; },
    setLocal: function (on) { local = !!on; if (!on) connect(); },
    isLocal: function () { return local; },
  };

  /* As soon as this script runs (the document is parsed, player.js ran before it): the player is
     ready, so a command tapped (or the network lost) before the page finished loading still works. */
  function prepare() {
    P = window.PsoasPlayer || null;
    if (panel()) readIsland();
  }
  /* Once every deferred script ran (the sound and figure modules listen): the events start. */
  function init() {
    if (!P) prepare();
    if (!panel()) return;
    started = true;
    shown = null;
    stateKey = null;
    tick();
    fillTomorrow();
    connect();
    updateWakeLock();
    window.setInterval(tick, 200);
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
  // A deferred script runs once the document is parsed, before DOMContentLoaded: prepare now, and
  // start the events once every deferred script ran.
  if (document.readyState !== "loading") prepare();
  if (document.readyState === "complete") init(); else document.addEventListener("DOMContentLoaded", init);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reportTimeZone);
  } else { reportTimeZone(); }
}());
