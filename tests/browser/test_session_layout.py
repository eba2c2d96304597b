"""The workout screen read from the floor: at 390x664 (portrait) and 844x390 (landscape) the count
is big, It hurts / Pause / next up / the progress bar are on screen without scrolling, the site
navigation is out of the way, and the count runs on its own. Screenshots go to the test-artifacts
folder ($PSOAS_TEST_ARTIFACTS/session, or test-artifacts/session at the repository root)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_session_flow import settled, start_from_home  # same folder (pytest puts it on sys.path)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("PSOAS_TEST_ARTIFACTS") or ROOT / "test-artifacts") / "session"


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => { const el = document.querySelector(sel); if (!el) return false;
             const r = el.getBoundingClientRect();
             return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0
               && r.bottom <= innerHeight && r.right <= innerWidth; }""",
        selector,
    )


@pytest.mark.parametrize("name, width, height", [("portrait", 390, 664), ("landscape", 844, 390)])
def test_workout_screen_reads_from_the_floor(browser, live_server, name, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
    page = context.new_page()
    try:
        start_from_home(page, live_server)
        settled(page)
        timer = page.get_by_role("timer")
        expect(timer).to_be_visible()
        assert timer.bounding_box()["width"] >= width / 3
        # Focus mode: no site navigation or footer while it runs; the way out stays.
        expect(page.locator(".site-header nav")).to_be_hidden()
        expect(page.locator(".site-footer")).to_be_hidden()
        expect(page.get_by_role("link", name="Exit (the session keeps going)")).to_be_visible()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"session-{name}-first-{width}x{height}.png"))
        for selector in ("#btn-pain", "#btn-pause", ".next-up", ".sp-progress", "[data-field=time-left]"):
            assert in_viewport(page, selector), f"{selector} is not on screen at {width}x{height}"
        expect(page.get_by_role("button", name="It hurts")).to_be_visible()
        # the exercise name is announced politely
        expect(page.locator("[aria-live=polite] #exercise-name")).to_have_count(1)
        # time runs with no tap: the count changes
        before = page.locator("[data-field=big]").inner_text()
        page.wait_for_timeout(1500)
        assert page.locator("[data-field=big]").inner_text() != before
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"session-{name}-{width}x{height}.png"))
        page.get_by_role("button", name="Pause").click()
        expect(page.get_by_role("button", name="Resume")).to_be_visible()
        assert in_viewport(page, "#btn-resume")
        expect(page.locator(".sp[data-paused] [data-field=label]")).to_have_text("Paused")
        page.screenshot(path=str(ARTIFACTS / f"session-{name}-paused-{width}x{height}.png"))
    finally:
        context.close()


def test_keyboard_focus_stays_on_the_main_control(page, live_server):
    start_from_home(page, live_server)
    settled(page)
    page.locator("#btn-pause").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#btn-resume")).to_be_focused()  # Pause became Resume: focus follows it
    settled(page)
    expect(page.locator("#btn-resume")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#btn-pause")).to_be_focused()
