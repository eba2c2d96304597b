"""In real Chromium: the report for a physiotherapist prints on one A4 page, without the navigation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_a11y import check
from tests.browser.test_progress_page import rate, run_and_finish

pytestmark = pytest.mark.browser

# A4 at 96 dpi: 210 x 297 mm is 794 x 1123 px.
A4 = {"width": 794, "height": 1123}
SCREENSHOT = "/tmp/report-print.png"

PRINTED = """() => {
    const nav = document.querySelector('.site-header nav');
    const body = getComputedStyle(document.body);
    return {navShown: !!nav && nav.getClientRects().length > 0,
            height: document.documentElement.scrollHeight,
            background: body.backgroundColor, color: body.color,
            cellBorder: getComputedStyle(document.querySelector('.report-table td')).borderTopStyle};
}"""


def test_the_report_prints_on_one_a4_page_without_the_navigation(page, live_server) -> None:
    for before, after in ((6, 4), (5, 2)):
        rate(page, live_server, "before", before)
        run_and_finish(page, live_server)
        rate(page, live_server, "after", after)
    page.goto(live_server + "/progress?tz=Europe/London")
    page.get_by_role("link", name="Printable report for your physiotherapist").click()
    page.wait_for_url("**/progress/report?tz=Europe/London")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Psoas Coach — exercise log for your physiotherapist"
    )
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # print.js ran under the CSP
    expect(page.locator("#pain-table tbody tr")).to_have_count(2)
    check(page, "/progress/report (two sessions)")

    page.set_viewport_size(A4)
    page.emulate_media(media="print", color_scheme="light")
    printed = page.evaluate(PRINTED)
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert not printed["navShown"]
    assert printed["height"] <= A4["height"], f"{printed['height']} px does not fit one A4 page"
    assert (printed["background"], printed["color"]) == ("rgb(255, 255, 255)", "rgb(0, 0, 0)")
    assert printed["cellBorder"] == "solid"
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.locator("#pain-figure svg")).to_be_visible()  # the chart fits, so it is printed
    # And really printed (the @page margins included), on either paper size: one page.
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper)
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1, f"more than one {paper} page"
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors
