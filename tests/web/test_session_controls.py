"""Starting, every control, stale double taps, CSRF, pain, finishing and history, all through the Coach."""

from __future__ import annotations

import html as html_lib
import json
import math
import re

import pytest
from flask import Blueprint

from tests.web.conftest import text_of


def test_first_start_shows_the_safety_notice_then_starts(phone, coach):
    r = phone.post("/session/start", {"routine_id": "morning-stretch"})
    assert r.status_code == 303 and r.headers["Location"].startswith("/safety?start=morning-stretch")
    assert coach.current(phone.person.id) is None  # not started yet
    page = phone.get(r.headers["Location"]).get_data(as_text=True)
    assert coach.catalogue.safety.full.replace("'", "&#39;") in page or coach.catalogue.safety.full in page
    assert "I understand, start" in page
    r = phone.post("/session/start", {"routine_id": "morning-stretch", "safety_ack": "yes"})
    assert r.status_code == 303 and r.headers["Location"] == "/session"
    assert coach.person(phone.person.id).safety_heard
    view = coach.current(phone.person.id)
    assert view.routine.id == "morning-stretch" and view.state.phase == "instructions"
    # the second time, no detour
    r = phone.post("/session/start", {"routine_id": "desk-break"})
    assert r.headers["Location"] == "/session"
    assert coach.current(phone.person.id).routine.id == "desk-break"


def test_start_unknown_routine_is_404_and_starts_nothing(phone, coach):
    phone.get("/session")
    r = phone.post("/session/start", {"routine_id": "no-such", "safety_ack": "yes"})
    assert r.status_code == 404
    assert coach.current(phone.person.id) is None


def test_no_session_page_is_friendly(phone):
    html = phone.get("/session").get_data(as_text=True)
    assert "No session running" in html and 'href="/"' in html


def island(html: str) -> dict:
    found = re.search(r'<div id="session-data" hidden>(.*?)</div>', html, re.S)
    assert found, "the page embeds the timeline"
    return json.loads(html_lib.unescape(found.group(1)))


def test_session_page_shows_exercise_in_aria_live_region_with_controls(phone):
    view = phone.start()
    html = phone.get("/session").get_data(as_text=True)
    live = re.search(r'<div class="sp-name" aria-live="polite"[^>]*>(.*?)</div>', html, re.S)
    assert live and view.position.exercise.name in live.group(1)
    assert re.search(r'role="timer"', html)
    for label in ["Next", "Back", "Pause", "Repeat", "Slower", "Faster", "Finish", "It hurts"]:
        assert re.search(rf"<button[^>]*>{label}</button>", html), label
    assert f'name="expected_version" value="{view.state.version}"' in html
    assert "Next up:" in html


def test_page_embeds_the_timeline_the_player_plays(phone, coach, clock):
    phone.start()
    phone.post("/session/next", {"expected_version": phone.version()})
    view = coach.current(phone.person.id)
    clock.advance(2.5)
    html = phone.get("/session").get_data(as_text=True)
    data = island(html)
    t = data["timeline"]
    assert t["server_now"] == pytest.approx(clock.now, abs=0.01)
    assert t["version"] == view.state.version and t["segments"] and t["cues"]
    assert set(data["exercises"]) == set(view.routine.exercise_ids)
    pos = coach.current(phone.person.id).position
    # the count shown is the engine's: seconds left (or, in a hold, the count heard)
    shown = re.search(r'data-field="big">([^<]*)<', html).group(1)
    expected = pos.count if pos.kind == "hold" else math.ceil(pos.seconds_left_in_phase - 1e-9)
    assert shown == str(expected)
    assert f'data-kind="{pos.kind}"' in html


COMMAND_CHECKS = {
    "next": lambda before, after: after.state.phase == "holding",
    "pause": lambda before, after: after.state.paused_at is not None,
    "repeat": lambda before, after: after.state.version == before.state.version + 1,
    "slower": lambda before, after: after.state.pace > before.state.pace,
    "faster": lambda before, after: after.state.pace < before.state.pace,
    "finish": lambda before, after: (
        after.state.phase == "done" and after.state.outcome in ("stopped", "completed")
    ),
    "pain": lambda before, after: after.state.phase == "done" and after.state.outcome == "pain",
}


@pytest.mark.parametrize("name", sorted(COMMAND_CHECKS))
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_each_control_changes_the_session_through_the_coach(phone, coach, name, htmx):
    before = phone.start()
    data = {"expected_version": before.state.version, "csrf_token": phone.csrf()}
    if htmx:
        r = phone.htmx("POST", f"/session/{name}", target="session-panel", data=data)
        assert r.status_code == 200 and "<html" not in r.get_data(as_text=True)
        assert "HX-Request" in r.headers["Vary"]
    else:
        r = phone.post(f"/session/{name}", data)
        assert r.status_code == 303 and r.headers["Location"] == "/session"
    after = coach.current(phone.person.id)
    assert after.state.version == before.state.version + 1
    assert COMMAND_CHECKS[name](before, after)


def test_back_and_resume(phone, coach):
    phone.start()
    phone.post("/session/next", {"expected_version": phone.version()})
    phone.post("/session/next", {"expected_version": phone.version()})
    moved = coach.current(phone.person.id)
    phone.post("/session/back", {"expected_version": phone.version()})
    assert coach.current(phone.person.id).state.version == moved.state.version + 1
    phone.post("/session/pause", {"expected_version": phone.version()})
    html = phone.get("/session").get_data(as_text=True)
    assert re.search(r"<form[^>]*control-resume[^>]*>", html).group(0).count("hidden") == 0
    assert "hidden" in re.search(r"<form[^>]*control-pause[^>]*>", html).group(0)
    phone.post("/session/resume", {"expected_version": phone.version()})
    assert coach.current(phone.person.id).state.paused_at is None


def test_stale_double_tap_is_a_duplicate_not_a_double_advance(phone, coach):
    view = phone.start()
    v = view.state.version
    phone.post("/session/next", {"expected_version": v})
    after_first = coach.current(phone.person.id)
    r = phone.htmx(
        "POST",
        "/session/next",
        target="session-panel",
        data={"expected_version": v, "csrf_token": phone.csrf()},
    )
    assert r.status_code == 200
    assert "already done" in r.get_data(as_text=True)
    assert coach.current(phone.person.id).state == after_first.state


def test_illegal_command_explains_and_changes_nothing(phone, coach):
    phone.start()
    before = coach.current(phone.person.id)
    r = phone.htmx(
        "POST",
        "/session/resume",
        target="session-panel",
        data={"expected_version": before.state.version, "csrf_token": phone.csrf()},
    )
    assert r.status_code == 200 and 'class="notice"' in r.get_data(as_text=True)
    assert coach.current(phone.person.id).state == before.state


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "9" * 40, "²"])
def test_bad_expected_version_is_400_and_changes_nothing(phone, coach, bad):
    before = phone.start()
    r = phone.post("/session/next", {"expected_version": bad})
    assert r.status_code == 400
    assert coach.current(phone.person.id).state == before.state


def test_unknown_command_is_404(phone):
    phone.start()
    assert phone.post("/session/explode", {"expected_version": 1}).status_code == 404


@pytest.mark.parametrize(
    "url,data",
    [
        ("/session/start", {"routine_id": "morning-stretch", "safety_ack": "yes"}),
        ("/session/next", {"expected_version": "1"}),
        ("/session/finish", {"expected_version": "1"}),
        ("/pair", {"code": "123456"}),
    ],
)
@pytest.mark.parametrize("token", [None, "forged-token"])
def test_state_changes_without_the_csrf_token_are_refused(phone, coach, url, data, token):
    view = phone.start() if url != "/session/start" else None
    person_id = phone.person.id if view else None
    payload = dict(data)
    if token:
        payload["csrf_token"] = token
    r = phone.post(url, payload, with_token=False)
    assert r.status_code in (400, 403)
    assert "Reload the page" in r.get_data(as_text=True)
    if view:
        assert coach.current(person_id).state == view.state
    else:
        with phone.client.session_transaction() as s:
            token_cookie = s.get("browser")
        if token_cookie:
            assert coach.current(phone.person.id) is None


def test_csrf_token_in_the_htmx_header_is_accepted(phone, coach):
    view = phone.start()
    r = phone.htmx(
        "POST",
        "/session/next",
        target="session-panel",
        data={"expected_version": view.state.version},
        headers={"X-CSRF-Token": phone.csrf()},
    )
    assert r.status_code == 200
    assert coach.current(phone.person.id).state.version == view.state.version + 1


def test_csrf_exempt_blueprints_skip_the_check(app, phone):
    bp = Blueprint("fake_alexa", __name__)
    bp.csrf_exempt = True
    bp.add_url_rule("/fake-alexa", "hook", lambda: "ok", methods=["POST"])
    app.register_blueprint(bp)
    assert phone.client.post("/fake-alexa", data={}).status_code == 200


def test_it_hurts_stops_and_shows_safety_advice(phone, coach):
    view = phone.start()
    r = phone.htmx(
        "POST",
        "/session/pain",
        target="session-panel",
        data={"expected_version": view.state.version, "csrf_token": phone.csrf()},
    )
    text = text_of(r.get_data(as_text=True))
    assert "Stop" in text and "sharp pain" in text
    assert coach.current(phone.person.id).state.outcome == "pain"
    history = phone.get("/history").get_data(as_text=True)
    assert "Stopped for pain" in history


def test_stepping_to_the_end_shows_a_summary_and_history(phone, coach):
    view = phone.start("quick-release")
    for _ in range(200):
        view = coach.current(phone.person.id)
        if view.state.phase == "done":
            break
        phone.post("/session/next", {"expected_version": view.state.version})
    assert view.state.phase == "done" and view.state.outcome == "completed"
    html = phone.get("/session").get_data(as_text=True)
    assert "complete" in html and 'href="/history"' in html
    history = text_of(phone.get("/history").get_data(as_text=True))
    assert view.routine.name in history and "Completed" in history


@pytest.mark.parametrize(
    "seconds, text", [(0, "0 s"), (42, "42 s"), (60, "1 min"), (61, "1 min 1 s"), (754, "12 min 34 s")]
)
def test_session_time_reads_naturally(seconds, text):
    from types import SimpleNamespace

    from webapp.session import _duration_text

    assert _duration_text(SimpleNamespace(started_at=1000.0, finished_at=1000.0 + seconds)) == text


def test_paused_session_offers_resume_as_the_main_button(phone):
    phone.start()
    phone.post("/session/pause", {"expected_version": phone.version()})
    html = phone.get("/session").get_data(as_text=True)
    assert re.search(r'id="btn-resume" class="btn primary main-control"', html)
    assert "hidden" in re.search(r"<form[^>]*control-pause[^>]*>", html).group(0)
    assert 'data-field="label">Paused<' in html
