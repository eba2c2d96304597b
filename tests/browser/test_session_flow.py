"""A person on a phone: start a routine from `/`, step through it by the buttons' names, pause and
resume, reload mid-session and land on the same step. Real Chromium, real server process."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shared_content.catalogue import load_catalogue

pytestmark = pytest.mark.browser

ROUTINE_NAME = load_catalogue().routine("quick-release").name


def panel_version(page) -> str:
    return page.locator("#session-panel input[name=expected_version]").first.get_attribute("value")


def tap(page, name: str):
    """Tap a control and wait until the panel shows the session's next version."""
    before = panel_version(page)
    page.get_by_role("button", name=name, exact=True).click()
    changed = f'#session-panel input[name=expected_version]:not([value="{before}"]), #session-panel .done'
    expect(page.locator(changed).first).to_be_attached()


def settled(page):
    """Let the panel settle after a tap: its answer swaps the panel."""
    page.wait_for_timeout(600)
    expect(page.locator("#session-panel.htmx-settling, #session-panel.htmx-swapping")).to_have_count(0)


def start_from_home(page, live_server):
    page.goto(live_server + "/")
    page.get_by_role("link", name=ROUTINE_NAME, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ROUTINE_NAME)
    page.get_by_role("button", name="Start", exact=True).click()
    # first session: the safety notice comes first
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you start")
    page.get_by_role("button", name="I understand, start").click()
    expect(page).to_have_url(live_server + "/session")


def test_start_step_through_to_the_end(page, live_server):
    start_from_home(page, live_server)
    # The live region that holds the exercise's name (coach_voice.js adds its own for hold/release).
    live = page.locator("[aria-live=polite]:has(.exercise-name)")
    first_name = page.locator(".exercise-name").inner_text()
    expect(live).to_contain_text(first_name)

    seen = [first_name]
    for _ in range(60):
        if page.locator(".done").count():
            break
        tap(page, "Next")
        if page.locator(".exercise-name").count():
            name = page.locator(".exercise-name").inner_text()
            expect(live).to_contain_text(name)
            if name != seen[-1]:
                seen.append(name)
    expect(page.locator(".done")).to_contain_text("complete")
    assert len(seen) >= 2, seen
    page.get_by_role("link", name="See your history").click()
    expect(page.locator("main")).to_contain_text(ROUTINE_NAME)
    expect(page.locator("main")).to_contain_text("Completed")
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors


def test_pause_resume_and_reload_mid_session(page, live_server):
    start_from_home(page, live_server)
    tap(page, "Next")  # into the first get-ready: the count runs by itself
    timer = page.locator("[role=timer]")
    expect(timer).to_be_visible()
    digits = page.locator("[data-field=big]")
    expect(digits).to_have_text(re.compile(r"^\d+$"))

    tap(page, "Pause")
    expect(page.get_by_role("button", name="Resume", exact=True)).to_be_visible()
    expect(page.locator("[data-field=label]")).to_have_text("Paused")
    frozen = digits.inner_text()
    page.wait_for_timeout(1500)
    assert digits.inner_text() == frozen  # a paused countdown stands still

    tap(page, "Resume")
    expect(page.get_by_role("button", name="Pause", exact=True)).to_be_visible()

    name = page.locator(".exercise-name").inner_text()
    where = page.locator(".sp-detail").inner_text()
    version = panel_version(page)
    page.reload()
    expect(page.locator("[aria-live=polite] .exercise-name")).to_have_text(name)
    expect(page.locator(".sp-detail")).to_have_text(where)
    assert panel_version(page) == version
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors


def test_change_from_elsewhere_arrives_live(page, browser, live_server):
    """Another device of the same person (same cookie) taps Next; this page follows without a reload."""
    start_from_home(page, live_server)
    page.evaluate("window.__marker = 'not reloaded'")
    page.wait_for_timeout(500)  # the event stream is open
    before = panel_version(page)
    other = page.context.new_page()
    other.goto(live_server + "/session")
    other.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator("#session-panel input[name=expected_version]").first).not_to_have_value(
        before, timeout=10_000
    )
    expect(page.locator("[role=timer]")).to_be_visible()
    assert page.evaluate("window.__marker") == "not reloaded"  # the timeline was taken in place
    other.close()


def test_it_hurts_shows_the_safety_advice(page, live_server):
    start_from_home(page, live_server)
    page.get_by_role("button", name="It hurts").click()
    expect(page.locator("#session-panel")).to_contain_text("Stop")
    expect(page.locator("#session-panel")).to_contain_text("sharp pain")
