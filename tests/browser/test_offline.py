"""No network mid-session: the page's player applies the buttons and queues them, and the server
catches up exactly once, in step, when the network is back, without the page reloading (real
Chromium, real server). A whole routine offline: tests/browser/test_session_runs_itself.py."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

ROUTINE_ID = "quick-release"


def server_session(page, live_server):
    """The server's view of this phone's session (the browser context's cookie, not its network)."""
    response = page.context.request.get(live_server + "/api/session.json")
    assert response.ok
    return response.json()["session"]


def start_routine_online(page, live_server, wait_until):
    page.goto(live_server + "/")
    wait_until(
        page,
        "async () => { const r = await navigator.serviceWorker.getRegistration();"
        " return !!(r && r.active && r.active.state === 'activated'); }",
        message="the service worker to activate",
    )
    page.goto(live_server + f"/routines/{ROUTINE_ID}")
    page.get_by_role("button", name=re.compile(r"^Start$")).click()
    # First routine: the safety notice comes first.
    page.get_by_role("button", name=re.compile("start", re.I)).click()
    page.wait_for_url(re.compile(r"/session$"))
    assert page.locator("#session-panel [aria-live], #session-panel").first.is_visible()
    name = page.locator("#exercise-name").inner_text()
    assert name
    # The phone has what it needs to carry on alone: the worker controls the page, the
    # session snapshot and the routine's plan are stored.
    wait_until(page, "() => navigator.serviceWorker.controller !== null", message="worker control")
    wait_until(
        page,
        f"""() => {{ const d = window.PsoasOffline && window.PsoasOffline.load();
        return !!(d && d.timeline && d.timeline.routine_id === '{ROUTINE_ID}'); }}""",
        message="the offline snapshot",
    )
    return name


def step_of(timeline: dict) -> int:
    return timeline["segments"][timeline["current"]]["step"]


def test_offline_buttons_are_played_locally_and_synced_once_in_step(page, live_server, wait_until):
    start_routine_online(page, live_server, wait_until)
    before = server_session(page, live_server)
    page.evaluate("window.__marker = 'not reloaded'")
    page.context.set_offline(True)
    page.evaluate("() => window.dispatchEvent(new Event('offline'))")
    page.locator("[data-offline-mode]").wait_for()
    page.get_by_role("button", name="Next", exact=True).click()  # the intro's step: on to the first set
    page.get_by_role("button", name="Next", exact=True).click()  # that set: on to the next step
    page.get_by_role("button", name="Back", exact=True).click()
    local_step = page.evaluate(
        "() => { const s = window.PsoasSession; const at = PsoasPlayer.at(s.player(), s.serverNow());"
        " return at.step; }"
    )
    assert local_step == 1
    # Nothing reached the server while offline.
    assert server_session(page, live_server)["version"] == before["version"]
    assert page.evaluate("window.PsoasOffline.load().queue.length") == 3
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until(page, "() => window.PsoasOffline.load().queue.length === 0", message="the sync")
    after = page.context.request.get(live_server + "/api/session.json").json()
    assert after["session"]["version"] == before["version"] + 3
    assert step_of(after["timeline"]) == 1  # the server is where the phone is
    wait_until(page, f"() => window.PsoasSession.version() === {before['version'] + 3}", message="adopted")
    assert page.evaluate("window.__marker") == "not reloaded"
    assert page.locator("[data-offline-mode]").count() == 0


def test_a_page_opened_offline_plays_from_the_cache(page, live_server, wait_until):
    start_routine_online(page, live_server, wait_until)
    page.context.set_offline(True)
    page.reload()  # the service worker answers from its cache
    page.get_by_role("timer").wait_for()
    first = page.locator("[data-field=big]").inner_text()
    page.wait_for_timeout(1500)
    assert page.locator("[data-field=big]").inner_text() != first  # the count runs with no network
    page.context.set_offline(False)
