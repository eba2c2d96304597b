"""The phone app is installable and its service worker takes over the pages (real Chromium)."""

from __future__ import annotations

import pytest

from tests.chromium import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser


def wait_for_worker(page, wait_until) -> None:
    """Until a service worker is active for the page, then reload so it controls the page."""
    wait_until(
        page,
        "async () => { const r = await navigator.serviceWorker.getRegistration();"
        " return !!(r && r.active && r.active.state === 'activated'); }",
        message="the service worker to activate",
    )
    page.reload()
    wait_until(
        page, "() => navigator.serviceWorker.controller !== null", message="the worker to control the page"
    )


@pytest.fixture
def profile_page(browser, live_server, tmp_path):
    """A page in a real (on-disk) profile: Chromium never offers to install from an incognito
    context, which is what ordinary Playwright contexts are."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    try:
        yield context.pages[0] if context.pages else context.new_page()
    finally:
        context.close()


def test_chromium_reports_the_app_installable(profile_page, live_server, wait_until):
    page = profile_page
    page.goto(live_server + "/")
    wait_for_worker(page, wait_until)
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == live_server + "/manifest.webmanifest"
    assert not manifest.get("errors")


def test_service_worker_controls_the_page_after_a_reload(page, live_server, wait_until):
    page.goto(live_server + "/")
    wait_for_worker(page, wait_until)
    scope = page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.scope)")
    assert scope == live_server + "/"
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == live_server + "/sw.js"
    # The app shell is in the cache: pages, styles, scripts and every routine's plan.
    cached = page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const req of await cache.keys()) urls.push(new URL(req.url).pathname);
        }
        return urls;
    }""")
    for path in (
        "/",
        "/session",
        "/library",
        "/safety",
        "/offline",
        "/static/app.css",
        "/static/offline.js",
        "/static/vendor/htmx.min.js",
        "/api/catalogue.json",
        "/api/routines/quick-release/plan.json",
    ):
        assert path in cached
    # Registering and running the worker breaks no rule of the page's CSP (no inline script, no eval).
    csp = [e for e in getattr(page, "console_errors", []) if "Content Security Policy" in e]
    assert csp == []


def test_pages_open_offline_once_visited(page, live_server, wait_until):
    page.goto(live_server + "/")
    wait_for_worker(page, wait_until)
    page.context.set_offline(True)
    try:
        page.goto(live_server + "/library")
        assert page.locator("h1").first.is_visible()
        assert "Library" in page.title() or page.locator("main").inner_text()
        # A page that was never saved: the offline page, not the browser's error.
        page.goto(live_server + "/routines/assemble?minutes=10")
        assert "offline" in page.locator("main").inner_text().lower()
    finally:
        page.context.set_offline(False)
