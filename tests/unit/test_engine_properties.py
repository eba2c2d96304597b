"""Property tests: any routine, pace, mode and sequence of commands and clock advances keeps
the engine's invariants.

- the state stays valid for its template and survives a JSON round trip;
- left alone, time only moves forward along the segments;
- next / previous / repeat land on the start of a step;
- while paused nothing moves;
- a routine left alone is done exactly at the template's total length;
- a run finishes at most once (the service writes history on that one transition).
"""

from __future__ import annotations

import json

from engine_fakes import FakeExercise, FakeRoutine, make_catalogue
from hypothesis import given, settings
from hypothesis import strategies as st

from shared_content.engine import (
    COMMAND_NAMES,
    MODES,
    PACE_LEVELS,
    Command,
    SessionState,
    apply,
    locate,
    position,
    settle,
    start,
    template_for,
)

T0 = 1_800_000_000.0
POSITIONS = ("floor", "seated", "standing")


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
        category=draw(st.sampled_from(("stretch", "strengthen", "release"))),
        position=draw(st.sampled_from(POSITIONS)),
        equipment=draw(st.sampled_from(((), ("foam roller",), ("bolster pillow",)))),
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
        category="posture",
        position=draw(st.sampled_from(POSITIONS)),
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
        st.integers(0, 200),  # barrier: a segment index; set_mode: even lead, odd wait
    ),
    max_size=40,
)


def command_for(state, name, version_kind, lead_in, now, number):
    expected = {"none": None, "current": state.version, "stale": state.version - 1}[version_kind]
    return Command(
        name,
        expected,
        None if lead_in is None else now + lead_in,
        mode=MODES[number % 2],
        segment=number if number % 3 else None,
    )


def check_state(state, routine, catalogue, now):
    tpl = template_for(routine, catalogue, state.pace, state.mode)
    state.check(tpl)
    assert SessionState.from_dict(json.loads(json.dumps(state.to_dict()))) == state
    p = position(state, routine, catalogue, now)
    assert 0 <= p.progress <= 1 and p.seconds_left_total >= 0
    assert p.seconds_left_in_phase is None or p.seconds_left_in_phase >= 0
    assert p.done == settle(state, routine, catalogue, now).done
    if p.count is not None:
        assert 1 <= p.count <= max(1, round(p.segment.duration or 0), round(state.anchor_duration or 0))


def replay(routine, catalogue, pace, mode, sequence):
    """Apply the sequence; check invariants after each command; yield (before, command, result, now)."""
    now = T0
    state = start(routine, catalogue, now, pace=pace, mode=mode)
    finishes = 0
    for name, version_kind, lead_in, advance, number in sequence:
        now += advance
        command = command_for(state, name, version_kind, lead_in, now, number)
        result = apply(state, command, routine, catalogue, now)
        if result.status == "applied":
            assert result.state.version == state.version + 1
            if name == "start_over":
                finishes = 0
            finishes += result.finished
        else:
            assert result.state == state
        assert finishes <= 1
        check_state(result.state, routine, catalogue, now)
        yield state, command, result, now
        state = result.state


@settings(max_examples=200, deadline=None)
@given(routines(), st.sampled_from(PACE_LEVELS), st.sampled_from(MODES), steps)
def test_any_command_sequence_keeps_the_invariants(routine_and_catalogue, pace, mode, sequence):
    routine, catalogue = routine_and_catalogue
    for _ in replay(routine, catalogue, pace, mode, sequence):
        pass


@settings(max_examples=100, deadline=None)
@given(st.data(), st.sampled_from(PACE_LEVELS), st.sampled_from(MODES), steps)
def test_any_command_sequence_on_the_real_routines_keeps_the_invariants(data, pace, mode, sequence):
    from shared_content.catalogue import load_catalogue

    catalogue = load_catalogue()
    routine = catalogue.routine(data.draw(st.sampled_from(sorted(catalogue.routines))))
    for _ in replay(routine, catalogue, pace, mode, sequence):
        pass


@settings(max_examples=200, deadline=None)
@given(routines(), st.sampled_from(PACE_LEVELS), st.sampled_from(MODES), steps)
def test_next_previous_and_repeat_land_on_step_starts(routine_and_catalogue, pace, mode, sequence):
    routine, catalogue = routine_and_catalogue
    for before, command, result, now in replay(routine, catalogue, pace, mode, sequence):
        if (
            command.name not in ("next", "previous", "repeat")
            or result.status != "applied"
            or result.state.done
        ):
            continue
        tpl = template_for(routine, catalogue, result.state.pace, result.state.mode)
        was = locate(before, routine, catalogue, now)
        if command.name == "next" and was.waiting:
            continue  # at a halt "next" continues from there instead
        if command.name == "next" and tpl.segments[was.index].gap:
            # a rest, a switch or a transition: the block it leads to starts, nothing is skipped
            assert result.state.anchor_index == was.index + 1
            assert tpl.segments[was.index + 1].kind in ("get_ready", "intro")
        else:
            assert result.state.anchor_index in tpl.step_starts
        if command.name == "next":
            # "next" only cuts short what is left of the current step: never a hold of another one
            skipped = tpl.segments[was.index + 1 : result.state.anchor_index]
            assert all(seg.kind != "hold" or seg.step == tpl.segments[was.index].step for seg in skipped)
        assert result.state.anchor_at == (command.at if command.at is not None else now)


@settings(max_examples=200, deadline=None)
@given(
    routines(),
    st.sampled_from(PACE_LEVELS),
    st.sampled_from(MODES),
    steps,
    st.lists(st.floats(0, 400, allow_nan=False), min_size=2, max_size=8),
)
def test_left_alone_time_only_moves_forward_and_pause_freezes(
    routine_and_catalogue, pace, mode, sequence, gaps
):
    routine, catalogue = routine_and_catalogue
    state, now = start(routine, catalogue, T0, pace=pace, mode=mode), T0
    for _, _, result, at in replay(routine, catalogue, pace, mode, sequence):
        state, now = result.state, at
    times = [now]
    for gap in gaps:
        times.append(times[-1] + gap)
    views = [position(state, routine, catalogue, t) for t in times]
    cursors = [locate(state, routine, catalogue, t) for t in times]
    if state.paused:
        assert all(v == views[0] for v in views)
        return
    for i in range(len(times) - 1):
        a, b, ca, cb = views[i], views[i + 1], cursors[i], cursors[i + 1]
        assert a.done <= b.done
        if not a.done and not b.done:
            assert ca.index <= cb.index
            assert a.seconds_left_total >= b.seconds_left_total
            if ca.index == cb.index and a.seconds_left_in_phase is not None:
                assert b.seconds_left_in_phase <= a.seconds_left_in_phase


@settings(max_examples=200, deadline=None)
@given(routines(), st.sampled_from(PACE_LEVELS))
def test_a_routine_left_alone_is_done_at_exactly_the_templates_length(routine_and_catalogue, pace):
    routine, catalogue = routine_and_catalogue
    tpl = template_for(routine, catalogue, pace, "lead")
    state = start(routine, catalogue, T0, pace=pace)
    end = T0 + tpl.total
    assert position(state, routine, catalogue, T0).seconds_left_total == tpl.total
    assert not settle(state, routine, catalogue, end - 1e-6).done
    done = settle(state, routine, catalogue, end)
    assert (done.outcome, done.finished_at) == ("completed", end)
    # In "wait for me" mode it stops after each exercise but the last and is never done alone.
    waiting = start(routine, catalogue, T0, pace=pace, mode="wait")
    several = len(routine.exercise_ids) > 1
    assert settle(waiting, routine, catalogue, end + 10**6).done is not several


@settings(max_examples=200, deadline=None)
@given(routines(), st.sampled_from(PACE_LEVELS), st.sampled_from(MODES), st.floats(0, 0.99, allow_nan=False))
def test_next_alone_walks_every_step_to_completion(routine_and_catalogue, pace, mode, when):
    routine, catalogue = routine_and_catalogue
    tpl = template_for(routine, catalogue, pace, mode)
    state, seen = start(routine, catalogue, T0, pace=pace, mode=mode), set()
    now = T0 + when  # every segment lasts at least a second, so each "next" sees the step it jumped to
    for _ in range(4 * len(tpl) + 4):
        c = locate(state, routine, catalogue, now)
        seen.add(tpl.segments[c.index].step)
        result = apply(state, Command("next"), routine, catalogue, now)
        assert result.status == "applied"
        state = result.state
        if result.finished:
            break
    assert state.outcome == "completed" and seen == set(range(tpl.last_step + 1))
