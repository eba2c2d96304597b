/* The exercise's figure during a session, moving with the timeline: into the hold pose over the
 * get-ready's last second ("3, 2, 1" – on the count), back to the start pose on the release.
 *
 * Markup (optional; without it this does nothing):
 *   <div data-figure data-exercise-id="pelvic-tilt"></div>
 * The all-poses SVG (/figures/<id>/poses.svg, see docs/architecture.md "Figures") is inlined into
 * it. Its pose groups have the same paths in the same order, so a change of pose moves the `on`
 * class to the new group at once (what the DOM says is always the pose being shown) and tweens each
 * body path's `d` from the old pose's shape (Web Animations API). The container says what it shows:
 *   data-pose-shown="start" | "hold" | "left" | ...   data-pose-role="start" | "hold" | "still"
 * With prefers-reduced-motion the figure is a still of the hold pose.
 * Listens to the session page's psoas:segment, psoas:cue and psoas:state events (see coach_voice.js).
 */
(function () {
  "use strict";

  var INTO_HOLD_MS = 1000; // the countdown's last second
  var QUICK_MS = 400; // a hold or release reached without its cue (page loaded mid-way, a jump)
  var RELEASE_MS = 800;

  var box, svg, poses, exerciseId, segment, loading;
  var reduced = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : { matches: false };

  function names() {
    return poses.map(function (g) {
      return g.getAttribute("data-pose");
    });
  }

  /* The working pose for a hold: the side's pose where the figure has one, else left and right
   * alternate rep by rep (twists, bicycle crunches), else the figure's second pose ("hold"). */
  function holdPose(side, rep) {
    var list = names();
    if (list.length === 1) return list[0];
    if (side && list.indexOf(side) >= 0) return side;
    if (list.indexOf("left") >= 0 && list.indexOf("right") >= 0) return rep % 2 === 0 ? "right" : "left";
    return list.indexOf("hold") >= 0 ? "hold" : list[1];
  }

  function startPose() {
    return names()[0];
  }

  function show(name, ms) {
    if (!svg) return;
    var list = names();
    if (reduced.matches) {
      name = holdPose(segment && segment.side, 1);
      ms = 0;
    }
    var next = poses[list.indexOf(name)];
    if (!next) return;
    var current = svg.querySelector(".pose.on");
    if (current !== next) {
      // Body paths and the head match pose to pose; glows, highlights and arrows may not.
      var from = current ? current.querySelectorAll("path.l, path.h") : [];
      var to = next.querySelectorAll("path.l, path.h");
      if (current) current.classList.remove("on");
      next.classList.add("on");
      if (ms > 0 && from.length === to.length && to.length && to[0].animate) {
        for (var i = 0; i < to.length; i++) {
          var a = from[i].getAttribute("d");
          var b = to[i].getAttribute("d");
          if (a === b) continue;
          try {
            to[i].animate([{ d: 'path("' + a + '")' }, { d: 'path("' + b + '")' }], {
              duration: ms,
              easing: "ease-in-out",
            });
          } catch (e) {
            /* a browser without `d` animation shows the cut */
          }
        }
      }
    }
    box.setAttribute("data-pose-shown", name);
    box.setAttribute("data-pose-role", list.length === 1 ? "still" : name === list[0] ? "start" : "hold");
  }

  /* The pose the current segment calls for. */
  function settle(ms) {
    if (!svg || !segment) return show(svg ? holdPose(null, 1) : "", 0);
    if (segment.kind === "hold") show(holdPose(segment.side, segment.rep || 1), ms);
    else show(startPose(), ms);
  }

  function load(id) {
    if (!id || id === exerciseId) return;
    exerciseId = id;
    box.setAttribute("data-exercise-id", id);
    var wanted = id;
    loading = fetch("/figures/" + encodeURIComponent(id) + "/poses.svg", { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("no figure");
        return r.text();
      })
      .then(function (text) {
        if (wanted !== exerciseId) return;
        // The page's CSP allows only its own style sheets (figure.css carries these rules), and
        // a parsed document inherits it: the <style> goes before parsing.
        text = text.replace(/<style[^>]*>[\s\S]*?<\/style>/g, "");
        var doc = new DOMParser().parseFromString(text, "image/svg+xml");
        var root = doc.documentElement;
        if (!root || root.nodeName !== "svg") throw new Error("not an svg");
        svg = document.importNode(root, true);
        svg.removeAttribute("width");
        svg.removeAttribute("height");
        box.replaceChildren(svg);
        box.hidden = false;
        poses = Array.prototype.slice.call(svg.querySelectorAll("g.pose"));
        settle(0);
        box.setAttribute("data-figure-ready", id);
      })
      .catch(function () {
        if (wanted !== exerciseId) return;
        svg = null;
        box.replaceChildren();
        box.hidden = true;
        box.removeAttribute("data-pose-shown");
      });
  }

  function onSegment(event) {
    var d = event.detail || {};
    var previous = segment;
    segment = d.segment || null;
    if (!segment) return;
    if (segment.exercise_id && segment.exercise_id !== exerciseId) return load(segment.exercise_id);
    // The first segment the page hears of cuts to its pose: the figure had no pose to move from
    // (its still before a timeline is known); a jump between segments moves quickly.
    if (!previous) settle(0);
    else if (previous.index !== segment.index) settle(QUICK_MS);
  }

  function onCue(event) {
    var d = event.detail || {};
    var p = d.params || {};
    if (!svg || !segment) return;
    if (d.key === "countdown" && p.n === 1) {
      // The next hold's rep: the first after a get-ready, the one after the rep just released.
      var rep = segment.kind === "release" ? (segment.rep || 0) + 1 : segment.kind === "hold" ? segment.rep : 1;
      show(holdPose(segment.side, rep), INTO_HOLD_MS);
    } else if (d.key === "hold_start") {
      show(holdPose(segment.side, p.rep || 1), QUICK_MS);
    } else if (d.key === "release") {
      show(startPose(), RELEASE_MS);
    }
  }

  function onState(event) {
    var d = event.detail || {};
    if (!svg || !svg.getAnimations) return;
    svg.getAnimations({ subtree: true }).forEach(function (a) {
      if (d.paused) a.pause();
      else if (a.playState === "paused") a.play();
    });
  }

  function init() {
    box = document.querySelector("[data-figure]");
    if (!box) return;
    document.addEventListener("psoas:segment", onSegment);
    document.addEventListener("psoas:cue", onCue);
    document.addEventListener("psoas:state", onState);
    if (reduced.addEventListener) reduced.addEventListener("change", function () { settle(0); });
    load(box.getAttribute("data-exercise-id"));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
