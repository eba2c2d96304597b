"""Keeping a pace for next time on the phone: offered on the done panel of a run at another pace,
stored only when the person taps it; stale or forged requests change nothing."""

from __future__ import annotations

import pytest


def slowed_and_finished(phone, coach):
    view = phone.start()
    phone.post("/session/slower", {"expected_version": str(view.state.version)})
    view = coach.current(phone.person.id)
    phone.post("/session/finish", {"expected_version": str(view.state.version)})
    return coach.current(phone.person.id)


def test_the_done_panel_offers_the_pace_and_a_tap_keeps_it(phone, coach, clock):
    done = slowed_and_finished(phone, coach)
    assert coach.person(phone.person.id).pace == 1.0  # a pace change is this run's
    html = phone.get("/session").get_data(as_text=True)
    assert "You took the holds slower today." in html and "Keep this pace for next time" in html
    r = phone.post("/session/keep-pace", {"pace": str(done.state.pace)})
    assert r.status_code == 303
    page = phone.get(r.headers["Location"]).get_data(as_text=True)
    assert "your next routine starts at this pace" in page and "Keep this pace for next time" not in page
    assert coach.person(phone.person.id).pace == 1.25
    clock.advance(60)
    assert phone.start().state.pace == 1.25


def test_a_run_at_the_usual_pace_offers_nothing(phone, coach):
    view = phone.start()
    phone.post("/session/finish", {"expected_version": str(view.state.version)})
    assert "Keep this pace" not in phone.get("/session").get_data(as_text=True)
    r = phone.post("/session/keep-pace", {"pace": "1.25"})
    assert r.status_code == 409 and "no pace to keep" in r.get_data(as_text=True)
    assert coach.person(phone.person.id).pace == 1.0


@pytest.mark.parametrize("forged", ["2.0", "", "0.1", "nan", "1.25x", "９"])
def test_a_pace_other_than_the_one_offered_is_refused_and_changes_nothing(phone, coach, forged):
    slowed_and_finished(phone, coach)
    r = phone.post("/session/keep-pace", {"pace": forged})
    assert r.status_code == 409 and "out of date" in r.get_data(as_text=True)
    assert coach.person(phone.person.id).pace == 1.0


def test_keeping_the_pace_needs_the_csrf_token(phone, coach):
    done = slowed_and_finished(phone, coach)
    r = phone.post("/session/keep-pace", {"pace": str(done.state.pace)}, with_token=False)
    assert r.status_code in (400, 403)
    assert coach.person(phone.person.id).pace == 1.0


def test_after_slower_the_steps_say_the_hold_the_count_goes_to(phone, coach):
    import json
    import re

    view = phone.start()
    before = phone.get("/session").get_data(as_text=True)
    assert "Hold the tilt for five seconds" in before
    phone.post("/session/slower", {"expected_version": str(view.state.version)})
    html = phone.get("/session").get_data(as_text=True)
    assert "Hold the tilt for six seconds" in html and "five seconds" not in html
    island = json.loads(re.search(r'<div id="session-data" hidden>(.*?)</div>', html, re.S).group(1))
    knee = island["exercises"]["knee-to-chest"]["steps"]
    assert any("Hold for six seconds" in step for step in knee)  # what the phone reads out, later too
    holds = {s["duration"] for s in island["timeline"]["segments"] if s["kind"] == "hold"}
    assert holds == {6}
