"""Browser fixtures: a real server process and Debian's Chromium driven by Playwright.

    live_server  base URL ("http://127.0.0.1:<port>") of `psoas-coach serve --dev` in its own process,
                 with its own SQLite file (real Coach, real clock); one per test session
    browser      Chromium at /usr/bin/chromium (never `playwright install`); one per test session
    page         a fresh incognito context per test (a new phone: its own cookie, so its own person),
                 phone viewport 390x844 with touch; `page.console_errors` collects console errors
                 (CSP violations show up there)
    wait_until   the poller `wait_until(page, script, timeout=20.0, message="")`: polls a JS function
                 until it returns something truthy (page.wait_for_function needs eval, which the CSP forbids)

Under CI=true a server or browser that cannot start FAILS the tests; elsewhere they are skipped
with the reason.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from dev_server import serve_dev  # same folder

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "device_scale_factor": 2}


def pytest_collection_modifyitems(items):
    for item in items:
        if str(Path(item.fspath)).startswith(str(Path(__file__).parent)):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """A real `psoas-coach serve --dev` process on a free port, with its own database."""
    yield from serve_dev(
        tmp_path_factory.mktemp("live-server"),
        PSOAS_SECRET_KEY="browser-tests-" + "s" * 40,
        # One server, every test's browsers from 127.0.0.1, closed streams freed only at their next
        # heartbeat: lift the per-network limits (webapp.limits) for the whole run.
        PSOAS_STREAMS_PER_NETWORK="1000",
        PSOAS_NEW_BROWSERS_PER_MINUTE="100000",
    )


@pytest.fixture(scope="session")
def browser(chromium):
    return chromium


def _wait_until(page, script: str, timeout: float = 20.0, message: str = ""):
    """Poll a JS function until it returns something truthy.

    page.wait_for_function evaluates strings with eval, which the app's CSP forbids. A page that
    reloads itself meanwhile (the offline queue does, once synced) is simply polled again."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout
    while True:
        try:
            value = page.evaluate(script)
        except PlaywrightError as exc:
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message or script}")
        page.wait_for_timeout(100)


@pytest.fixture
def wait_until():
    """`wait_until(page, script, timeout=20.0, message="")`: poll a JS function until it returns
    something truthy (see _wait_until)."""
    return _wait_until


@pytest.fixture
def page(browser):
    yield from _phone_page(browser)


@pytest.fixture
def second_page(browser):
    """Another phone (its own cookies: another person), for tests that run two at once."""
    yield from _phone_page(browser)


def _phone_page(browser):
    context = browser.new_context(**PHONE)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda msg: pg.console_errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: pg.console_errors.append(str(exc)))
    yield pg
    context.close()
