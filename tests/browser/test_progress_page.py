"""In real Chromium: finished sessions show on /progress in the chart and in its table, in light and dark mode."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_a11y import check

pytestmark = pytest.mark.browser
ROUTINE_ID = "quick-release"


def run_and_finish(page, live_server) -> None:
    page.goto(live_server + f"/routines/{ROUTINE_ID}")
    page.get_by_role("button", name="Start", exact=True).click()
    safety = page.get_by_role("button", name="I understand, start")
    page.wait_for_url(re.compile(r"/(session|safety)"))
    if "/safety" in page.url:
        safety.click()
    page.wait_for_url(re.compile(r"/session$"))
    page.get_by_role("button", name="Finish", exact=True).click()
    # Finish is held for 5 s with an Undo; only then does the command go and the end screen show.
    expect(page.get_by_role("status").filter(has_text="Finishing in")).to_be_visible()
    expect(page.locator(".done, h2:has-text('Session finished')").first).to_be_attached(timeout=15_000)


CHART_VS_TABLE = """() => {
    const marks = [...document.querySelectorAll('#minutes-chart .chart-bar')]
        .map(b => [b.dataset.label, b.dataset.value]);
    const rows = [...document.querySelectorAll('#minutes-figure table tbody tr')]
        .map(tr => [...tr.children].map(c => c.textContent.trim()));
    const box = document.querySelector('#minutes-chart').getBoundingClientRect();
    return {marks, rows, width: box.width, height: box.height};
}"""

COLOURS = """() => {
    const bar = document.querySelector('#minutes-chart .chart-bar');
    const text = document.querySelector('#minutes-chart text');
    return {bar: getComputedStyle(bar).fill, text: getComputedStyle(text).fill,
            page: getComputedStyle(document.querySelector('main')).color};
}"""


def test_two_sessions_show_in_the_chart_and_the_table(page, live_server) -> None:
    run_and_finish(page, live_server)
    run_and_finish(page, live_server)
    page.goto(live_server + "/progress?tz=Europe/London")
    main = page.locator("main")
    expect(main).to_contain_text("Sessions this week")
    expect(page.locator(".progress-figures dd").nth(1)).to_have_text("2")
    expect(page.get_by_role("img", name="Minutes of exercise per week")).to_be_visible()
    found = page.evaluate(CHART_VS_TABLE)
    assert found["marks"] == found["rows"] and len(found["rows"]) == 8
    assert found["width"] > 200 and found["height"] > 80
    check(page, "/progress")
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors


def test_chart_follows_the_page_colours_in_dark_mode(page, live_server) -> None:
    page.goto(live_server + "/progress")
    light = page.evaluate(COLOURS)
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate(COLOURS)
    assert light["bar"] == light["page"] and dark["bar"] == dark["page"]
    assert dark["page"] != light["page"]  # the colour really changed with the scheme


def rate(page, live_server, when: str, score: int) -> None:
    page.goto(live_server + f"/checkin?when={when}")
    page.get_by_role("button", name=str(score), exact=True).click()
    page.wait_for_load_state()


def test_two_sessions_with_pain_scores_show_in_the_pain_chart_and_table(page, live_server) -> None:
    for before, after in ((6, 4), (5, 2)):
        rate(page, live_server, "before", before)
        run_and_finish(page, live_server)
        rate(page, live_server, "after", after)
    page.goto(live_server + "/progress?tz=Europe/London")
    expect(page.locator("#pain-figure")).to_be_visible()
    rows = page.evaluate(
        "() => [...document.querySelectorAll('#pain-figure table tbody tr')]"
        ".map(tr => [...tr.children].map(c => c.textContent.trim()))"
    )
    marks = page.evaluate(
        "() => [...document.querySelectorAll('#pain-figure svg [data-value]')].map(m => m.dataset.value)"
    )
    assert len(rows) == 2
    cells = [cell for row in rows for cell in row]
    for score in ("6", "4", "5", "2"):
        assert score in cells and score in marks
