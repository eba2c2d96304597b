"""Property tests: any sequence of commands and clock advances keeps the engine's invariants.

The invariant behind "exactly one history entry": over any command sequence, the number
of Results with finished=True after the last applied start_over (or since start, if none)
is 1 when the final state is done and 0 otherwise. The service writes history on
finished=True, so a run that ends is recorded once and a run in progress not at all.
"""

from __future__ import annotations

import json

from engine_fakes import FakeExercise, FakeRoutine, make_catalogue
from hypothesis import given, settings
from hypothesis import strategies as st

from shared_content.engine import (
    COMMAND_NAMES,
    PACE_LEVELS,
    Command,
    SessionState,
    apply,
    plan_for,
    position,
    settle,
    start,
)

T0 = 1_800_000_000.0


@st.composite
def timed_exercises(draw, index: int):
    return FakeExercise(
        id=f"ex-{index}",
        name=f"Exercise {index}",
        kind="timed",
        hold_seconds=draw(st.integers(5, 60)),
        repetitions=draw(st.integers(1, 5)),
        rep_gap_seconds=draw(st.integers(0, 5)),
        sets=draw(st.integers(1, 3)),
        rest_seconds=draw(st.integers(0, 30)),
        per_side=draw(st.booleans()),
        intro_seconds=draw(st.integers(0, 40)),
    )


@st.composite
def guidance_exercises(draw, index: int):
    return FakeExercise(
        id=f"ex-{index}",
        name=f"Guidance {index}",
        kind="guidance",
        hold_seconds=0,
        repetitions=1,
        rep_gap_seconds=0,
        sets=1,
        rest_seconds=0,
        intro_seconds=draw(st.integers(1, 60)),
    )


@st.composite
def routines(draw):
    """A random catalogue and a routine over it (an exercise may appear twice)."""
    count = draw(st.integers(1, 4))
    exercises = [draw(st.one_of(timed_exercises(i), guidance_exercises(i))) for i in range(count)]
    order = draw(st.lists(st.sampled_from([e.id for e in exercises]), min_size=1, max_size=5))
    return FakeRoutine("random", order), make_catalogue(*exercises)


steps = st.lists(
    st.tuples(
        st.sampled_from(COMMAND_NAMES),
        st.sampled_from(["none", "current", "stale"]),  # expected_version
        st.one_of(st.none(), st.floats(0, 6, allow_nan=False)),  # lead-in for `at`
        st.floats(0, 90, allow_nan=False),  # clock advance before the command
    ),
    max_size=40,
)


def check_state(state: SessionState, routine, catalogue, now: float) -> None:
    plan = plan_for(routine, catalogue, state.pace)
    assert 0 <= state.block_index < len(plan)
    assert state.pace in PACE_LEVELS
    assert (state.phase_started_at is not None) == (state.phase in ("holding", "resting"))
    assert (state.block_pace is not None) == (state.phase == "holding")
    done = state.phase == "done"
    assert (state.outcome is not None) == done == (state.finished_at is not None)
    if done:
        assert state.paused_at is None
    if state.paused_at is not None:
        assert state.paused_at <= now
    block = plan[state.block_index]
    if state.phase == "instructions":
        assert block.first_of_exercise
    if block.is_guidance:
        assert state.phase in ("instructions", "done")
    assert SessionState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def check_position(state: SessionState, routine, catalogue, now: float) -> None:
    p = position(state, routine, catalogue, now)
    assert 1 <= p.rep <= p.reps
    assert 0.0 <= p.progress <= 1.0
    assert p.seconds_left_total >= 0
    assert p.seconds_left_in_phase is None or p.seconds_left_in_phase >= 0
    assert p.version == state.version and p.paused == (state.paused_at is not None)
    assert p.exercise.id == routine.exercise_ids[p.exercise_index]
    later = position(state, routine, catalogue, now + 7.5)
    # Time alone never adds work; while paused, nothing moves at all.
    assert later.seconds_left_total <= p.seconds_left_total
    if state.paused_at is not None:
        assert later == p


@settings(max_examples=300, deadline=None)
@given(routines(), st.sampled_from(PACE_LEVELS), steps)
def test_any_command_sequence_keeps_the_invariants(routine_and_catalogue, pace, sequence):
    routine, catalogue = routine_and_catalogue
    walk_checking_invariants(routine, catalogue, pace, sequence)


@settings(max_examples=100, deadline=None)
@given(st.data(), st.sampled_from(PACE_LEVELS), steps)
def test_any_command_sequence_on_the_real_routines_keeps_the_invariants(data, pace, sequence):
    from shared_content.catalogue import load_catalogue

    catalogue = load_catalogue()
    routine = data.draw(st.sampled_from(sorted(catalogue.routines)).map(catalogue.routine))
    walk_checking_invariants(routine, catalogue, pace, sequence)


def walk_checking_invariants(routine, catalogue, pace, sequence) -> None:
    now = T0
    state = start(routine, catalogue, now, pace=pace)
    finished_in_run = 0
    for name, version_mode, lead_in, advance in sequence:
        now += advance
        expected = {"none": None, "current": state.version, "stale": state.version - 1}[version_mode]
        at = None if lead_in is None else now + lead_in
        result = apply(state, Command(name, expected, at), routine, catalogue, now)
        if version_mode == "stale":
            assert result.status == "duplicate"
        if state.phase == "done" and name != "start_over":
            assert result.status != "applied"  # done is absorbing
        if result.status == "applied":
            assert result.state.version == state.version + 1 and result.changed
        else:
            assert result.state == state and not result.changed and not result.finished
            assert result.message
        assert result.finished == (
            result.status == "applied" and state.phase != "done" and result.state.phase == "done"
        )
        if result.status == "applied" and name == "start_over":
            finished_in_run = 0
        finished_in_run += result.finished
        state = result.state
        check_state(state, routine, catalogue, now)
        check_position(state, routine, catalogue, now)
    assert finished_in_run == (1 if state.phase == "done" else 0)


@settings(max_examples=200, deadline=None)
@given(
    routines(),
    st.sampled_from(PACE_LEVELS),
    steps,
    st.floats(0, 300, allow_nan=False),
    st.floats(0, 300, allow_nan=False),
)
def test_settling_in_steps_equals_settling_once(routine_and_catalogue, pace, sequence, d1, d2):
    routine, catalogue = routine_and_catalogue
    now, state = T0, start(routine, catalogue, T0, pace=pace)
    for name, _, lead_in, advance in sequence:
        now += advance
        state = apply(
            state, Command(name, at=None if lead_in is None else now + lead_in), routine, catalogue, now
        ).state
    once = settle(state, routine, catalogue, now + d1 + d2)
    stepwise = settle(settle(state, routine, catalogue, now + d1), routine, catalogue, now + d1 + d2)
    assert once == stepwise
    assert settle(once, routine, catalogue, now + d1 + d2) == once
    assert once.version == state.version


@settings(max_examples=200, deadline=None)
@given(routines(), st.sampled_from(PACE_LEVELS))
def test_next_alone_finishes_every_routine_through_every_block(routine_and_catalogue, pace):
    routine, catalogue = routine_and_catalogue
    plan = plan_for(routine, catalogue, pace)
    state, now = start(routine, catalogue, T0, pace=pace), T0
    visited = []
    for _ in range(4 * len(plan) + 2):
        if state.phase == "done":
            break
        visited.append(state.block_index)
        state = apply(state, Command("next"), routine, catalogue, now).state
        now += 1
    assert (state.phase, state.outcome) == ("done", "completed")
    assert sorted(set(visited)) == list(range(len(plan))) and visited == sorted(visited)


@settings(max_examples=200, deadline=None)
@given(routines())
def test_time_left_at_start_is_the_catalogue_duration(routine_and_catalogue):
    routine, catalogue = routine_and_catalogue
    p = position(start(routine, catalogue, T0), routine, catalogue, T0)
    assert p.seconds_left_total == routine.duration_seconds_in(catalogue)


@settings(max_examples=200, deadline=None)
@given(routines(), st.floats(0, 5, allow_nan=False), st.floats(0, 400, allow_nan=False))
def test_both_devices_compute_the_same_count_from_the_stored_state(routine_and_catalogue, lead_in, elapsed):
    """The phone and the speaker each rebuild the position from the JSON state: they agree."""
    routine, catalogue = routine_and_catalogue
    s = apply(start(routine, catalogue, T0), Command("next", at=T0 + lead_in), routine, catalogue, T0).state
    copy = SessionState.from_dict(json.loads(json.dumps(s.to_dict())))
    assert position(s, routine, catalogue, T0 + elapsed) == position(copy, routine, catalogue, T0 + elapsed)
