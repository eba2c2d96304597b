"""The session's figure (static/figure_anim.js) in real Chromium: inlined from /figures/<id>/poses.svg,
in its hold pose while a hold runs and back in its start pose on the release, sampled from the DOM."""

from __future__ import annotations

import re

from coach_harness import at, cue, one_hold_set, open_harness, segment, state

from shared_content.catalogue import load_catalogue

SHOWN = """() => {
  const box = document.querySelector("[data-figure]");
  const on = [...box.querySelectorAll("g.pose")].filter((g) => getComputedStyle(g).display !== "none");
  return {shown: box.getAttribute("data-pose-shown"), role: box.getAttribute("data-pose-role"),
          visible: on.map((g) => g.getAttribute("data-pose"))};
}"""

# Whether a body path is on its way between poses: its drawn shape (computed `d`) is not yet the
# shape its pose gives it.
MOVING = """() => [...document.querySelectorAll("[data-figure] g.pose.on path")].some((p) => {
  const nums = (s) => (s.match(/-?\\d+(\\.\\d+)?/g) || []).map(Number);
  const drawn = nums(getComputedStyle(p).d), target = nums(p.getAttribute("d"));
  return drawn.length === target.length && drawn.some((v, i) => Math.abs(v - target[i]) > 0.5);
})"""


# Sampled by the page's own timers, queued with the events' (same clock, same queue), so a busy
# machine delays both alike and a sample never lands on the wrong side of a segment change.
SAMPLE = """([events, times]) => new Promise((done) => {
  const shown = SHOWN, moving = MOVING;
  const out = {};
  window.__play(events);
  times.forEach((t, i) => setTimeout(() => {
    out[t] = Object.assign(shown(), {moving: moving()});
    if (i === times.length - 1) done(out);
  }, t));
})""".replace("SHOWN", SHOWN).replace("MOVING", MOVING)


def sample(page, events, times_ms):
    """Play the events and sample the figure at the given times (ms after the first event)."""
    got = page.evaluate(SAMPLE, [events, sorted(times_ms)])
    return {int(t): v for t, v in got.items()}


def ready(page, wait_until, exercise):
    wait_until(page, f"() => document.querySelector('[data-figure]').dataset.figureReady === '{exercise}'")


def test_the_figure_holds_during_the_hold_and_returns_to_start_on_the_release(page, live_server, wait_until):
    open_harness(page, live_server)
    ready(page, wait_until, "pelvic-tilt")
    # One set: get ready 0-4.5 s, hold 4.5-7.5 s, release 7.5-9.5 s, hold 9.5-12.5 s, rest.
    samples = sample(page, one_hold_set(), [1000, 5000, 7000, 8200, 10000, 12000, 13000])
    assert samples[1000]["shown"] == "start" and samples[1000]["visible"] == ["start"]
    for t in (5000, 7000, 10000, 12000):
        assert {k: samples[t][k] for k in ("shown", "role", "visible")} == {
            "shown": "hold",
            "role": "hold",
            "visible": ["hold"],
        }, t
    for t in (8200, 13000):
        assert samples[t]["visible"] == ["start"], t
    assert page.console_errors == []


def test_the_figure_moves_into_the_hold_over_the_countdowns_last_second(page, live_server, wait_until):
    open_harness(page, live_server)
    ready(page, wait_until, "pelvic-tilt")
    events = [at(0, state()), at(0, segment(1, "get_ready")), at(300, cue("countdown", n=1))]
    samples = sample(page, events, [200, 700, 1600])
    assert samples[200]["shown"] == "start" and not samples[200]["moving"]
    # Half way through the last second:
    assert samples[700]["shown"] == "hold"
    assert samples[700]["moving"], "the limbs are between the two poses"
    assert not samples[1600]["moving"], "and arrive in the hold pose when the hold starts"


def test_twists_alternate_left_and_right_rep_by_rep(page, live_server, wait_until):
    open_harness(page, live_server, exercise="bicycle-crunches")
    ready(page, wait_until, "bicycle-crunches")
    samples = sample(page, one_hold_set("bicycle-crunches"), [1000, 5000, 8200, 10000])
    assert [samples[t]["shown"] for t in (1000, 5000, 8200, 10000)] == ["start", "left", "start", "right"]


def test_the_figure_follows_the_exercise_and_says_what_it_shows(page, live_server, wait_until):
    cat = load_catalogue()
    open_harness(page, live_server)
    ready(page, wait_until, "pelvic-tilt")
    other = next(e for e in cat.exercises.values() if e.kind == "timed" and e.id != "pelvic-tilt")
    page.evaluate("(e) => window.__play(e)", [at(0, segment(7, "intro", other.id))])
    ready(page, wait_until, other.id)
    image = page.get_by_role("img", name=re.compile(re.escape(other.name)))
    assert image.count() == 1
    assert page.evaluate(SHOWN)["shown"] == "start"
    assert page.console_errors == []


def test_reduced_motion_shows_a_still_of_the_hold_pose(page, live_server, wait_until):
    page.emulate_media(reduced_motion="reduce")
    open_harness(page, live_server)
    ready(page, wait_until, "pelvic-tilt")
    events = one_hold_set()
    page.evaluate("(e) => window.__play(e)", events)
    for _ in range(6):
        assert page.evaluate(SHOWN) == {"shown": "hold", "role": "hold", "visible": ["hold"]}
        assert not page.evaluate(MOVING)
        page.wait_for_timeout(1500)


def test_without_a_figure_container_nothing_is_fetched_or_drawn(page, live_server):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    open_harness(page, live_server, markup="<p data-spacer>No session here</p>")
    page.evaluate("(e) => window.__play(e)", one_hold_set()[:3])
    page.wait_for_timeout(300)
    assert not any("/figures/" in url for url in requests)
    assert page.locator("svg").count() == 0
