/* Psoas Coach: installable app and offline sessions.
 *
 * 1. Registers the service worker (/sw.js, scope "/").
 * 2. While online, keeps a snapshot of the session (GET /api/session.json) and the routine's plan
 *    (GET /api/routines/<id>/plan.json) in localStorage.
 * 3. When the phone is offline (navigator.onLine false, or a session command fails to reach the
 *    server), the session controls on /session (forms posting to /session/<command>) are handled
 *    here: the engine's rules (shared_content/engine, ported below) walk the plan's blocks, the
 *    state lives in localStorage, and #session-panel is drawn from it with a live countdown.
 *    Each command is queued with its expected_version (the local version, +1 per command) and
 *    a unique id. Starting a routine offline works the same way ("start" is queued).
 * 4. When the network is back ('online' event, or on load), the queue is sent in order to
 *    POST /api/session/commands (CSRF token in X-CSRF-Token), then the page shows the server's
 *    state again. The server applies the batch with the version rules, so nothing is applied
 *    twice; commands that a hold's timing depends on carry `hold_elapsed`, the seconds of the
 *    hold that had passed on the phone, so the server's timeline matches what the person did.
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
    apiPlan: dataset.apiPlan || '/api/routines/ROUTINE_ID/plan.json',
  };
  var KEY = 'psoas-coach:offline:v1';
  var COMMAND_WORDS = {
    next: 'next', back: 'previous', previous: 'previous', pause: 'pause', resume: 'resume',
    repeat: 'repeat', slower: 'slower', faster: 'faster', finish: 'finish', pain: 'pain',
    skip: 'skip', 'start-over': 'start_over', start_over: 'start_over',
  };
  // Commands that leave the timeline of the current hold alone (they do not depend on its phase).
  var TIMELINE_NEUTRAL = {pause: true, resume: true, slower: true, faster: true};

  // ---------------------------------------------------------------- storage

  function load() {
    var data = null;
    try { data = JSON.parse(localStorage.getItem(KEY) || 'null'); } catch (e) { data = null; }
    data = data && typeof data === 'object' ? data : {};
    data.queue = Array.isArray(data.queue) ? data.queue : [];
    data.plans = data.plans && typeof data.plans === 'object' ? data.plans : {};
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

  function planUrl(routineId) {
    return CFG.apiPlan.replace('ROUTINE_ID', encodeURIComponent(routineId));
  }

  // ---------------------------------------------------------------- the engine, ported
  // Mirrors shared_content/engine (plan.py, timeline.py settle, commands.py apply). Times are in
  // the server's clock: local Date.now() plus the offset measured at the last snapshot.

  function pacedHold(base, pace, plan) {
    var scaled = Math.floor(base * pace + 0.5);
    // The bounds come with every plan (shared_content/vocabulary.py), never typed here.
    return Math.max(plan.min_hold_seconds, Math.min(plan.max_hold_seconds, scaled));
  }

  function blocksAt(plan, pace) {
    return plan.blocks.map(function (b) {
      var copy = Object.assign({}, b);
      copy.hold_seconds = b.is_guidance ? 0 : pacedHold(b.base_hold_seconds, pace, plan);
      return copy;
    });
  }

  function activeSeconds(b) {
    return b.is_guidance ? 0 : b.reps * b.hold_seconds + (b.reps - 1) * b.rep_gap_seconds;
  }

  function currentBlock(s, plan) {
    var pace = (s.phase === 'holding' && s.block_pace != null) ? s.block_pace : s.pace;
    return blocksAt(plan, pace)[s.block_index];
  }

  function effectiveNow(s, now) { return s.paused_at != null ? s.paused_at : now; }

  function with_(s, changes) { return Object.assign({}, s, changes); }

  function settle(s, plan, now) {
    if (s.phase !== 'holding' || s.phase_started_at == null) return s;
    var endsAt = s.phase_started_at + activeSeconds(currentBlock(s, plan));
    if (effectiveNow(s, now) < endsAt) return s;
    return with_(s, {phase: 'resting', phase_started_at: endsAt, block_pace: null});
  }

  function startState(routineId, pace, version, now) {
    return {
      routine_id: routineId, version: version, block_index: 0, phase: 'instructions',
      phase_started_at: null, paused_at: null, pace: pace, started_at: now,
      finished_at: null, outcome: null, block_pace: null,
    };
  }

  function instructionsAt(s, i) {
    return with_(s, {block_index: i, phase: 'instructions', phase_started_at: null, paused_at: null, block_pace: null});
  }
  function holdingAt(s, i, at) {
    return with_(s, {block_index: i, phase: 'holding', phase_started_at: at, paused_at: null, block_pace: s.pace});
  }
  function restingFrom(s, now) {
    return with_(s, {phase: 'resting', phase_started_at: now, paused_at: null, block_pace: null});
  }
  function doneWith(s, now, outcome) {
    return with_(s, {phase: 'done', phase_started_at: null, paused_at: null, block_pace: null,
                     finished_at: now, outcome: outcome});
  }
  function enterBlock(s, blocks, i, now, at) {
    if (i >= blocks.length) return doneWith(s, now, 'completed');
    if (blocks[i].first_of_exercise) return instructionsAt(s, i);
    return holdingAt(s, i, at);
  }
  function firstBlockOf(blocks, exerciseIndex) {
    for (var i = 0; i < blocks.length; i++) if (blocks[i].exercise_index === exerciseIndex) return i;
    return 0;
  }
  function nextExerciseStart(blocks, i) {
    var current = blocks[i].exercise_index;
    for (var j = i + 1; j < blocks.length; j++) if (blocks[j].exercise_index !== current) return j;
    return blocks.length;
  }

  var HANDLERS = {
    next: function (s, blocks, now, at) {
      var b = blocks[s.block_index];
      if (s.phase === 'instructions') {
        return b.is_guidance ? enterBlock(s, blocks, s.block_index + 1, now, at) : holdingAt(s, s.block_index, at);
      }
      if (s.phase === 'holding' && b.rest_seconds > 0) return restingFrom(s, now);
      return enterBlock(s, blocks, s.block_index + 1, now, at);
    },
    previous: function (s, blocks, now, at) {
      var b = blocks[s.block_index];
      if (s.phase === 'instructions') {
        return b.exercise_index === 0 ? instructionsAt(s, 0)
          : instructionsAt(s, firstBlockOf(blocks, b.exercise_index - 1));
      }
      var target = s.phase === 'holding' ? s.block_index - 1 : s.block_index;
      if (target < 0) return instructionsAt(s, 0);
      if (blocks[target].exercise_index === b.exercise_index) return holdingAt(s, target, at);
      return instructionsAt(s, firstBlockOf(blocks, blocks[target].exercise_index));
    },
    repeat: function (s, blocks, now, at) {
      return s.phase === 'holding' ? holdingAt(s, s.block_index, at) : with_(s, {});
    },
    skip: function (s, blocks, now) {
      var i = nextExerciseStart(blocks, s.block_index);
      return i >= blocks.length ? doneWith(s, now, 'completed') : instructionsAt(s, i);
    },
    finish: function (s, blocks, now) {
      return doneWith(s, now, s.block_index === blocks.length - 1 ? 'completed' : 'stopped');
    },
    pain: function (s, blocks, now) { return doneWith(s, now, 'pain'); },
    pause: function (s, blocks, now) {
      return s.paused_at != null ? "The session is already paused." : with_(s, {paused_at: now});
    },
    resume: function (s, blocks, now) {
      if (s.paused_at == null) return "The session isn't paused.";
      var shifted = s.phase_started_at == null ? null : s.phase_started_at + (now - s.paused_at);
      return with_(s, {paused_at: null, phase_started_at: shifted});
    },
    slower: function (s, blocks, now, at, plan) {
      var levels = plan.pace_levels, i = levels.indexOf(s.pace);
      return i + 1 < levels.length ? with_(s, {pace: levels[i + 1]}) : "That's already the slowest pace.";
    },
    faster: function (s, blocks, now, at, plan) {
      var levels = plan.pace_levels, i = levels.indexOf(s.pace);
      return i > 0 ? with_(s, {pace: levels[i - 1]}) : "That's already the fastest pace.";
    },
  };

  /** {state, status: "applied"|"illegal", message} -- the engine's apply, without version checks. */
  function applyCommand(s, name, plan, now) {
    if (name === 'start_over') {
      return {state: startState(s.routine_id, s.pace, s.version + 1, now), status: 'applied'};
    }
    var handler = HANDLERS[name];
    if (!handler) return {state: s, status: 'illegal', message: 'Unknown command.'};
    if (s.phase === 'done') return {state: s, status: 'illegal', message: 'The routine is already finished.'};
    var settled = settle(s, plan, now);
    var outcome = handler(settled, blocksAt(plan, settled.pace), now, now, plan);
    if (typeof outcome === 'string') return {state: s, status: 'illegal', message: outcome};
    outcome.version = s.version + 1;
    return {state: outcome, status: 'applied'};
  }

  /** What to show at `now`: mirrors timeline.position (the parts the panel uses). */
  function positionOf(s, plan, now) {
    s = settle(s, plan, now);
    var t = effectiveNow(s, now);
    var block = currentBlock(s, plan);
    var exercise = plan.exercises[block.exercise_id];
    var ids = plan.routine.exercise_ids;
    var p = {
      state: s, block: block, exercise: exercise, exercise_index: block.exercise_index,
      exercise_count: ids.length, phase: s.phase, paused: s.paused_at != null,
      rep: 1, reps: block.reps, label: '', seconds: null, fraction: 0,
      next_exercise: block.exercise_index + 1 < ids.length ? plan.exercises[ids[block.exercise_index + 1]] : null,
    };
    if (s.phase === 'holding') {
      var start = s.phase_started_at, hold = block.hold_seconds, cycle = hold + block.rep_gap_seconds;
      if (t < start) {
        p.label = 'Get ready'; p.seconds = start - t;
      } else {
        var k = cycle > 0 ? Math.min(Math.floor((t - start) / cycle), block.reps - 1) : 0;
        var within = t - start - k * cycle;
        p.rep = k + 1;
        if (within < hold) {
          p.label = 'Hold'; p.seconds = hold - within; p.fraction = within / Math.max(hold, 1);
        } else {
          p.label = 'Release'; p.seconds = Math.max(0, cycle - within); p.fraction = 1;
        }
      }
    } else if (s.phase === 'resting') {
      var ends = s.phase_started_at + block.rest_seconds;
      p.rep = block.reps;
      p.label = 'Rest';
      p.seconds = Math.max(0, ends - t);
      p.fraction = block.rest_seconds > 0 ? Math.min(1, Math.max(0, (t - s.phase_started_at) / block.rest_seconds)) : 1;
    }
    return p;
  }

  // ---------------------------------------------------------------- the local run

  function serverNow(data) { return Date.now() / 1000 + (data.offset || 0); }

  function isSessionPage() { return !!document.getElementById('session-panel'); }

  function localActive(data) { return !!(data.run && data.run.state); }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) return meta.content;
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : '';
  }

  /** Begin running locally from the last snapshot (if there is a session to run). */
  function ensureRun(data) {
    if (localActive(data)) return true;
    var snap = data.snapshot && data.snapshot.session;
    if (!snap || !snap.state || snap.state.phase === 'done') return false;
    if (!data.plans[snap.state.routine_id]) return false;
    data.run = {state: snap.state, origin: null, notice: null};
    return true;
  }

  /** Close the hold timeline that `origin` started: how long it had run on the phone. */
  function holdElapsed(run, now) {
    if (!run.origin) return null;
    var t = run.state.paused_at != null ? run.state.paused_at : now;
    return Math.max(0, t - run.origin.start);
  }

  /** Apply one command locally and queue it. Returns false when the engine refuses it. */
  function localCommand(data, name, routineId) {
    var now = serverNow(data);
    var run = data.run;
    if (name === 'start') {
      var plan0 = data.plans[routineId];
      if (!plan0) return false;
      var current = run && run.state ? run.state : (data.snapshot && data.snapshot.session && data.snapshot.session.state);
      var expected = current ? current.version : null;
      finishOrigin(data, now);
      data.run = {state: startState(routineId, plan0.pace, expected == null ? 1 : expected + 1, now), origin: null};
      data.queue.push({id: newId(), name: 'start', routine_id: routineId, expected_version: expected,
                       client_ts: now, safety_ack: true});  // only reached after the notice was seen
      save(data);
      return true;
    }
    if (!run) return false;
    var plan = data.plans[run.state.routine_id];
    var before = run.state;
    var result = applyCommand(before, name, plan, now);
    if (result.status !== 'applied') {
      run.notice = result.message;
      save(data);
      return false;
    }
    var item = {id: newId(), name: name, expected_version: before.version, client_ts: now};
    if (!TIMELINE_NEUTRAL[name]) {
      finishOrigin(data, now);
      var after = result.state;
      var entersHold = after.phase === 'holding' &&
        (before.phase !== 'holding' || after.block_index !== before.block_index || name === 'repeat' || name === 'previous');
      if (entersHold) {
        run.origin = {id: item.id, start: after.phase_started_at};
        item.hold_elapsed = 0;
      }
    } else if (name === 'resume' && run.origin && before.paused_at != null) {
      run.origin.start += now - before.paused_at;
    }
    run.state = result.state;
    run.notice = null;
    data.queue.push(item);
    save(data);
    return true;
  }

  /** The hold that was running has ended (another command came): record how long it ran. */
  function finishOrigin(data, now) {
    var run = data.run;
    if (!run || !run.origin) return;
    var elapsed = holdElapsed(run, now);
    data.queue.forEach(function (item) { if (item.id === run.origin.id) item.hold_elapsed = elapsed; });
    run.origin = null;
  }

  // ---------------------------------------------------------------- drawing #session-panel

  function esc(text) {
    return String(text == null ? '' : text).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }

  function stepText(p) {
    if (p.paused) return "Paused. Tap Resume when you're ready.";
    if (p.phase === 'instructions') {
      return p.exercise.kind === 'guidance'
        ? p.exercise.summary + ' Read it through, then tap Next.'
        : p.exercise.summary + ' Get into position, then tap Next to start the hold.';
    }
    if (p.phase === 'holding') return p.exercise.hold_cue || 'Hold.';
    if (p.phase === 'resting') return p.seconds ? 'Rest and breathe.' : "Rest and breathe. Tap Next when you're ready.";
    return '';
  }

  function durationText(secs) {
    if (secs < 60) return secs + ' s';
    return Math.floor(secs / 60) + ' min' + (secs % 60 ? ' ' + (secs % 60) + ' s' : '');
  }

  function paceText(pace) {
    if (Math.abs(pace - 1) < 1e-9) return 'normal holds';
    return 'holds at ' + Math.round(pace * 100) + '% of normal (' + (pace > 1 ? 'slower' : 'faster') + ')';
  }

  function control(version, word, label, classes) {
    classes = classes || '';
    return '<form method="post" action="/session/' + word + '" class="control-form ' + classes + '">' +
      '<input type="hidden" name="csrf_token" value="' + esc(csrfToken()) + '">' +
      '<input type="hidden" name="expected_version" value="' + version + '">' +
      '<button type="submit" id="btn-' + word + '" class="btn ' + classes + '">' + label + '</button></form>';
  }

  var OFFLINE_NOTE = "You're offline. Your session carries on here on this phone and catches up when you reconnect.";
  var SYNCING_NOTE = 'Back online: sending what you did offline…';

  function drawPanel(data) {
    var panel = document.getElementById('session-panel');
    if (!panel || !localActive(data)) return;
    var run = data.run, plan = data.plans[run.state.routine_id];
    var now = serverNow(data);
    var p = positionOf(run.state, plan, now);
    var s = p.state, html = [];
    var note = navigator.onLine && data.queue.length ? SYNCING_NOTE : OFFLINE_NOTE;
    html.push('<p class="notice offline-notice" role="status" data-offline-mode>' + esc(note) + '</p>');
    if (run.notice) html.push('<p class="notice" role="status">' + esc(run.notice) + '</p>');
    if (s.phase === 'done') {
      var title = s.outcome === 'pain' ? 'Stopped: take care of yourself'
        : s.outcome === 'completed' ? 'Well done! Routine complete.'
        : 'Session finished';
      var secs = Math.max(0, Math.floor((s.finished_at || s.started_at) - s.started_at));
      html.push('<div class="done"><h2' + (s.outcome === 'pain' ? ' class="stop-title"' : '') + '>' + esc(title) + '</h2>');
      if (s.outcome === 'pain') {
        html.push('<p class="lead">Rest in a comfortable position. Don\'t push through sharp pain.</p>');
      }
      html.push('<dl class="facts"><div><dt>Routine</dt><dd>' + esc(plan.routine.name) + '</dd></div>' +
        '<div><dt>Time</dt><dd>' + durationText(secs) + '</dd></div>' +
        '<div><dt>Exercises</dt><dd>' + (p.exercise_index + 1) + ' of ' + p.exercise_count + '</dd></div></dl>' +
        '<p>It will be saved to your history when this phone is back online.</p></div>');
      panel.innerHTML = html.join('');
      panel.setAttribute('data-offline-phase', 'done');
      return;
    }
    var where = '';
    if (p.phase !== 'instructions' || p.exercise.kind !== 'guidance') {
      // Same wording as the server's panel: no "Set 1 of 1" for single-set exercises.
      where = [p.block.sets > 1 ? 'Set ' + p.block.set_no + ' of ' + p.block.sets : '',
        p.block.side ? p.block.side.charAt(0).toUpperCase() + p.block.side.slice(1) + ' side' : '']
        .filter(Boolean).join(' · ');
    }
    html.push('<div class="now"><p class="progress-text">Exercise ' + (p.exercise_index + 1) + ' of ' +
      p.exercise_count + ' · ' + esc(plan.routine.name) + '</p>' +
      '<h2 class="exercise-name" id="exercise-name">' + esc(p.exercise.name) + '</h2>' +
      '<p class="step-now">' + esc(stepText(p)) + '</p>' +
      '<p class="where">' + where.replace(/<(?!\/?strong>)/g, '&lt;') + '</p></div>');
    html.push('<div class="not-announced" aria-live="off">');
    if (p.phase === 'holding' || p.phase === 'resting') {
      html.push('<div class="timer" role="timer" aria-label="Countdown">' +
        '<svg class="ring" viewBox="0 0 120 120" aria-hidden="true" focusable="false">' +
        '<circle class="ring-track" cx="60" cy="60" r="52"></circle>' +
        '<circle class="ring-fill" cx="60" cy="60" r="52" pathLength="100" stroke-dasharray="100" ' +
        'stroke-dashoffset="0" transform="rotate(-90 60 60)" data-offline-ring></circle></svg>' +
        '<div class="timer-text"><span class="digits" data-offline-seconds></span>' +
        '<span class="timer-label" data-offline-label></span></div></div>');
      if (p.phase === 'holding') {
        html.push('<p class="rep">Rep <span data-offline-rep>' + p.rep + '</span> of ' + p.reps + '</p>');
      }
    }
    var steps = (p.exercise.steps || []).map(function (st) { return '<li>' + esc(st) + '</li>'; }).join('');
    if (p.phase === 'instructions') html.push('<ol class="steps steps-now">' + steps + '</ol>');
    var v = s.version;
    html.push('<div class="controls">' + control(v, 'next', 'Next', 'primary wide') + control(v, 'back', 'Back') +
      (p.paused ? control(v, 'resume', 'Resume', 'primary') : control(v, 'pause', 'Pause')) +
      control(v, 'repeat', 'Repeat') + control(v, 'slower', 'Slower') + control(v, 'faster', 'Faster') +
      control(v, 'finish', 'Finish') + control(v, 'pain', 'It hurts', 'danger wide') + '</div>');
    if (p.phase !== 'instructions') {
      html.push('<details class="steps-details"><summary>Show the steps</summary><ol class="steps">' + steps + '</ol></details>');
    }
    html.push('<p class="next-up"><span class="label">Next up:</span> ' +
      esc(p.next_exercise ? p.next_exercise.name : "Last exercise, then you're done") + '</p>');
    html.push('<p class="pace">Pace: ' + esc(paceText(s.pace)) + '</p></div>');
    panel.innerHTML = html.join('');
    panel.setAttribute('data-offline-phase', s.phase);
    drawn = {phase: s.phase, block: s.block_index, version: s.version, paused: p.paused};
    tickTimer(data);
  }

  var drawn = null;

  function tickTimer(data) {
    if (!localActive(data) || !isSessionPage()) return;
    var run = data.run, plan = data.plans[run.state.routine_id];
    var p = positionOf(run.state, plan, serverNow(data));
    if (!drawn || drawn.phase !== p.phase || drawn.block !== p.state.block_index || drawn.version !== p.state.version) {
      drawPanel(data);  // a hold that ran out became a rest: redraw everything
      return;
    }
    var digits = document.querySelector('[data-offline-seconds]');
    if (digits) digits.textContent = String(Math.ceil(p.seconds || 0));
    var label = document.querySelector('[data-offline-label]');
    if (label) label.textContent = p.label;
    var rep = document.querySelector('[data-offline-rep]');
    if (rep) rep.textContent = String(p.rep);
    var ring = document.querySelector('[data-offline-ring]');
    if (ring) ring.setAttribute('stroke-dashoffset', String(Math.round(100 * p.fraction * 10) / 10));
  }

  var ticker = null;
  function startTicker() {
    if (ticker) return;
    ticker = setInterval(function () {
      var data = load();
      if (!localActive(data)) { clearInterval(ticker); ticker = null; return; }
      tickTimer(data);
    }, 250);
  }

  function goLocal(data) {
    if (!isSessionPage() || !ensureRun(data)) return false;
    save(data);
    drawPanel(data);
    startTicker();
    return true;
  }

  // ---------------------------------------------------------------- the controls

  function commandOf(form, submitter) {
    var action = (submitter && submitter.getAttribute('formaction')) || form.getAttribute('hx-post') ||
      form.getAttribute('action') || '';
    var path;
    try { path = new URL(action, location.href).pathname; } catch (e) { return null; }
    var m = /^\/session\/([a-z_-]+)$/.exec(path);
    if (!m) return null;
    if (m[1] === 'start') {
      return {name: 'start', routineId: (form.elements.routine_id || {}).value || '',
              safetyAck: (form.elements.safety_ack || {}).value === 'yes'};
    }
    return COMMAND_WORDS[m[1]] ? {name: COMMAND_WORDS[m[1]]} : null;
  }

  function handleLocally(cmd) {
    var data = load();
    if (cmd.name === 'start') {
      var heard = !!(data.snapshot && data.snapshot.person && data.snapshot.person.safety_heard);
      if (!heard && !cmd.safetyAck) return false;     // the safety notice comes first (needs the server)
      startOffline(cmd.routineId);
      return true;
    }
    if (!goLocal(data)) return false;
    data = load();
    localCommand(data, cmd.name);
    drawPanel(data);
    // The browser thinks it is online but the server did not answer: try to sync again soon.
    if (navigator.onLine) setTimeout(flush, 5000);
    return true;
  }

  /** Start a routine with no network: its plan comes from the service worker's cache. */
  async function startOffline(routineId) {
    var data = load();
    if (!data.plans[routineId]) {
      try {
        var got = await fetchJSON(planUrl(routineId), 'default');
        data = load();
        data.plans[routineId] = got.body;
      } catch (e) {
        location.href = '/offline';
        return;
      }
    }
    localCommand(data, 'start', routineId);
    if (isSessionPage()) { goLocal(load()); } else { location.href = '/session'; }
  }

  // Capture phase on window: runs before htmx's own listener on the form.
  window.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var cmd = commandOf(form, event.submitter);
    if (!cmd) return;
    var data = load();
    if (navigator.onLine && !localActive(data)) return;  // online: the server handles it
    if (handleLocally(cmd)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // A command that could not reach the server (the network dropped without 'offline'): run it here.
  document.addEventListener('htmx:sendError', function (event) {
    var elt = event.detail && event.detail.elt;
    var form = elt && (elt.closest ? elt.closest('form') : null);
    var cmd = form && commandOf(form, null);
    if (cmd && cmd.name !== 'start') handleLocally(cmd);
  });

  // ---------------------------------------------------------------- online: snapshot and sync

  async function fetchJSON(url, cacheMode) {
    var sent = Date.now() / 1000;
    var response = await fetch(url, {credentials: 'same-origin', cache: cacheMode || 'no-store',
                                     headers: {Accept: 'application/json'}});
    if (!response.ok) throw new Error('HTTP ' + response.status);
    var body = await response.json();
    return {body: body, sent: sent, received: Date.now() / 1000};
  }

  function keepSnapshot(data, got) {
    data.snapshot = got.body;
    if (typeof got.body.server_time === 'number') {
      data.offset = got.body.server_time - (got.sent + got.received) / 2;
    }
  }

  async function keepPlan(data, routineId) {
    if (!routineId) return;
    try {
      var got = await fetchJSON(planUrl(routineId));
      data = load();
      data.plans[routineId] = got.body;
      save(data);
    } catch (e) { /* offline: the service worker's copy will do */ }
  }

  var refreshing = null;
  async function refreshSnapshot() {
    if (refreshing) return refreshing;
    refreshing = (async function () {
      try {
        var got = await fetchJSON(CFG.apiSession);
        var data = load();
        if (localActive(data) && data.queue.length) return;  // local work waits for the sync
        keepSnapshot(data, got);
        if (localActive(data) && !data.queue.length) data.run = null;
        save(data);
        var session = got.body.session;
        if (session && !data.plans[session.routine.id]) await keepPlan(data, session.routine.id);
        else if (session) keepPlan(data, session.routine.id);
      } catch (e) { /* offline */ } finally { refreshing = null; }
    })();
    return refreshing;
  }

  var flushing = false;
  async function flush() {
    if (flushing) return;
    var data = load();
    if (!data.queue.length) {
      if (localActive(data) && navigator.onLine) { data.run = null; save(data); backToServer(); }
      return;
    }
    flushing = true;
    try {
      if (localActive(data)) drawPanel(data);
      var fresh = await fetchJSON(CFG.apiSession);  // a fresh CSRF token, and proof the server is there
      data = load();
      var now = serverNow(data);
      var batch = data.queue.map(function (item) {
        var copy = Object.assign({}, item);
        if (data.run && data.run.origin && data.run.origin.id === item.id) copy.hold_elapsed = holdElapsed(data.run, now);
        return copy;
      });
      var response = await fetch(CFG.apiCommands, {
        method: 'POST', credentials: 'same-origin', cache: 'no-store',
        headers: {'Content-Type': 'application/json', Accept: 'application/json',
                  'X-CSRF-Token': fresh.body.csrf_token || csrfToken()},
        body: JSON.stringify({commands: batch, sent_at: now}),
      });
      var body = null;
      try { body = await response.json(); } catch (e) { body = null; }
      if (response.status >= 500) throw new Error('server error ' + response.status);
      data = load();
      var sent = {};
      batch.forEach(function (item) { sent[item.id] = true; });
      var remaining = data.queue.filter(function (item) { return !sent[item.id]; });
      var refused = response.ok && body && Array.isArray(body.results)
        ? body.results.filter(function (r) { return r.status !== 'applied'; }) : [];
      data.queue = remaining;
      if (!response.ok || refused.length) {
        // The session moved on elsewhere (or the batch was refused): the server's state wins.
        data.queue = [];
        data.notice = 'Some of what you did offline had already been changed on another device, so the session shows where it is now.';
      }
      if (!data.queue.length) {
        data.run = null;
        if (body && body.server_time) keepSnapshot(data, {body: body, sent: now, received: Date.now() / 1000});
      }
      save(data);
      if (!data.queue.length) backToServer();
    } catch (e) {
      // Still offline (or the server is away): keep the queue and try again shortly.
      setTimeout(function () { if (navigator.onLine) flush(); }, 5000);
    } finally {
      flushing = false;
    }
    if (load().queue.length && navigator.onLine) setTimeout(flush, 0);
  }

  function backToServer() {
    if (ticker) { clearInterval(ticker); ticker = null; }
    if (isSessionPage()) location.reload();
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
  window.addEventListener('offline', function () { goLocal(load()); });

  // Keep the snapshot as fresh as the panel: after every swap into it (commands, live updates).
  document.addEventListener('htmx:afterSettle', function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === 'session-panel' && !localActive(load())) refreshSnapshot();
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
    if (!navigator.onLine) {
      goLocal(data);
      return;
    }
    if (data.queue.length) {
      if (isSessionPage() && localActive(data)) { drawPanel(data); startTicker(); }
      flush();
      return;
    }
    if (localActive(data)) { data.run = null; save(data); }
    refreshSnapshot();
  }

  // Exposed for tests and debugging only.
  window.PsoasOffline = {
    load: load, flush: flush, refreshSnapshot: refreshSnapshot,
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
