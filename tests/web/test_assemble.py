"""The "make one that fits" form: valid choices redirect to a routine, anything else is a 400 with the form."""

from __future__ import annotations

import html as html_lib
import json
import re
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def test_valid_choices_redirect_to_the_assembled_routine(phone, coach):
    r = phone.get("/routines/assemble?" + urlencode({"minutes": 10, "focus": "stretch", "avoid": "floor"}))
    assert r.status_code == 303
    routine_id = r.headers["Location"].rsplit("/", 1)[1]
    routine = coach.catalogue.routine(routine_id)
    assert "floor" not in routine.positions
    page = phone.get(r.headers["Location"])
    assert page.status_code == 200 and ">Start</button>" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "query,message",
    [
        ({"minutes": "ten"}, "whole number"),
        ({"minutes": "0"}, "between"),
        ({"minutes": "1000"}, "between"),
        ({"minutes": "10", "focus": "yoga"}, "focus"),
        ({"minutes": "10", "avoid": "ceiling"}, "positions"),
        ({"minutes": "10", "avoid": ["floor", "seated", "standing"]}, "at least one position"),
    ],
)
def test_bad_choices_get_the_form_back_with_a_message(phone, query, message):
    r = phone.get("/routines/assemble?" + urlencode(query, doseq=True))
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert message in html and 'role="alert"' in html
    assert 'action="/routines/assemble"' in html


FIELD = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(
        [
            "",
            "5",
            "10",
            "30",
            "90",
            "stretch",
            "release",
            "posture",
            "strengthen",
            "floor",
            "seated",
            "standing",
        ]
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(minutes=FIELD, focus=FIELD, avoid=st.lists(FIELD, max_size=4))
def test_any_form_input_is_never_a_server_error(phone, coach, minutes, focus, avoid):
    query = urlencode({"minutes": minutes, "focus": focus, "avoid": avoid}, doseq=True)
    r = phone.get("/routines/assemble?" + query)
    assert r.status_code in (303, 400), r.status_code
    if r.status_code == 303:
        target = phone.get(r.headers["Location"])
        assert target.status_code == 200


def test_where_youll_be_means_wanted_not_avoided(phone, coach):
    page = phone.get("/").get_data(as_text=True)
    assert 'name="position"' in page and "Standing up" in page and "Sitting, at a desk" in page
    r = phone.get("/routines/assemble?" + urlencode({"minutes": 5, "position": "seated"}))
    assert r.status_code == 303
    routine = coach.catalogue.routine(r.headers["Location"].rsplit("/", 1)[1])
    assert routine.positions == {"seated"}
    r = phone.get(
        "/routines/assemble?" + urlencode({"minutes": 5, "focus": "posture", "position": "standing"})
    )
    assert r.status_code == 303
    assert coach.catalogue.routine(r.headers["Location"].rsplit("/", 1)[1]).positions == {"standing"}


def test_wanting_and_avoiding_one_position_is_a_clear_400(phone):
    r = phone.get("/routines/assemble?" + urlencode({"minutes": 5, "position": "floor", "avoid": "floor"}))
    assert r.status_code == 400 and "want and avoid" in r.get_data(as_text=True)


def test_a_routine_that_comes_up_short_says_why_on_its_page(phone):
    r = phone.get("/routines/assemble?" + urlencode({"minutes": 40, "focus": "stretch"}))
    page = phone.get(r.headers["Location"]).get_data(as_text=True)
    assert 'id="routine-explanation"' in page and "shorter than the 40" in page


def _session_island(html: str) -> dict:
    found = re.search(r'<div id="session-data" hidden>(.*?)</div>', html, re.S)
    assert found, "the session page embeds its data"
    return json.loads(html_lib.unescape(found.group(1)))


def test_the_phone_runs_the_sets_an_assembled_routine_adds(phone, coach):
    """Thirty minutes of stretching runs knee to chest 3 times (once as written): the session page,
    the live session JSON and the offline plan all say so, and the page quotes the real length."""
    routine = coach.catalogue.assemble(30, "stretch", set())
    assert routine.sets["knee-to-chest"] == 3 and coach.catalogue.exercise("knee-to-chest").sets == 1
    page = phone.get(f"/routines/{routine.id}").get_data(as_text=True)
    assert f"{round(routine.duration_seconds / 60)}" in page and routine.explanation in page.replace(
        "&#39;", "'"
    )
    phone.start(routine.id)
    island = _session_island(phone.get("/session").get_data(as_text=True))
    # the player shows "Set 2 of 3" from the segments (app.js)
    knee = [s for s in island["timeline"]["segments"] if s["exercise_id"] == "knee-to-chest"]
    assert {s["sets"] for s in knee if s["kind"] == "hold"} == {3}
    assert max(s["set_no"] for s in knee) == 3
    live = phone.get("/api/session.json").get_json()["timeline"]["segments"]
    assert [s for s in live if s["exercise_id"] == "knee-to-chest"] == knee
    plan = phone.get(f"/api/routines/{routine.id}/plan.json").get_json()
    blocks = [b for b in plan["blocks"] if b["exercise_id"] == "knee-to-chest"]
    assert [(b["set_no"], b["sets"]) for b in blocks] == [(n, 3) for n in (1, 2, 3) for _side in "lr"]
    assert plan["exercises"]["knee-to-chest"]["sets"] == 3
    assert plan["routine"]["duration_seconds"] == routine.duration_seconds
