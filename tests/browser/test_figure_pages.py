"""Every exercise's library page shows its figure (real Chromium, 390x844, light and dark), and
the routines list and every routine page show figures too. Screenshots of each page go to the
artifacts folder: $PSOAS_TEST_ARTIFACTS/figures, or test-artifacts/figures at the repository root
(git-ignored)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shared_content.catalogue import load_catalogue

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("PSOAS_TEST_ARTIFACTS") or ROOT / "test-artifacts") / "figures"
CATALOGUE = load_catalogue()
SCHEMES = ["light", "dark"]

# Each figure <img> on the page, scrolled into view first (they load lazily).
FIGURES_JS = """async () => {
    const imgs = [...document.querySelectorAll('img[src^="/figures/"]')];
    for (const img of imgs) {
        img.scrollIntoView({block: 'center'});
        if (!img.complete) await new Promise(done => { img.onload = img.onerror = done; });
        if (img.complete && img.naturalWidth === 0 && img.decode) { try { await img.decode(); } catch (e) {} }
    }
    window.scrollTo(0, 0);
    return imgs.map(img => ({src: img.getAttribute('src'), alt: img.alt, complete: img.complete,
        naturalWidth: img.naturalWidth, shown: img.getBoundingClientRect().width}));
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


def figures_on(page, url: str, name: str) -> list[dict]:
    page.goto(url)
    page.wait_for_load_state("load")
    images = page.evaluate(FIGURES_JS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.scheme}.png"), full_page=True)
    return images


def assert_loaded(images: list[dict], where: str) -> None:
    assert images, f"{where}: no figure"
    for image in images:
        assert image["complete"] and image["naturalWidth"] > 0, f"{where}: {image['src']} did not load"
        assert image["alt"].strip(), f"{where}: {image['src']} has no text alternative"
        assert 0 < image["shown"] <= 390, f"{where}: {image['src']} is {image['shown']} px wide"


def test_every_library_page_shows_its_figure(phone, live_server):
    for exercise in CATALOGUE.exercises.values():
        images = figures_on(phone, f"{live_server}/library/{exercise.id}", f"library-{exercise.id}")
        mine = [i for i in images if i["src"].startswith(f"/figures/{exercise.id}.svg")]
        assert len(mine) == 1, f"{exercise.id}: {images}"
        assert_loaded(mine, f"/library/{exercise.id}")
        assert exercise.name in mine[0]["alt"]


def test_the_routines_list_and_every_routine_page_show_figures(phone, live_server):
    assert_loaded(figures_on(phone, f"{live_server}/", "routines"), "/")
    assert_loaded(figures_on(phone, f"{live_server}/library", "library"), "/library")
    for routine in CATALOGUE.routines.values():
        images = figures_on(phone, f"{live_server}/routines/{routine.id}", f"routine-{routine.id}")
        assert len(images) == len(routine.exercise_ids)
        assert_loaded(images, f"/routines/{routine.id}")


def test_figures_are_there_offline_once_the_worker_is_installed(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/")
        ready = (
            "async () => { const r = await navigator.serviceWorker.getRegistration();"
            " return !!(r && r.active && r.active.state === 'activated'); }"
        )
        for _ in range(200):
            if page.evaluate(ready):
                break
            page.wait_for_timeout(100)
        page.reload()  # now the worker controls the page
        context.set_offline(True)
        exercise = next(e for e in CATALOGUE.exercises.values() if e.equipment)
        page.goto(f"{live_server}/library/{exercise.id}")
        page.scheme = "offline"
        assert_loaded(
            figures_on(page, f"{live_server}/library/{exercise.id}", f"offline-{exercise.id}"), "offline"
        )
    finally:
        context.close()
