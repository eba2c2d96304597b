"""The pages look and behave like a phone workout app (real Chromium, 390x844, light and dark).

Every page is screenshotted into the artifacts folder ($PSOAS_TEST_ARTIFACTS/design, or
test-artifacts/design at the repository root, git-ignored) for people to look at. Measured on each:
every link, button and form field is a tap target of at least 24x24 px; routine and library pages
show their figures; nothing shifts while the page loads and lazy figures arrive (CLS < 0.05).
Installed (display-mode: standalone) the same nav list becomes a bottom tab bar of 48px+ tabs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from shared_content.catalogue import load_catalogue

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("PSOAS_TEST_ARTIFACTS") or ROOT / "test-artifacts") / "design"
CATALOGUE = load_catalogue()
SCHEMES = ["light", "dark"]
MIN_TARGET = 24
MIN_TAB = 48
MAX_CLS = 0.05

PAGES = (
    [("routines", "/")]
    + [(f"routine-{r}", f"/routines/{r}") for r in CATALOGUE.routines]
    + [("library", "/library")]
    + [(f"library-{e}", f"/library/{e}") for e in CATALOGUE.exercises]
    + [
        (name, f"/{name}")
        for name in ("pair", "devices", "history", "progress", "safety", "privacy", "terms")
    ]
    + [("safety-before-start", "/safety?start=single-plank")]
    + [("progress-report", "/progress/report")]
)

# Each visible link, button and field, with its rendered box (hidden inputs have none).
TARGETS_JS = """() => [...document.querySelectorAll('a, button, input, select, summary')]
    .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden'
                  && !el.classList.contains('skip-link'))
    .map(el => { const r = el.getBoundingClientRect();
        return {what: el.tagName.toLowerCase() + ' ' + (el.textContent.trim() || el.name || el.type).slice(0, 40),
                width: r.width, height: r.height}; })"""

# Scroll through the page so lazy figures load, wait for them, then come back to the top.
LOAD_FIGURES_JS = """async () => {
    const imgs = [...document.querySelectorAll('img[src^="/figures/"]')];
    for (const img of imgs) {
        img.scrollIntoView({block: 'center'});
        if (!img.complete) await new Promise(done => { img.onload = img.onerror = done; });
    }
    window.scrollTo(0, document.body.scrollHeight);
    await new Promise(done => setTimeout(done, 150));
    window.scrollTo(0, 0);
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    return imgs.map(img => ({src: img.getAttribute('src'), alt: img.alt,
        loaded: img.complete && img.naturalWidth > 0,
        width: img.getBoundingClientRect().width, height: img.getBoundingClientRect().height}));
}"""

# Layout shifts since navigation (buffered), the way Chromium's CLS counts them.
CLS_JS = """() => new Promise(done => {
    let total = 0;
    new PerformanceObserver(list => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
    }).observe({type: 'layout-shift', buffered: true});
    setTimeout(() => done(total), 300);
})"""

# What installing the app changes: the standalone media rules apply (Chromium cannot emulate
# display-mode, so the test turns those rules on through the CSSOM).
AS_INSTALLED_JS = """() => {
    let found = 0;
    for (const sheet of document.styleSheets) for (const rule of sheet.cssRules)
        if (rule.media && rule.media.mediaText.includes('display-mode: standalone')) {
            rule.media.mediaText = 'all'; found++; }
    return found;
}"""


@pytest.fixture(params=SCHEMES)
def phone(request, browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        has_touch=True,
        device_scale_factor=2,
        color_scheme=request.param,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.scheme = request.param
    yield page
    context.close()


def small_targets(page) -> list[dict]:
    return [
        t
        for t in page.evaluate(TARGETS_JS)
        if t["width"] < MIN_TARGET - 0.5 or t["height"] < MIN_TARGET - 0.5
    ]


def test_every_page_is_screenshotted_with_big_enough_targets_and_its_figures(phone, live_server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for name, path in PAGES:
        phone.goto(live_server + path)
        phone.wait_for_load_state("load")
        images = phone.evaluate(LOAD_FIGURES_JS)
        phone.screenshot(path=str(ARTIFACTS / f"{name}-{phone.scheme}.png"), full_page=True)
        problems += [
            f"{path}: {t['what']!r} is {t['width']:.0f}x{t['height']:.0f} px" for t in small_targets(phone)
        ]
        if name.startswith("routine-"):
            wanted = CATALOGUE.routines[path.rsplit("/", 1)[1]].exercise_ids
        elif name.startswith("library-"):
            wanted = [path.rsplit("/", 1)[1]]
        else:
            continue
        shown = {
            re.sub(r"^/figures/([^./]+)\.svg.*$", r"\1", i["src"]) for i in images if i["loaded"] and i["alt"]
        }
        shown_big = {
            re.sub(r"^/figures/([^./]+)\.svg.*$", r"\1", i["src"])
            for i in images
            if i["width"] >= 64 and i["height"] >= 24
        }
        missing = [e for e in wanted if e not in shown or e not in shown_big]
        if missing:
            problems.append(f"{path}: no visible figure for {missing}: {images}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "path", ["/", "/routines/morning-stretch", "/library/bolster-psoas-stretch", "/library"]
)
def test_nothing_shifts_while_the_page_and_its_figures_load(phone, live_server, path):
    phone.goto(live_server + path)
    phone.wait_for_load_state("load")
    phone.evaluate(LOAD_FIGURES_JS)
    cls = phone.evaluate(CLS_JS)
    assert cls < MAX_CLS, f"{path}: cumulative layout shift {cls:.3f}"


def test_installed_the_nav_is_a_bottom_tab_bar_of_big_tabs(phone, live_server):
    phone.goto(live_server + "/library/plank")
    phone.wait_for_load_state("load")
    assert phone.evaluate(AS_INSTALLED_JS) >= 1, "app.css has no display-mode: standalone rules"
    tabs = phone.evaluate("""() => [...document.querySelectorAll('nav[aria-label="Main"] a')].map(a => {
        const r = a.getBoundingClientRect();
        return {label: a.textContent.trim(), top: r.top, bottom: r.bottom, width: r.width, height: r.height,
                current: a.getAttribute('aria-current')}; })""")
    phone.screenshot(path=str(ARTIFACTS / f"installed-library-plank-{phone.scheme}.png"))
    assert [t["label"] for t in tabs][:3] == ["Routines", "Session", "Library"]
    for tab in tabs:
        assert tab["bottom"] == pytest.approx(844, abs=1), f"{tab['label']} is not at the bottom: {tab}"
        assert tab["height"] >= MIN_TAB and tab["width"] >= MIN_TAB, tab
    assert [t["label"] for t in tabs if t["current"] == "page"] == ["Library"]
    # The last thing on the page can still be scrolled clear of the bar.
    phone.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    footer_bottom = phone.evaluate(
        "() => document.querySelector('.footer-links').getBoundingClientRect().bottom"
    )
    assert footer_bottom <= min(t["top"] for t in tabs) + 1


def test_in_the_browser_the_nav_is_a_compact_top_bar(phone, live_server):
    phone.goto(live_server + "/")
    nav = phone.locator('nav[aria-label="Main"]').bounding_box()
    assert nav["y"] < 120 and nav["height"] <= 64, nav


def test_footer_links_stay_together_and_terms_is_never_alone(phone, live_server):
    phone.goto(live_server + "/terms")
    rows = phone.evaluate("""() => [...document.querySelectorAll('.site-footer li a')]
        .map(a => Math.round(a.getBoundingClientRect().top))""")
    assert len(rows) == 4
    tops = sorted(set(rows))
    per_row = [rows.count(t) for t in tops]
    assert min(per_row) >= 2, f"a footer link sits alone on a row: {per_row}"


def test_doses_never_break_inside_a_number_and_its_unit(phone, live_server):
    phone.set_viewport_size({"width": 320, "height": 700})
    for path in ("/routines/full-relief", "/library"):
        phone.goto(live_server + path)
        broken = phone.evaluate("""() => [...document.querySelectorAll('.dose .nw')].filter(s => s.getClientRects().length > 1)
            .map(s => s.textContent)""")
        assert not broken, f"{path}: {broken}"
        text = phone.locator(".dose").first.inner_text()
        assert re.search(r"hold \d+\u00a0s|no timer", text), text


def test_the_safety_notice_box_has_no_one_sided_border(phone, live_server):
    phone.goto(live_server + "/safety")
    sides = phone.evaluate("""() => { const s = getComputedStyle(document.querySelector('.safety-notice'));
        return [s.borderLeftWidth, s.borderRightWidth, s.borderTopWidth, s.borderBottomWidth]; }""")
    assert len(set(sides)) == 1, f"uneven borders on a rounded box: {sides}"
