"""A small test page for the phone's own coach (static/coach_voice.js) and figure (static/figure_anim.js).

The page is served by Playwright at the live server's origin (so /static, /figures and
/api/catalogue.json are the real ones) with the app's own Content-Security-Policy. Before any
script runs, the init script replaces the Web Speech API, Web Audio and navigator.vibrate with
recording doubles, and `window.__play(events)` stands in for the session page: it dispatches the
psoas:segment / psoas:cue / psoas:state events on a schedule and records when each was due.
"""

from __future__ import annotations

from typing import Any

from webapp.security import CSP

HARNESS_PATH = "/__harness/session"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>harness</title>
<link rel="stylesheet" href="/static/app.css"><link rel="stylesheet" href="/static/figure.css">
</head><body><main>
{markup}
</main>
<script src="/static/coach_voice.js"></script>
<script src="/static/figure_anim.js"></script>
</body></html>"""

MARKUP = (
    '<button type="button" data-sound-toggle>Sound</button>'
    '<div data-figure data-exercise-id="{exercise}"></div>'
    "<p data-spacer>Tap here</p>"
)

DOUBLES = """
(() => {
  const rec = (window.__rec = {spoken: [], cancels: [], tones: [], vibrations: [], due: [], announced: []});
  class Utterance { constructor(text) { this.text = text; this.rate = 1; this.volume = 1; } }
  const synth = {
    speaking: false, pending: false, current: null,
    speak(u) {
      rec.spoken.push({text: u.text, t: performance.now(), volume: u.volume});
      this.current = u; this.speaking = true;
      // About 150 words a minute, quicker than a person so pieces never overlap in the test.
      u.timer = setTimeout(() => { if (this.current === u) { this.current = null; this.speaking = false; }
                                   u.onend && u.onend({}); }, 40 + 60 * u.text.split(/\\s+/).length);
    },
    cancel() {
      rec.cancels.push(performance.now());
      const u = this.current; this.current = null; this.speaking = false;
      if (u) { clearTimeout(u.timer); setTimeout(() => u.onerror && u.onerror({error: "interrupted"}), 0); }
    },
    pause() {}, resume() {}, getVoices() { return []; }, addEventListener() {}, removeEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = Utterance;
  class Ctx {
    constructor() { this.state = "suspended"; this.destination = {}; this.t0 = performance.now(); }
    get currentTime() { return (performance.now() - this.t0) / 1000; }
    resume() { this.state = "running"; return Promise.resolve(); }
    createGain() { const p = {value: 1, setValueAtTime() {}, exponentialRampToValueAtTime() {},
                              linearRampToValueAtTime() {}};
                   return {gain: p, connect() {}}; }
    createOscillator() {
      const ctx = this;
      return {type: "sine", frequency: {value: 440}, connect() {}, stop() {},
              start(when) { rec.tones.push({hz: this.frequency.value, t: ctx.t0 + (when || 0) * 1000}); }};
    }
  }
  window.AudioContext = Ctx; window.webkitAudioContext = Ctx;
  Object.defineProperty(navigator, "vibrate", {value: (p) => { rec.vibrations.push(p); return true; },
                                               configurable: true});
  window.__play = (events) => {
    const t0 = performance.now();
    for (const e of events) {
      setTimeout(() => {
        rec.due.push({type: e.type, key: e.detail.key, params: e.detail.params, t: t0 + e.at});
        document.dispatchEvent(new CustomEvent("psoas:" + e.type, {detail: e.detail}));
      }, e.at);
    }
    return t0;
  };
  // Every change of the live region's words, as a screen reader would be told them.
  document.addEventListener("DOMContentLoaded", () => {
    new MutationObserver((changes) => {
      const live = document.querySelector("[data-coach-announcer]");
      for (const c of changes) {
        if (live && (c.target === live || c.target.parentNode === live) && live.textContent) {
          rec.announced.push(live.textContent);
        }
      }
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
  });
})();
"""


def open_harness(page, base: str, exercise: str = "pelvic-tilt", markup: str | None = None) -> None:
    """Serve the test page at the live server's origin and open it, doubles installed first."""
    html = PAGE.format(markup=markup if markup is not None else MARKUP.format(exercise=exercise))

    def fulfil(route):
        route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": CSP},
            body=html,
        )

    page.add_init_script(DOUBLES)
    page.route(base + HARNESS_PATH, fulfil)
    page.goto(base + HARNESS_PATH)
    page.wait_for_load_state("networkidle")


def gesture(page) -> None:
    """A tap away from the controls: the autoplay policy's user gesture."""
    page.locator("[data-spacer]").click()


def segment(index: int, kind: str, exercise: str = "pelvic-tilt", **fields: Any) -> dict[str, Any]:
    seg = {
        "index": index, "kind": kind, "exercise_id": exercise, "side": None, "rep": 0, "reps": 2,
        "set_no": 1, "sets": 3, "duration": 5,
    }  # fmt: skip
    seg.update(fields)
    return {"type": "segment", "detail": {"segment": seg, "index": index, "paused": False, "waiting": False}}


def cue(key: str, **params: Any) -> dict[str, Any]:
    return {"type": "cue", "detail": {"key": key, "params": params}}


def state(paused: bool = False, done: bool = False, led_by: str = "phone") -> dict[str, Any]:
    return {"type": "state", "detail": {"paused": paused, "done": done, "ledBy": led_by, "voiceUntil": None}}


def at(ms: int, event: dict[str, Any]) -> dict[str, Any]:
    return dict(event, at=ms)


def play(page, events: list[dict[str, Any]]) -> None:
    """Dispatch the events on their schedule and wait until the last has fired and settled."""
    page.evaluate("(events) => window.__play(events)", events)
    page.wait_for_timeout(max(e["at"] for e in events) + 700)


def record(page) -> dict[str, Any]:
    return page.evaluate("() => window.__rec")


def one_hold_set(exercise: str = "pelvic-tilt") -> list[dict[str, Any]]:
    """Get ready, two 3-second holds with a release between, then a rest: one second per count."""
    return [
        at(0, state()),
        at(0, segment(1, "get_ready", exercise)),
        at(50, cue("get_ready", exercise=exercise, side=None, set_no=1, sets=3, seconds=5)),
        at(1500, cue("countdown", n=3)),
        at(2500, cue("countdown", n=2)),
        at(3500, cue("countdown", n=1)),
        at(4500, segment(2, "hold", exercise, rep=1, duration=3)),
        at(4500, cue("hold_start", exercise=exercise, rep=1, reps=2, seconds=3)),
        at(4500, cue("count", n=1)),
        at(5500, cue("count", n=2)),
        at(6500, cue("count", n=3)),
        at(7500, segment(3, "release", exercise, rep=1, duration=2)),
        at(7500, cue("release", rep=1, reps=2)),
        at(8500, cue("countdown", n=1)),
        at(9500, segment(4, "hold", exercise, rep=2, duration=3)),
        at(9500, cue("hold_start", exercise=exercise, rep=2, reps=2, seconds=3)),
        at(9500, cue("count", n=1)),
        at(10500, cue("count", n=2)),
        at(11500, cue("count", n=3)),
        at(12500, segment(5, "rest", exercise, rep=2, duration=30)),
        at(12500, cue("release", rep=2, reps=2)),
        at(12500, cue("rest", seconds=30)),
    ]
