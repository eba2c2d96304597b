"""The phone leads on its own: one tap starts a (tiny) routine and it plays to the end and lands in
/history with no further tap; the same offline, synced once when back online, never reloading the
page; a dropped live stream catches up in place, keeping focus and scroll. A real server process
with a tiny catalogue (PSOAS_CATALOGUE_DIR), real Chromium."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from dev_server import serve_dev  # same folder
from playwright.sync_api import expect
from tiny_catalogue import ROUTINE_ID, ROUTINE_NAME, write_tiny_catalogue

pytestmark = pytest.mark.browser

RUN_SECONDS = 90  # the tiny routine's timeline (checked below against the engine)


@pytest.fixture(scope="module")
def tiny_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("tiny-server")
    catalogue = write_tiny_catalogue(data / "catalogue")
    yield from serve_dev(
        data, PSOAS_SECRET_KEY="browser-tests-" + "t" * 40, PSOAS_CATALOGUE_DIR=str(catalogue)
    )


def test_the_tiny_routine_is_short():
    import tempfile

    from shared_content.catalogue import load_catalogue
    from shared_content.engine.segments import template_for

    folder = write_tiny_catalogue(Path(tempfile.mkdtemp()) / "catalogue")
    catalogue = load_catalogue(folder)
    template = template_for(catalogue.routine(ROUTINE_ID), catalogue, 1.0, "lead")
    assert template.total == RUN_SECONDS
    kinds = {seg.kind for seg in template.segments}
    assert {"hold", "release", "rest", "switch_sides", "get_ready"} <= kinds


def record_events(page):
    page.evaluate(
        """() => { window.__marker = 'not reloaded'; window.__events = [];
          window.__cueTimes = [];
          document.addEventListener('psoas:cue', (e) => window.__cueTimes.push(e.detail.key + '@' + e.detail.at));
          for (const name of ['psoas:segment', 'psoas:cue', 'psoas:state'])
            document.addEventListener(name, (e) => window.__events.push([name, e.detail.key !== undefined ? e.detail.key : e.detail.index])); }"""
    )


def one_tap_start(page, base):
    """The safety notice's start button: the one tap."""
    page.goto(f"{base}/safety?start={ROUTINE_ID}")
    page.get_by_role("button", name="I understand, start").click()
    expect(page).to_have_url(base + "/session")
    page.get_by_role("timer").wait_for()
    record_events(page)


def history_rows(page, base) -> str:
    response = page.request.get(base + "/history")
    return response.text()


def test_one_tap_runs_the_routine_to_the_end_online_and_offline_and_records_each_once(
    page, second_page, tiny_server
):
    """Two phones (two people) at once, to play the routine's real-time timeline only once: one
    online, the other offline from its first seconds with a pause, a resume and a Next queued."""
    online, offline = page, second_page
    one_tap_start(online, tiny_server)
    one_tap_start(offline, tiny_server)
    offline.context.set_offline(True)
    offline.locator("[data-offline-mode]").wait_for()
    offline.get_by_role("button", name="Pause").click()  # applied by the player, queued
    expect(offline.get_by_role("button", name="Resume")).to_be_visible()
    offline.get_by_role("button", name="Resume").click()
    offline.get_by_role("button", name="Next").click()  # the intro's step: on to the first set
    queued = offline.evaluate("window.PsoasOffline.load().queue.map((c) => c.name)")
    assert queued == ["pause", "resume", "next"]

    # Online: no further tap, and it lands on the celebration with every cue heard once, in order.
    expect(online.locator(".done .celebration-title")).to_be_visible(timeout=(RUN_SECONDS + 20) * 1000)
    assert online.evaluate("window.__marker") == "not reloaded"
    events = online.evaluate("window.__events")
    cues = [key for name, key in events if name == "psoas:cue"]
    assert "hold_start" in cues and "release" in cues and "rest" in cues and "well_done" in cues
    fired = online.evaluate("window.__cueTimes")
    assert len(fired) == len(set(fired))  # never the same cue twice: each (key, time) once
    segments = [i for name, i in events if name == "psoas:segment"]
    assert len(segments) >= 10 and segments == sorted(segments)  # it ran forward through the timeline
    href = online.locator(".done .celebration a[data-field=tomorrow]").get_attribute("href")
    assert href.startswith("/reminders.ics?time=")
    assert history_rows(online, tiny_server).count(ROUTINE_NAME) == 1

    # Offline: it played to its own end too, and once back online the queue syncs once, in place.
    expect(offline.locator(".sp-done .celebration-title")).to_be_visible(timeout=20_000)
    offline.context.set_offline(False)
    offline.evaluate("window.dispatchEvent(new Event('online'))")
    deadline = time.monotonic() + 20
    while offline.evaluate("window.PsoasOffline.load().queue.length") and time.monotonic() < deadline:
        offline.wait_for_timeout(200)
    assert offline.evaluate("window.PsoasOffline.load().queue.length") == 0
    offline.wait_for_timeout(1000)
    assert offline.evaluate("window.__marker") == "not reloaded"
    assert history_rows(offline, tiny_server).count(ROUTINE_NAME) == 1


def test_a_dropped_stream_catches_up_in_place_keeping_focus_and_scroll(page, tiny_server):
    one_tap_start(page, tiny_server)
    page.wait_for_function("() => window.PsoasSession.stream() !== null")  # its live stream is open
    page.evaluate("window.PsoasSession.stream().close()")
    page.locator("#btn-repeat").focus()
    page.evaluate("window.scrollTo(0, 40)")
    scroll = page.evaluate("window.scrollY")
    before = page.evaluate("window.PsoasSession.version()")
    # Another device of the same person moves the session on while this page hears nothing.
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    answer = page.request.post(
        tiny_server + "/session/next",
        form={"csrf_token": token, "expected_version": str(before)},
        max_redirects=0,
    )
    assert answer.status == 303
    page.wait_for_timeout(500)
    assert page.evaluate("window.PsoasSession.version()") == before  # not heard yet
    page.evaluate("window.PsoasSession.reconnect()")
    deadline = time.monotonic() + 10
    while page.evaluate("window.PsoasSession.version()") == before and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert page.evaluate("window.PsoasSession.version()") == before + 1
    expect(page.locator("#btn-repeat")).to_be_focused()
    assert page.evaluate("window.scrollY") == scroll
    assert page.evaluate("window.__marker") == "not reloaded"
    expect(page.locator("#session-panel input[name=expected_version]").first).to_have_value(str(before + 1))


@pytest.mark.parametrize("control", ["Slower", "Next"])
def test_after_a_tap_the_count_keeps_running_from_the_answer_alone(page, tiny_server, control):
    """A control's answer swaps the panel in, and the player goes on from the timeline in it,
    with no live event to rescue it (htmx drops <script> elements from what it swaps in: the
    timeline travels as a hidden element's text)."""
    one_tap_start(page, tiny_server)
    page.wait_for_function("() => window.PsoasSession.stream() !== null")
    page.evaluate("window.PsoasSession.stream().close()")  # nothing but the answer to go on
    before = page.evaluate("window.PsoasSession.version()")
    page.get_by_role("button", name=control, exact=True).click()
    page.wait_for_function(f"() => window.PsoasSession.version() > {before}")
    count = page.locator("#session-panel [data-field=big]")
    first = count.inner_text()
    page.wait_for_timeout(2500)
    assert count.inner_text() != first, f"the count stood still at {first!r} after {control}"
    assert page.evaluate("window.__marker") == "not reloaded"


def test_a_panel_rendered_before_the_newest_change_never_takes_the_page_back(page, tiny_server):
    """The panel the player asks for can arrive after newer live events (htmx drops a second
    request for an element while one is in flight): the page keeps the newest timeline, asks
    again, and ends on the newest version."""
    one_tap_start(page, tiny_server)
    page.wait_for_function("() => window.PsoasSession.stream() !== null")
    before = page.evaluate("window.PsoasSession.version()")
    held = {}

    def hold_first_panel(route):
        if route.request.headers.get("hx-request") and "route" not in held:
            held["response"] = route.fetch()  # rendered now, at `before`
            held["route"] = route
        else:
            route.continue_()

    page.route(re.compile(r"/session$"), hold_first_panel)
    # As the player asks for the panel (app.js refreshPanel); not awaited: the answer is held.
    page.evaluate(
        "() => { window.htmx.ajax('GET', '/session', {target: '#session-panel', swap: 'innerHTML'}); }"
    )
    deadline = time.monotonic() + 10
    while "route" not in held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    for version in (before, before + 1):  # another device moves the session on twice
        answer = page.request.post(
            tiny_server + "/session/next",
            form={"csrf_token": token, "expected_version": str(version)},
            max_redirects=0,
        )
        assert answer.status == 303
    page.wait_for_function(f"() => window.PsoasSession.version() === {before + 2}")  # heard live
    held["route"].fulfill(response=held["response"])  # the panel of `before` arrives last
    seen = set()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        seen.add(page.evaluate("window.PsoasSession.version()"))
        page.wait_for_timeout(50)
    assert seen == {before + 2}, f"the page went back to version {before} for a while"
    expect(page.locator("#session-panel input[name=expected_version]").first).to_have_value(str(before + 2))
