"""In real Chromium at 390x844: "Your data" deletes everything only after the box is ticked, then
says what went, and the phone is a new, empty person afterwards."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_a11y import check
from tests.browser.test_progress_page import run_and_finish

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("PSOAS_TEST_ARTIFACTS") or ROOT / "test-artifacts") / "privacy"


def test_delete_everything_with_a_confirmation(page, live_server):
    run_and_finish(page, live_server)
    page.goto(live_server + "/privacy/data")
    expect(page.get_by_text("finished routines: 1")).to_be_visible()
    check(page, "your data page")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "your-data-390x844.png"), full_page=True)

    delete = page.get_by_role("button", name="Delete everything")
    delete.click()  # not ticked: the browser's own check holds the form back
    expect(page).to_have_url(live_server + "/privacy/data")
    page.get_by_label("Yes, delete all my data for good").check()
    delete.click()
    page.wait_for_url(live_server + "/privacy/data/deleted")
    expect(page.get_by_role("heading", name="Your data was deleted")).to_be_visible()
    expect(page.get_by_text("finished routines: 1")).to_be_visible()
    check(page, "deleted page")
    page.screenshot(path=str(ARTIFACTS / "deleted-390x844.png"), full_page=True)

    page.goto(live_server + "/privacy/data")
    expect(page.get_by_text("finished routines: 0")).to_be_visible()  # a new, empty person
