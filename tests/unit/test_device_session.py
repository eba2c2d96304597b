"""`Coach.device_session`: the phone's person and session in one read, answering exactly what
`person_for_device` then `current` answer, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from shared_content.service import LAST_SEEN_RESOLUTION_SECONDS


def _both(coach, token):
    person = coach.person_for_device("phone", token)
    return person, coach.current(person.id)


def test_first_sight_creates_the_person_with_no_session(any_coach):
    person, view = any_coach.device_session("phone", "tok-new")
    assert view is None
    assert any_coach.person_for_device("phone", "tok-new") == person
    assert [d.kind for d in any_coach.devices(person.id)] == ["phone"]


def test_a_running_session_is_the_one_current_gives(any_coach, clock):
    person = any_coach.person_for_device("phone", "tok-run")
    any_coach.command(person.id, "start", routine_id="morning-stretch", safety_acknowledged=True)
    for seconds in (0.5, 7, 20):
        clock.advance(seconds)
        assert any_coach.device_session("phone", "tok-run") == _both(any_coach, "tok-run")
    any_coach.command(person.id, "pause")
    assert any_coach.device_session("phone", "tok-run")[1].position.paused


def test_a_run_that_ran_out_is_recorded_once(any_coach, clock):
    person = any_coach.person_for_device("phone", "tok-done")
    any_coach.command(person.id, "start", routine_id="quick-release", safety_acknowledged=True)
    clock.advance(24 * 3600)
    _, view = any_coach.device_session("phone", "tok-done")
    assert view.state.done and view.state.outcome == "completed"
    assert any_coach.device_session("phone", "tok-done") == _both(any_coach, "tok-done")
    assert len(any_coach.history(person.id)) == 1


def test_a_stale_last_seen_time_is_moved_on(any_coach, clock):
    person = any_coach.person_for_device("phone", "tok-seen")
    clock.advance(LAST_SEEN_RESOLUTION_SECONDS + 1)
    assert any_coach.device_session("phone", "tok-seen") == (person, None)
    assert any_coach.devices(person.id)[0].last_seen_at == pytest.approx(clock.now)


def test_a_bad_device_id_is_refused_before_any_read(any_coach):
    with pytest.raises(ValueError):
        any_coach.device_session("phone", "")
