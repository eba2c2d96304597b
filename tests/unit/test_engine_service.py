"""Coach and the engine's timeline: a routine that runs out is finished and recorded once, by
whoever looks first; the person's mode; the timeline data; old stored sessions survive.

Runs on a real SQLite file and on PostgreSQL (the `store` fixture).
"""

from __future__ import annotations

import json

from sqlalchemy import func, select, update

from shared_content import engine
from shared_content.service import Coach
from shared_content.store.tables import history, sessions

ROUTINE = "quick-release"


class Recorder:
    def __init__(self) -> None:
        self.published: list[tuple[int, int]] = []

    def publish(self, conn, person_id, version) -> None:
        self.published.append((person_id, version))


def make(store, catalogue, clock) -> Coach:
    return Coach(store, catalogue, Recorder(), clock=clock)


def history_rows(store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(history)).scalar_one()


def total(catalogue, mode="lead") -> int:
    return engine.template_for(catalogue.routine(ROUTINE), catalogue, 1.0, mode).total


def test_a_routine_left_to_run_is_finished_and_recorded_once_by_the_first_reader(store, catalogue, clock):
    phone, voice = make(store, catalogue, clock), make(store, catalogue, clock)  # two processes
    p = phone.person_for_device("phone", "tok")
    started = phone.command(p.id, "start", routine_id=ROUTINE, safety_acknowledged=True)
    clock.advance(total(catalogue) - 1)
    assert not phone.current(p.id).state.done and history_rows(store) == 0
    clock.advance(30)
    seen = voice.current(p.id)
    assert seen.state.done and seen.state.outcome == "completed" and seen.position.phase == "done"
    assert seen.state.version == started.view.state.version + 1  # one new version for everyone
    assert voice.bus.published == [(p.id, seen.state.version)]
    for coach in (phone, voice, phone):
        assert coach.current(p.id).state == seen.state
    [entry] = phone.history(p.id)
    assert (entry.outcome, entry.started_at) == ("completed", started.view.state.started_at)
    assert entry.finished_at == started.view.state.started_at + total(catalogue)  # when it ended
    assert phone.bus.published == [(p.id, started.view.state.version)]  # the readers wrote nothing more
    assert history_rows(store) == 1


def test_a_command_after_the_end_finishes_the_run_first_and_is_refused(store, catalogue, clock):
    coach = make(store, catalogue, clock)
    p = coach.person_for_device("alexa", "A")
    coach.command(p.id, "start", routine_id=ROUTINE, safety_acknowledged=True)
    clock.advance(total(catalogue) + 5)
    outcome = coach.command(p.id, "next", source="voice")
    assert outcome.status == "illegal" and outcome.view.state.done
    assert history_rows(store) == 1
    again = coach.command(
        p.id, "start", routine_id=ROUTINE, safety_acknowledged=True
    )  # a new run; the finished one is not re-recorded
    assert again.status == "applied" and history_rows(store) == 1


def test_the_mode_is_kept_with_the_person_and_applies_to_the_running_session(store, catalogue, clock):
    coach = make(store, catalogue, clock)
    p = coach.person_for_device("phone", "tok")
    assert coach.person(p.id).mode == "lead"
    coach.command(p.id, "start", routine_id=ROUTINE, safety_acknowledged=True)
    outcome = coach.set_mode(p.id, "wait")
    assert outcome is not None and outcome.applied and outcome.view.state.mode == "wait"
    assert coach.person(p.id).mode == "wait"
    clock.advance(total(catalogue) * 10)  # "wait for me": it stops after the first exercise
    view = coach.current(p.id)
    assert not view.state.done and view.position.kind == "wait" and view.position.waiting
    fresh = coach.command(p.id, "start", routine_id="morning-stretch", safety_acknowledged=True)
    assert fresh.view.state.mode == "wait"  # new runs start in the person's mode
    assert coach.set_mode(p.id, "wait") is None  # nothing to change
    try:
        coach.set_mode(p.id, "fast")
    except ValueError:
        pass
    else:
        raise AssertionError("an unknown mode must be refused")
    assert coach.person(p.id).mode == "wait"


def test_timeline_is_json_for_the_phone(store, catalogue, clock):
    coach = make(store, catalogue, clock)
    p = coach.person_for_device("phone", "tok")
    assert coach.timeline(p.id) is None
    started = coach.command(p.id, "start", routine_id=ROUTINE, safety_acknowledged=True)
    clock.advance(3)
    data = json.loads(json.dumps(coach.timeline(p.id)))
    assert data["version"] == started.view.state.version and data["server_now"] == clock.now
    assert data["routine_name"] == catalogue.routine(ROUTINE).name
    assert data["segments"][0]["start"] == started.view.state.started_at and data["current"] == 0
    assert data["total_seconds"] == total(catalogue)


def test_barrier_and_mode_reach_the_engine_through_command(store, catalogue, clock):
    coach = make(store, catalogue, clock)
    p = coach.person_for_device("alexa", "A")
    coach.command(p.id, "start", routine_id=ROUTINE, safety_acknowledged=True)
    halted = coach.command(p.id, "barrier", segment=2, source="voice")
    assert halted.applied and halted.view.state.barrier == 2
    clock.advance(500)
    assert coach.current(p.id).position.waiting
    assert coach.command(p.id, "continue", source="voice").view.state.anchor_index == 2


def test_a_command_based_on_a_fresh_view_is_written_without_reading_and_checked_by_version(
    store, catalogue, clock
):
    coach = make(store, catalogue, clock)
    p = coach.person_for_device("alexa", "A")
    coach.command(p.id, "start", routine_id=ROUTINE, safety_acknowledged=True)
    moved = coach.command(p.id, "next", source="voice")
    halted = coach.command(
        p.id, "barrier", moved.view.state.version, segment=5, source="voice", based_on=moved.view
    )
    assert halted.applied and halted.view.state.version == moved.view.state.version + 1
    stored = coach.current(p.id).state
    assert stored.barrier == 5 and stored.version == halted.view.state.version
    assert stored.anchor_index == moved.view.state.anchor_index  # built on the "next" it was based on


def test_a_command_based_on_a_stale_view_is_applied_to_the_fresh_state(store, catalogue, clock):
    coach = make(store, catalogue, clock)
    p = coach.person_for_device("alexa", "A")
    coach.command(p.id, "start", routine_id=ROUTINE, safety_acknowledged=True)
    seen = coach.command(p.id, "next", source="voice").view
    clock.advance(1)
    assert coach.command(p.id, "pause", source="phone").applied  # the phone moves first
    halted = coach.command(p.id, "barrier", segment=5, source="voice", based_on=seen)
    assert halted.applied and halted.view.state.version == seen.state.version + 2
    stored = coach.current(p.id).state
    assert stored.paused_at is not None, "the phone's pause was written over by a stale state"
    assert stored.barrier == 5
    # With the version the voice spoke about, the stale view makes it a duplicate, as without one.
    late = coach.command(p.id, "barrier", seen.state.version, segment=6, source="voice", based_on=seen)
    assert late.status == "duplicate" and coach.current(p.id).state.barrier == 5


def test_an_old_engines_running_session_survives_the_upgrade(store, catalogue, clock):
    coach = make(store, catalogue, clock)
    p = coach.person_for_device("phone", "tok")
    coach.command(p.id, "start", routine_id=ROUTINE, safety_acknowledged=True)
    old = {
        "routine_id": ROUTINE,
        "version": 5,
        "block_index": 0,
        "phase": "holding",
        "phase_started_at": clock.now - 2,
        "paused_at": None,
        "pace": 1.0,
        "started_at": clock.now - 60,
        "finished_at": None,
        "outcome": None,
        "block_pace": 1.0,
    }
    with store.write() as conn:
        conn.execute(
            update(sessions).where(sessions.c.person_id == p.id).values(version=5, state=json.dumps(old))
        )
    view = coach.current(p.id)
    assert view.position.kind == "hold" and view.position.count == 3 and view.state.version == 5
    moved = coach.command(p.id, "next", expected_version=5)
    assert moved.applied and "block_index" not in json.loads(stored_state(store, p.id))


def stored_state(store, person_id) -> str:
    with store.read() as conn:
        return conn.execute(select(sessions.c.state).where(sessions.c.person_id == person_id)).scalar_one()


def test_start_over_records_the_run_it_replaces_as_stopped(store, catalogue, clock):
    coach = make(store, catalogue, clock)
    p = coach.person_for_device("phone", "tok")
    first = coach.command(p.id, "start", routine_id=ROUTINE, safety_acknowledged=True)
    clock.advance(20)
    again = coach.command(p.id, "start_over")
    assert again.applied and again.view.state.started_at == clock.now
    [entry] = coach.history(p.id)
    assert (entry.outcome, entry.started_at, entry.finished_at) == (
        "stopped",
        first.view.state.started_at,
        clock.now,
    )


def test_history_includes_a_run_that_ran_out_unread(any_coach, clock):
    """ "How am I doing?" straight after the voice led a routine to its end: nobody read the
    session since its timeline ran out, yet the run is in the history."""
    coach = any_coach
    p = coach.person_for_device("alexa", "amzn1.ask.account.HISTORY-UNREAD")
    started = coach.command(p.id, "start", routine_id="desk-break", safety_acknowledged=True)
    assert started.applied
    clock.advance(coach.catalogue.routine("desk-break").duration_seconds + 5)
    entries = coach.history(p.id)
    assert [(e.routine_id, e.outcome) for e in entries] == [("desk-break", "completed")]
