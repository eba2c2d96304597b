"""Coach.plan / Coach.commit: a front end that follows one move with another (the voice's "next",
then the barrier where its speech stops) works both out on the view in hand and writes them in
one transaction. What is stored is exactly what the two commands one after the other would have
stored; a session moved by someone else in between makes the commit write nothing.

Runs on a real SQLite file and on PostgreSQL (the `store` fixture).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from shared_content.service import Coach, SessionMoved
from shared_content.store.tables import run_notes
from tests.unit.test_engine_service import Recorder

ROUTINE = "quick-release"


def started(store, catalogue, clock, device: str):
    coach = Coach(store, catalogue, Recorder(), clock=clock)
    person = coach.person_for_device("alexa", device).id
    view = coach.command(person, "start", routine_id=ROUTINE, safety_acknowledged=True).view
    return coach, person, view


def stored(coach: Coach, person: int) -> dict:
    return coach.current(person).stored.to_dict()


def notes(store, person: int) -> set[tuple[str, str]]:
    with store.read() as conn:
        rows = conn.execute(
            select(run_notes.c.kind, run_notes.c.value).where(run_notes.c.person_id == person)
        )
        return set(rows.all())


def test_a_next_and_its_barrier_are_written_together_and_told_once(store, catalogue, clock):
    coach, person, view = started(store, catalogue, clock, "A")
    coach.bus.published.clear()
    moved = coach.plan(view, "next", view.state.version, at=clock() + 1, source="voice")
    halted = coach.plan(
        moved.outcome.view, "barrier", moved.outcome.view.state.version, segment=6, source="voice"
    )
    assert stored(coach, person)["version"] == view.state.version  # planning writes nothing
    outcome = coach.commit(person, [moved, halted])
    now = coach.current(person)
    assert outcome.view.state.version == now.state.version == view.state.version + 2
    assert now.state.barrier == 6 and now.state.anchor_index == moved.outcome.view.state.anchor_index
    assert coach.bus.published == [(person, now.state.version)]  # one notice, of the version after both


def test_a_session_moved_after_planning_makes_the_commit_write_nothing(store, catalogue, clock):
    coach, person, view = started(store, catalogue, clock, "A")
    moved = coach.plan(view, "next", view.state.version, source="voice")
    assert coach.command(person, "pause", source="phone").applied  # the phone moves first
    paused = stored(coach, person)
    coach.bus.published.clear()
    with pytest.raises(SessionMoved):
        coach.commit(person, [moved])
    assert stored(coach, person) == paused and coach.bus.published == []


def test_what_cannot_be_planned_goes_the_usual_way(store, catalogue, clock):
    coach, person, view = started(store, catalogue, clock, "A")
    assert coach.plan(view, "pause", source="voice") is None  # not a move along the timeline
    assert coach.plan(view, "next", view.state.version - 1, source="voice") is None  # a stale version
    clock.advance(10_000)  # the timeline ran out: reading it writes the run's history row
    assert coach.plan(view, "next", source="voice") is None
    coach2, person2, view2 = started(store, catalogue, clock, "B")
    for _ in range(100):  # walk to the last exercise: the "next" that ends the run writes history
        if coach2.plan(view2, "next", source="voice") is None:
            break
        view2 = coach2.command(person2, "next", source="voice", based_on=view2).view
    assert not view2.state.done and coach2.command(person2, "next", source="voice").finished


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    moves=st.lists(
        st.tuples(
            st.sampled_from(["next", "previous", "repeat", "continue", "barrier", "resume", "pause"]),
            st.floats(0, 40),
            st.integers(0, 30),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_committed_plans_store_what_the_commands_one_by_one_store(store, catalogue, clock, moves):
    """As a voice turn does: plannable moves are planned on the view in hand; anything else first
    writes what was planned, then goes the usual way. The other coach sends every command at once."""
    planned_coach, planned_person, base = started(store, catalogue, clock, "planned")
    single_coach, single_person, single_view = started(store, catalogue, clock, "one-by-one")
    plans = []
    for name, wait, segment in moves:
        clock.advance(wait)
        kwargs = {"at": clock() + 1, "source": "voice", "segment": segment}
        plan = planned_coach.plan(base, name, base.state.version, **kwargs)
        single = single_coach.command(single_person, name, single_view.state.version, **kwargs)
        if plan is not None:
            assert single.applied and single.view.state == plan.outcome.view.state
            plans.append(plan)
            base = plan.outcome.view
        else:
            if plans:
                planned_coach.commit(planned_person, plans)
                plans = []
            usual = planned_coach.command(planned_person, name, base.state.version, based_on=base, **kwargs)
            assert (usual.status, usual.finished) == (single.status, single.finished)
            base = usual.view
        single_view = single.view
        if base is None or base.state.done:
            break
    if plans:
        planned_coach.commit(planned_person, plans)
    assert stored(planned_coach, planned_person) == stored(single_coach, single_person)
    assert notes(store, planned_person) == notes(store, single_person)  # the run's devices, for its history
