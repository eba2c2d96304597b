/* Psoas Coach timeline player: plays the timeline data the server sends (Coach.timeline,
 * docs/architecture.md "Timeline data"). Pure: no DOM, no clock of its own; every function
 * takes `now` in seconds on the server's clock (see serverNow).
 *
 * It knows segments, durations, step numbers and the anchor, nothing else: no sets, sides,
 * reps or pace rules. Offline it pauses and resumes by shifting the anchor and jumps for
 * next / previous / repeat / continue along step numbers and the engine's `gap` flag, exactly as the engine does, so when
 * the server answers again both agree (tests/unit/test_player_parity.py checks this).
 *
 * Loads as a browser global (`PsoasPlayer`) or a CommonJS module (Node).
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory();
  } else {
    root.PsoasPlayer = factory();
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  /* The timeline data -> a player: the segments with their running offsets, and a state. */
  function load(data) {
    var segments = data.segments;
    var offsets = [0];
    var stepStarts = [];
    var waits = [];
    for (var i = 0; i < segments.length; i++) {
      var d = segments[i].duration;
      offsets.push(offsets[i] + (d === null ? 0 : d));
      if (segments[i].step === stepStarts.length) stepStarts.push(i);
      if (d === null) waits.push(i);
    }
    return {
      segments: segments,
      offsets: offsets,
      stepStarts: stepStarts,
      waits: waits,
      cues: data.cues || [],
      version: data.version,
      state: {
        anchorIndex: data.anchor.index,
        anchorAt: data.anchor.at,
        anchorDuration: data.anchor.duration,
        pausedAt: data.paused_at,
        barrier: data.barrier,
        done: Boolean(data.done),
        finishedAt: data.finished_at,
      },
    };
  }

  /* The offset to add to the device's clock (seconds) to read the server's clock. */
  function clockOffset(data, deviceNow) {
    return data.server_now - deviceNow;
  }

  function withState(player, changes) {
    var state = {};
    var key;
    for (key in player.state) state[key] = player.state[key];
    for (key in changes) state[key] = changes[key];
    var copy = {};
    for (key in player) copy[key] = player[key];
    copy.state = state;
    return copy;
  }

  function anchorLength(player) {
    var s = player.state;
    var d = player.segments[s.anchorIndex].duration;
    if (d === null) return null;
    return s.anchorDuration !== null ? s.anchorDuration : d;
  }

  function stopIndex(player) {
    var s = player.state;
    var stop = player.segments.length;
    for (var i = 0; i < player.waits.length; i++) {
      if (player.waits[i] > s.anchorIndex) {
        stop = player.waits[i];
        break;
      }
    }
    if (s.barrier !== null && s.barrier < stop) stop = s.barrier;
    return stop;
  }

  /* The segment at `now`: {index, start, end, t, halted, done}. start/end null where unknown. */
  function locate(player, now) {
    var s = player.state;
    var t = s.pausedAt !== null ? s.pausedAt : now;
    var k = s.anchorIndex;
    var n = player.segments.length;
    var off = player.offsets;
    if (s.done) return { index: k, start: null, end: null, t: t, halted: false, done: true };
    if (s.anchorAt === null) return { index: k, start: null, end: null, t: t, halted: true, done: false };
    var length = anchorLength(player);
    if (length === null) return { index: k, start: s.anchorAt, end: null, t: t, halted: false, done: false };
    var endK = s.anchorAt + length;
    if (t < endK) return { index: k, start: s.anchorAt, end: endK, t: t, halted: false, done: false };
    var base = endK - off[k + 1];
    var stop = stopIndex(player);
    var stopAt = base + off[stop];
    if (t >= stopAt) {
      if (stop === n) {
        var last = n - 1;
        var start = last === k ? s.anchorAt : base + off[last];
        return { index: last, start: start, end: stopAt, t: t, halted: false, done: true, endedAt: stopAt };
      }
      if (stop === s.barrier) return { index: stop, start: null, end: null, t: t, halted: true, done: false };
      return { index: stop, start: stopAt, end: null, t: t, halted: false, done: false };
    }
    // the last i in (k, stop) with off[i] <= t - base
    var x = t - base;
    var lo = k + 1;
    var hi = stop - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (off[mid] <= x) lo = mid;
      else hi = mid - 1;
    }
    return { index: lo, start: base + off[lo], end: base + off[lo + 1], t: t, halted: false, done: false };
  }

  function isWaiting(c) {
    return c.halted || (!c.done && c.start !== null && c.end === null);
  }

  /* What the timeline says at `now`: the segment, the count shown and what comes next. */
  function at(player, now) {
    var c = locate(player, now);
    var seg = player.segments[c.index];
    var left = c.end === null || c.done ? null : Math.max(0, c.end - c.t);
    var total = player.offsets[player.offsets.length - 1];
    var remaining;
    if (c.done) remaining = 0;
    else if (c.halted) remaining = total - player.offsets[c.index];
    else remaining = (left || 0) + (total - player.offsets[c.index + 1]);
    var holding = seg.kind === "hold" && !c.done && c.start !== null && c.t >= c.start;
    var count = null;
    if (holding && c.end !== null) count = Math.min(Math.round(c.end - c.start), Math.floor(c.t - c.start) + 1);
    var nextUp = null;
    if (!c.done) {
      for (var i = c.index + 1; i < player.segments.length; i++) {
        if (player.segments[i].exercise_id !== seg.exercise_id) {
          nextUp = player.segments[i].exercise_name;
          break;
        }
      }
    }
    return {
      index: c.index,
      segment: seg,
      kind: c.done ? "done" : seg.kind,
      step: seg.step,
      start: c.start,
      end: c.end,
      secondsLeft: left,
      count: count,
      secondsLeftTotal: Math.max(0, Math.ceil(remaining - 1e-9)),
      progress: c.done || total <= 0 ? 1 : Math.min(1, Math.max(0, 1 - remaining / total)),
      nextUp: nextUp,
      waiting: isWaiting(c),
      paused: player.state.pausedAt !== null,
      done: c.done,
    };
  }

  /* Cues with absolute times as the player now plans them, from <= at < until. */
  function cues(player, from, until) {
    var s = player.state;
    var out = [];
    if (s.done || s.anchorAt === null) return out;
    var c = locate(player, from);
    var stop = stopIndex(player);
    var length = anchorLength(player);
    var base = length === null ? null : s.anchorAt + length - player.offsets[s.anchorIndex + 1];
    var frozen = s.pausedAt !== null ? s.pausedAt : Infinity;
    for (var i = 0; i < player.cues.length; i++) {
      var cue = player.cues[i];
      var j = cue.segment;
      var begin = null;
      if (j === s.anchorIndex) begin = s.anchorAt;
      else if (j > s.anchorIndex && base !== null && (j < stop || (j === stop && stop !== s.barrier))) {
        begin = base + player.offsets[j];
      }
      if (begin === null || j < c.index) continue;
      var when = begin + cue.offset;
      if (when >= from && when < until && when < frozen) out.push({ at: when, key: cue.key, params: cue.params });
    }
    return out;
  }

  // --- offline commands: each returns {player, applied} ------------------------------------

  function jump(player, index, when) {
    return withState(player, { anchorIndex: index, anchorAt: when, anchorDuration: null, pausedAt: null, barrier: null });
  }

  function finish(player, now) {
    return withState(player, { done: true, finishedAt: now, pausedAt: null, barrier: null });
  }

  function toStep(player, step, now, when) {
    if (step > player.stepStarts.length - 1) return finish(player, now);
    return jump(player, player.stepStarts[Math.max(0, step)], when);
  }

  function continueFromHalt(player, c, now, when) {
    if (c.halted) return jump(player, c.index, when);
    if (c.index + 1 >= player.segments.length) return finish(player, now);
    return jump(player, c.index + 1, when);
  }

  function command(name, player, now, when) {
    if (when === undefined || when === null) when = now;
    var c = locate(player, now);
    if (c.done) return { player: player, applied: false };
    var step = player.segments[c.index].step;
    var paused = player.state.pausedAt !== null;
    var next;
    if (name === "pause") {
      if (paused) return { player: player, applied: false };
      next = withState(player, { pausedAt: now });
    } else if (name === "resume" || (name === "continue" && !isWaiting(c))) {
      if (!paused) return { player: player, applied: false };
      var a = player.state.anchorAt;
      next = withState(player, { pausedAt: null, anchorAt: a === null ? null : a + (now - player.state.pausedAt) });
    } else if (name === "continue" || (name === "next" && isWaiting(c))) {
      next = continueFromHalt(player, c, now, when);
    } else if (name === "next" && player.segments[c.index].gap && c.index + 1 < player.segments.length) {
      next = jump(player, c.index + 1, when); // a rest or a switch: the block it leads to starts now
    } else if (name === "next") {
      next = toStep(player, step + 1, now, when);
    } else if (name === "previous") {
      next = toStep(player, step - 1, now, when);
    } else if (name === "repeat") {
      next = toStep(player, step, now, when);
    } else {
      throw new Error("unknown offline command: " + name);
    }
    return { player: next, applied: true };
  }

  return {
    load: load,
    clockOffset: clockOffset,
    locate: locate,
    at: at,
    cues: cues,
    command: command,
    OFFLINE_COMMANDS: ["pause", "resume", "next", "previous", "repeat", "continue"],
  };
});
