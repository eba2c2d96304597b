/* The phone as a coach on its own: it speaks the timeline's cues, beeps at each hold's start and
 * end, vibrates, and tells screen-reader users when a hold, release or rest begins.
 *
 * It only listens: the session page dispatches on `document`
 *   psoas:segment {segment, index, startsAt, endsAt, paused, waiting, nextUp}
 *   psoas:cue     {key, params, at}          (each cue once, when its time arrives)
 *   psoas:state   {paused, done, ledBy: "voice" | "phone", voiceUntil}
 * Markup it uses, all optional (without the toggle it does nothing at all):
 *   <button type="button" data-sound-toggle>            the phone's own voice and tones, on or off
 *   <p data-sound-status>                               "Alexa is counting" etc. (created if absent)
 * Every spoken word is in PHRASES below; exercise names and instructions come from the catalogue
 * (/api/catalogue.json, which the service worker keeps for offline use).
 */
(function () {
  "use strict";

  var STORAGE_KEY = "psoas.sound";
  var PHRASES = {
    intro: "{name}. {summary}",
    get_ready: "Get into position.",
    get_ready_side: "Get into position, {side} side.",
    set_of: "Set {set_no} of {sets}.",
    countdown: "{n}",
    hold_start: "Hold.",
    count: "{n}",
    release: "And release.",
    rest: "Rest.",
    switch_side: "Switch to the {side} side.",
    next_up: "Next up: {name}.",
    wait: "Take your time. Tap Continue when you are ready.",
    well_done: "Well done. That is the routine finished.",
    toggle_on: "Sound on",
    toggle_off: "Sound off",
    alexa_counting: "Alexa is counting",
    tap_to_hear: "Tap anywhere to hear the phone's voice",
    announce_hold: "Hold, rep {rep} of {reps}",
    announce_hold_single: "Hold",
    announce_release: "Release",
    announce_rest: "Rest, {seconds} seconds",
    announce_switch: "Switch to the {side} side",
    announce_done: "Routine finished",
  };
  // Cues whose words must be heard on time: they cut off instructions still being read.
  var URGENT = { countdown: 1, hold_start: 1, count: 1, release: 1 };
  // A piece not started this long after its cue is dropped rather than spoken late.
  var MAX_LATE_MS = { countdown: 600, hold_start: 800, count: 600, release: 1500 };
  var TONES = { hold_start: { hz: 880, ms: 160 }, release: { hz: 523, ms: 220 } };
  var VIBRATE = { hold_start: 200, release: [80, 60, 80] };

  function fill(template, params) {
    return template.replace(/\{(\w+)\}/g, function (_, k) {
      return params[k] === undefined || params[k] === null ? "" : String(params[k]);
    });
  }

  /* Chrome stops long utterances after ~15 s: speak sentence by sentence, and split a long sentence
   * at its commas. */
  function pieces(text) {
    var out = [];
    // (No look-behind in these patterns: older Safari cannot parse it.)
    String(text)
      .replace(/([.!?;:])\s+/g, "$1\n")
      .split("\n")
      .forEach(function (sentence) {
        sentence = sentence.trim();
        if (!sentence) return;
        if (sentence.length <= 120) return out.push(sentence);
        sentence
          .replace(/,\s+/g, ",\n")
          .split("\n")
          .forEach(function (part) {
            if (part.trim()) out.push(part.trim());
          });
      });
    return out;
  }

  function stored() {
    try {
      return localStorage.getItem(STORAGE_KEY);
    } catch (e) {
      return null; // storage refused (private mode): sound stays on
    }
  }

  function store(value) {
    try {
      localStorage.setItem(STORAGE_KEY, value);
    } catch (e) {
      /* not remembered, still applied */
    }
  }

  var exercises = {};
  function loadCatalogue() {
    if (!window.fetch) return;
    fetch("/api/catalogue.json", { credentials: "same-origin" })
      .then(function (r) {
        return r.ok ? r.json() : { exercises: [] };
      })
      .then(function (data) {
        (data.exercises || []).forEach(function (ex) {
          exercises[ex.id] = ex;
        });
      })
      .catch(function () {});
  }

  function exerciseFor(params, segment) {
    var id = (params && params.exercise) || (segment && segment.exercise_id);
    var ex = exercises[id] || {};
    return {
      name: ex.name || (segment && segment.exercise_name) || (id ? String(id).replace(/-/g, " ") : ""),
      summary: ex.summary || "",
      steps: ex.steps || [],
    };
  }

  /* What a cue says, as a list of short pieces. */
  function words(key, params, segment) {
    params = params || {};
    var ex = exerciseFor(params, segment);
    switch (key) {
      case "intro": {
        var text = fill(PHRASES.intro, ex);
        return pieces(params.guidance ? text + " " + ex.steps.join(" ") : text);
      }
      case "get_ready": {
        var said = params.side ? fill(PHRASES.get_ready_side, params) : PHRASES.get_ready;
        if (params.sets > 1) said += " " + fill(PHRASES.set_of, params);
        return pieces(said);
      }
      case "next_up":
        return pieces(fill(PHRASES.next_up, ex));
      case "count":
        // The first count falls on the hold's start, where "Hold" is heard instead.
        return params.n === 1 ? [] : [fill(PHRASES.count, params)];
      default:
        return PHRASES[key] ? pieces(fill(PHRASES[key], params)) : [];
    }
  }

  var state = {
    on: stored() !== "off",
    ledBy: "phone",
    paused: false,
    done: false,
    unlocked: false,
    segment: null,
    queue: [], // pieces not yet spoken: {text, key, due}
    speaking: null, // the piece being spoken
    lastAnnouncement: "",
    audio: null,
  };
  var toggle, status, announcer;

  function phoneLeads() {
    return state.on && state.ledBy !== "voice" && !state.paused;
  }

  function render() {
    toggle.setAttribute("aria-pressed", state.on ? "true" : "false");
    toggle.textContent = state.on ? PHRASES.toggle_on : PHRASES.toggle_off;
    var text = "";
    if (state.ledBy === "voice" && !state.done) text = PHRASES.alexa_counting;
    else if (state.on && !state.unlocked && !state.done) text = PHRASES.tap_to_hear;
    if (status.textContent !== text) status.textContent = text;
    status.hidden = !text;
    document.documentElement.setAttribute("data-coach-voice", state.ledBy === "voice" ? "alexa" : state.on ? "on" : "off");
  }

  // --- speech -----------------------------------------------------------------------------------
  var synth = window.speechSynthesis;

  function silence() {
    state.queue = [];
    state.speaking = null;
    if (synth) synth.cancel();
  }

  function pump() {
    if (!synth || state.speaking || !phoneLeads()) return;
    var now = performance.now();
    while (state.queue.length) {
      var piece = state.queue.shift();
      if (piece.due && now > piece.due) continue; // too late to mean anything
      speak(piece);
      return;
    }
  }

  function speak(piece) {
    var u = new window.SpeechSynthesisUtterance(piece.text);
    u.rate = 1;
    var finished = false;
    var done = function () {
      if (finished) return;
      finished = true;
      if (state.speaking === piece) state.speaking = null;
      pump();
    };
    u.onend = done;
    u.onerror = done;
    state.speaking = piece;
    synth.speak(u);
    // Chrome sometimes never fires onend: move on after a generous estimate of the piece's length.
    setTimeout(done, 1500 + piece.text.length * 90);
  }

  function say(key, list) {
    if (!list.length) return;
    var now = performance.now();
    if (URGENT[key]) {
      // Instructions still being read give way to the count; earlier counts are not spoken late.
      var cutting = state.speaking && !URGENT[state.speaking.key];
      state.queue = state.queue.filter(function (p) {
        return URGENT[p.key] && p.key !== key;
      });
      if (cutting) {
        state.speaking = null;
        synth.cancel();
      }
    }
    list.forEach(function (text) {
      state.queue.push({ text: text, key: key, due: MAX_LATE_MS[key] ? now + MAX_LATE_MS[key] : 0 });
    });
    pump();
  }

  // --- tones and vibration ------------------------------------------------------------------------
  function audioContext() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    if (!state.audio) state.audio = new Ctx();
    return state.audio;
  }

  function tone(key) {
    var spec = TONES[key];
    var ctx = state.audio;
    if (!spec || !ctx || ctx.state !== "running") return;
    var osc = ctx.createOscillator();
    var gain = ctx.createGain();
    var t = ctx.currentTime;
    osc.type = "sine";
    osc.frequency.value = spec.hz;
    // A short fade in and out: no click.
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.4, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + spec.ms / 1000);
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.start(t);
    osc.stop(t + spec.ms / 1000 + 0.02);
  }

  function vibrate(key) {
    if (VIBRATE[key] && navigator.vibrate) navigator.vibrate(VIBRATE[key]);
  }

  /* Autoplay: audio and speech may only start from a user gesture. The first tap (usually Start)
   * resumes the AudioContext and speaks an empty utterance; until then the status says so. */
  function unlock() {
    var ctx = audioContext();
    var resumed = ctx && ctx.state !== "running" ? ctx.resume() : Promise.resolve();
    if (synth && !state.unlocked) {
      var u = new window.SpeechSynthesisUtterance("");
      u.volume = 0;
      synth.speak(u);
    }
    Promise.resolve(resumed)
      .catch(function () {})
      .then(function () {
        state.unlocked = !ctx || ctx.state === "running";
        render();
      });
  }

  // --- screen readers ---------------------------------------------------------------------------
  function announcement(segment) {
    switch (segment.kind) {
      case "hold":
        return segment.reps > 1 ? fill(PHRASES.announce_hold, segment) : PHRASES.announce_hold_single;
      case "release":
        return PHRASES.announce_release;
      case "rest":
        return fill(PHRASES.announce_rest, { seconds: segment.duration });
      case "switch_sides":
        return fill(PHRASES.announce_switch, segment);
      default:
        return "";
    }
  }

  function announce(text) {
    if (!text || text === state.lastAnnouncement) return;
    state.lastAnnouncement = text;
    announcer.textContent = text;
  }

  // --- events -----------------------------------------------------------------------------------
  function onCue(event) {
    var d = event.detail || {};
    if (!phoneLeads() || state.done) return;
    if (!state.unlocked) return render();
    tone(d.key);
    vibrate(d.key);
    say(d.key, words(d.key, d.params, state.segment));
  }

  var seenSegment = false;
  function onSegment(event) {
    var d = event.detail || {};
    var previous = state.segment;
    state.segment = d.segment || null;
    // The first event describes where the page loaded: nothing has changed, so nothing is said.
    if (seenSegment && state.segment && (!previous || previous.index !== state.segment.index)) {
      announce(announcement(state.segment));
    }
    seenSegment = true;
  }

  function onState(event) {
    var d = event.detail || {};
    var wasLeading = phoneLeads();
    state.paused = !!d.paused;
    state.done = !!d.done;
    state.ledBy = d.ledBy === "voice" ? "voice" : "phone";
    if (state.done && seenSegment) announce(PHRASES.announce_done);
    if (wasLeading && !phoneLeads()) silence();
    render();
  }

  function onToggle() {
    state.on = !state.on;
    store(state.on ? "on" : "off");
    if (!state.on) silence();
    else unlock();
    render();
  }

  function init() {
    toggle = document.querySelector("[data-sound-toggle]");
    if (!toggle) return;
    status = document.querySelector("[data-sound-status]");
    if (!status) {
      status = document.createElement("p");
      status.className = "sound-status";
      status.setAttribute("data-sound-status", "");
      toggle.insertAdjacentElement("afterend", status);
    }
    announcer = document.createElement("div");
    announcer.className = "visually-hidden";
    announcer.setAttribute("aria-live", "polite");
    announcer.setAttribute("data-coach-announcer", "");
    document.body.appendChild(announcer);

    toggle.addEventListener("click", onToggle);
    ["pointerdown", "keydown", "touchend", "click"].forEach(function (type) {
      document.addEventListener(
        type,
        function once() {
          if (state.on) unlock();
        },
        { capture: true, once: true }
      );
    });
    document.addEventListener("psoas:cue", onCue);
    document.addEventListener("psoas:segment", onSegment);
    document.addEventListener("psoas:state", onState);
    loadCatalogue();
    render();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
