"""What a person on the floor sees after tapping: the countdown and every control on one phone
screen, the page brought back to the timer, and keyboard focus kept in the panel."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_session_flow import start_from_home, tap  # same folder (pytest puts it on sys.path)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width, height", [(390, 740), (320, 720)])
def test_countdown_and_controls_share_one_phone_screen(browser, live_server, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
    page = context.new_page()
    try:
        start_from_home(page, live_server)
        tap(page, "Next")  # into the first hold
        timer = page.locator("[data-countdown]")
        expect(timer).to_be_visible()
        settled(page)  # the tap's answer and its echo over the live stream both swap the panel
        # the page came back up to the panel: name, ring and all the controls are on screen
        for locator in (
            page.locator("#exercise-name"),
            timer,
            page.locator("#btn-next"),
            page.locator("#btn-pain"),
        ):
            expect(locator).to_be_in_viewport(ratio=1)
        for button in page.locator("#session-panel .controls button").all():
            box = button.bounding_box()
            assert box["height"] >= 48 and box["width"] >= 48
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    finally:
        context.close()


def settled(page):
    """Let the panel settle: the command's answer and then its echo over the live stream both swap it."""
    page.wait_for_timeout(600)
    expect(page.locator("#session-panel.htmx-settling, #session-panel.htmx-swapping")).to_have_count(0)


def test_keyboard_focus_stays_in_the_panel(page, live_server):
    start_from_home(page, live_server)
    settled(page)
    page.locator("#btn-pause").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#btn-resume")).to_be_focused()  # Pause became Resume: focus follows it
    settled(page)
    expect(page.locator("#btn-resume")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#btn-pause")).to_be_focused()
    settled(page)
    page.locator("#btn-finish").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#session-panel h2")).to_be_focused()  # the result's heading, not the page body
