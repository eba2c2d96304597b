"""Every page passes axe-core with no serious or critical violations (real Chromium, phone viewport).

axe-core is vendored in tests/browser/vendor/axe-core/ (MPL-2.0, version in vendor/README.md), so
this needs no network. It is injected through the DevTools protocol (page.evaluate), which the
app's CSP does not apply to, so the pages are checked exactly as they are served.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
ROUTINE_ID = "quick-release"
EXERCISE_ID = "knee-to-chest"


def audit(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
    }""")
    return [v for v in results if v["impact"] in BLOCKING]


def check(page, what: str) -> None:
    page.wait_for_load_state("load")
    problems = audit(page)
    assert not problems, f"{what}: " + json.dumps(problems, indent=2)


def start_routine(page, live_server) -> None:
    page.goto(live_server + f"/routines/{ROUTINE_ID}")
    page.get_by_role("button", name=re.compile(r"^Start$")).click()
    page.get_by_role("button", name=re.compile("start", re.I)).click()  # the safety notice, first time
    page.wait_for_url(re.compile(r"/session$"))
    page.locator("#exercise-name").wait_for()


def test_the_checker_itself_finds_problems(page, live_server):
    """Guards the guard: a nameless button and an unlabelled field must be reported."""
    page.goto(live_server + "/offline")
    page.evaluate("""() => { const main = document.querySelector('main');
        main.appendChild(document.createElement('button'));
        main.appendChild(document.createElement('input')); }""")
    assert {v["id"] for v in audit(page)} >= {"button-name", "label"}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        f"/routines/{ROUTINE_ID}",
        "/library",
        f"/library/{EXERCISE_ID}",
        "/safety",
        f"/safety?start={ROUTINE_ID}",
        "/privacy",
        "/terms",
        "/pair",
        "/devices",
        "/history",
        "/progress/report",
        "/session",
        "/offline",
    ],
)
def test_page_has_no_serious_violations(page, live_server, path):
    page.goto(live_server + path)
    check(page, path)


def test_running_session_has_no_serious_violations(page, live_server):
    start_routine(page, live_server)
    check(page, "/session (instructions)")
    page.locator("#btn-next").click()  # into a hold: the countdown is showing
    page.locator("#session-panel [role=timer]").wait_for()
    check(page, "/session (holding)")
    page.locator("#btn-pause").click()
    page.locator("#btn-resume").wait_for()
    check(page, "/session (paused)")
    page.locator("#btn-finish").click()
    page.locator("#session-panel .done").wait_for()
    check(page, "/session (finished)")
    page.goto(live_server + "/history")
    check(page, "/history (one entry)")


def test_offline_session_panel_has_no_serious_violations(page, live_server):
    page.goto(live_server + "/")
    start_routine(page, live_server)
    # Poll (page.wait_for_function would eval, which the CSP forbids) until the phone has its copy.
    for _ in range(100):
        if page.evaluate(
            "() => { const d = window.PsoasOffline && window.PsoasOffline.load();"
            f" return !!(d && d.timeline && d.timeline.routine_id === '{ROUTINE_ID}'); }}"
        ):
            break
        page.wait_for_timeout(100)
    page.context.set_offline(True)
    try:
        page.evaluate("() => window.dispatchEvent(new Event('offline'))")
        page.locator("[data-offline-mode]").wait_for()
        check(page, "/session offline (instructions)")
        page.locator("#btn-next").click()
        page.locator("#session-panel .sp:not([data-kind=intro]) [role=timer]").wait_for()
        check(page, "/session offline (get ready)")
    finally:
        page.context.set_offline(False)
