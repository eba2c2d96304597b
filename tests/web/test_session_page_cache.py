"""The session page and its partials come from a per-process cache of pages with holes: a phone
must get exactly the page a fresh render gives, at every moment of a routine, with its own token."""

from __future__ import annotations

import html as html_lib
import json
import re

import pytest

from webapp import page_cache

TARGETS = {"page": {}, "session-panel": {"HX-Target": "session-panel"}, "main": {"HX-Target": "main"}}


def _get(phone, target: str):
    headers = TARGETS[target]
    if headers:
        headers = {"HX-Request": "true", **headers}
    r = phone.get("/session", headers=headers)
    assert r.status_code == 200
    return r


def _fresh(phone, target: str, monkeypatch) -> str:
    """The same request rendered without the cache (as when a page can't be split at its holes)."""
    with monkeypatch.context() as m:
        m.setattr(page_cache.HoledPage, "split", classmethod(lambda cls, rendered, names: None))
        return _get(phone, target).get_data(as_text=True)


def _island(html: str) -> dict:
    found = re.search(r'<div id="session-data" hidden>(.*?)</div>', html, re.S)
    assert found, "the page embeds the player's data"
    return json.loads(html_lib.unescape(found.group(1)))


@pytest.mark.parametrize("target", list(TARGETS))
def test_cached_page_is_the_fresh_page_through_a_whole_routine(phone, coach, clock, monkeypatch, target):
    phone.start("quick-release")
    steps = [("wait", 0.7), ("wait", 1.1), ("next", 0), ("wait", 2.3), ("wait", 0.4), ("pause", 0)]
    steps += [("wait", 5), ("resume", 0), ("slower", 0), ("wait", 3.6), ("wait", 30), ("wait", 61)]
    for action, seconds in steps:
        if action == "wait":
            clock.advance(seconds)
        else:
            assert phone.post(f"/session/{action}", {"expected_version": phone.version()}).status_code == 303
        first = _get(phone, target).get_data(as_text=True)
        again = _get(phone, target).get_data(as_text=True)  # from the cache
        assert again == first == _fresh(phone, target, monkeypatch), (action, seconds)
        view = coach.current(phone.person.id)
        if view is not None and not view.state.done:
            timeline = _island(again)["timeline"]
            assert timeline == coach.timeline_of(view), "the player gets the Coach's timeline as of now"


def test_the_count_moves_on_between_two_requests_in_the_same_hold(phone, coach, clock):
    phone.start("quick-release")
    phone.post("/session/next", {"expected_version": phone.version()})
    shown = []
    for _ in range(3):
        html = _get(phone, "session-panel").get_data(as_text=True)
        pos = coach.current(phone.person.id).position
        big = re.search(r'data-field="big">([^<]*)<', html).group(1)
        left = re.search(r'data-field="time-left">([^<]*)<', html).group(1)
        assert left == f"{pos.seconds_left_total // 60}:{pos.seconds_left_total % 60:02d}"
        assert _island(html)["timeline"]["server_now"] == pytest.approx(clock.now)
        shown.append(big)
        clock.advance(1.0)
    assert len(set(shown)) == 3, f"the count must change each second: {shown}"


def test_two_phones_with_the_same_page_each_get_their_own_csrf_token(app, coach, clock):
    from tests.web.conftest import Phone

    one, two = Phone(app, coach), Phone(app, coach)  # no session: one cached page for both
    tokens = []
    for phone in (one, two):
        html = _get(phone, "page").get_data(as_text=True)
        tokens.append(re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1))
        assert html.count(tokens[-1]) == 2, "the meta tag and htmx's header"
    assert tokens[0] != tokens[1]
    assert tokens[1] not in _get(one, "page").get_data(as_text=True)


def test_a_flashed_message_is_shown_once_and_not_cached(phone, coach, clock):
    phone.start("quick-release")
    stale = phone.version() - 1  # a button from before the start: "already done"
    phone.post("/session/next", {"expected_version": stale})
    first = _get(phone, "page").get_data(as_text=True)
    assert 'class="flash"' in first
    assert 'class="flash"' not in _get(phone, "page").get_data(as_text=True)


def test_two_apps_in_one_process_never_share_a_cached_page(app, coach, clock, tmp_path):
    """Each app's pages come from its own catalogue: the same routine, started at the same moment
    (so the same stored state), has shorter holds in the second app's catalogue."""
    from shared_content.catalogue import load_catalogue
    from shared_content.service import Coach
    from tests.browser.tiny_catalogue import write_tiny_catalogue
    from tests.web.conftest import Phone
    from webapp import create_app

    tiny = load_catalogue(write_tiny_catalogue(tmp_path / "catalogue"))
    other_coach = Coach.from_url(f"sqlite:///{tmp_path / 'other.db'}", clock=clock, catalogue=tiny)
    try:
        other_app = create_app(coach=other_coach, secret_key="other-secret-" + "k" * 40, testing=True)
        islands = []
        for a, c in ((app, coach), (other_app, other_coach)):
            phone = Phone(a, c)
            phone.start("morning-stretch")  # pelvic tilt's holds are shorter in the tiny one
            html = _get(phone, "page").get_data(as_text=True)
            view = c.current(phone.person.id)
            assert _island(html)["timeline"] == c.timeline_of(view)
            islands.append(_island(html)["timeline"]["total_seconds"])
        assert islands[0] != islands[1]
    finally:
        other_coach.close()
