"""A whole routine with no network: the phone keeps the session, queues the buttons, and the
server catches up exactly once when the network is back (real Chromium, real server)."""

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
        return !!(d && d.snapshot && d.snapshot.session && d.plans['{ROUTINE_ID}']); }}""",
        message="the offline snapshot",
    )
    return name


def test_whole_routine_offline_then_sync_records_history_once(page, live_server, wait_until):
    first_exercise = start_routine_online(page, live_server, wait_until)
    version_before = server_session(page, live_server)["version"]

    page.context.set_offline(True)
    page.reload()
    panel = page.locator("#session-panel")
    assert page.locator("[data-offline-mode]").is_visible()
    assert page.locator("#exercise-name").inner_text() == first_exercise

    # Walk every block with the buttons: instructions -> hold -> (rest) -> ... -> done.
    seen = [first_exercise]
    presses = 0
    while not panel.get_by_text(re.compile("complete", re.I)).is_visible():
        page.locator("#btn-next").click()
        presses += 1
        assert presses < 60, "the routine never finished"
        if page.locator("#exercise-name").count():
            name = page.locator("#exercise-name").inner_text()
            if name != seen[-1]:
                seen.append(name)
        if presses == 2:
            # A countdown runs while holding, all on the phone.
            assert page.locator("#session-panel [role=timer]").count() == 1
    assert len(seen) == 3, seen
    # Nothing reached the server while offline.
    assert server_session(page, live_server)["version"] == version_before
    queued = page.evaluate("() => window.PsoasOffline.load().queue.length")
    assert queued == presses

    page.context.set_offline(False)
    wait_until(
        page,
        "() => { const d = window.PsoasOffline && window.PsoasOffline.load();"
        " return !!d && d.queue.length === 0 && !d.run; }",
        message="the queue to flush",
    )
    after = server_session(page, live_server)
    assert after["version"] == version_before + presses
    assert after["state"]["phase"] == "done" and after["state"]["outcome"] == "completed"
    page.wait_for_load_state()
    assert page.locator("#session-panel").get_by_text(re.compile("complete", re.I)).first.is_visible()

    page.goto(live_server + "/history")
    entries = page.locator("ul.history > li")
    assert entries.count() == 1
    assert "Completed" in entries.first.inner_text()

    # Coming back online again (or reloading) sends nothing twice.
    page.goto(live_server + "/session")
    page.wait_for_timeout(500)
    assert server_session(page, live_server)["version"] == version_before + presses
    page.goto(live_server + "/history")
    assert page.locator("ul.history > li").count() == 1


def test_offline_hold_runs_out_and_the_server_agrees(page, live_server, wait_until):
    """Holds that run out on the phone become rests there, and the server's timeline matches
    after the sync (Next then moves to the next set, as it did on the phone)."""
    start_routine_online(page, live_server, wait_until)
    page.context.set_offline(True)
    page.reload()
    page.locator("#btn-next").click()  # into the first hold (3 x 5 s + gaps)
    expect_rest = page.locator("#session-panel").get_by_text("Rest", exact=True)
    expect_rest.wait_for(timeout=30_000)  # the hold ran out by itself: a rest
    page.locator("#btn-next").click()  # the other side's hold
    assert page.locator("#session-panel").get_by_text(re.compile("Right side")).is_visible()
    local = page.evaluate("() => window.PsoasOffline.load().run.state")

    page.context.set_offline(False)
    wait_until(
        page,
        "() => { const d = window.PsoasOffline && window.PsoasOffline.load(); return !!d && d.queue.length === 0 && !d.run; }",
        message="the queue to flush",
    )
    state = server_session(page, live_server)["state"]
    assert (state["block_index"], state["phase"], state["version"]) == (
        local["block_index"],
        "holding",
        local["version"],
    )


def test_start_a_routine_offline(page, live_server, wait_until):
    """A routine the phone never ran can be started with no network (its plan was precached);
    the start and the buttons reach the server, in order, when the network is back."""
    start_routine_online(page, live_server, wait_until)  # the safety notice is seen once, online
    before = server_session(page, live_server)
    page.context.set_offline(True)
    page.goto(live_server + "/routines/morning-stretch")
    page.get_by_role("button", name=re.compile(r"^Start$")).click()
    page.wait_for_url(re.compile(r"/session$"))
    page.locator("[data-offline-mode]").wait_for()
    assert "Morning" in page.locator("#session-panel .progress-text").inner_text()
    page.locator("#btn-next").click()
    page.locator("#btn-finish").click()
    page.locator("#session-panel .done").wait_for()
    assert server_session(page, live_server)["routine"]["id"] == ROUTINE_ID  # nothing sent yet

    page.context.set_offline(False)
    wait_until(
        page,
        "() => { const d = window.PsoasOffline && window.PsoasOffline.load(); return !!d && d.queue.length === 0 && !d.run; }",
        message="the queue to flush",
    )
    after = server_session(page, live_server)
    assert after["routine"]["id"] == "morning-stretch"
    assert after["version"] == before["version"] + 3  # start, next, finish
    assert after["state"]["outcome"] == "stopped"
    page.goto(live_server + "/history")
    entries = page.locator("ul.history > li")
    assert entries.count() == 1 and "Finished early" in entries.first.inner_text()
