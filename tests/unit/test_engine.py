"""The session engine, example by example: the timeline a person sees counted down,
what each command does from each phase, and the version rules two devices rely on."""

from __future__ import annotations

import json

import pytest
from engine_fakes import (
    CATALOGUE,
    GUIDANCE_LAST,
    MIXED,
    ONE_SET,
    T0,
    FakeExercise,
    FakeRoutine,
    make_catalogue,
)

from shared_content.engine import (
    PACE_LEVELS,
    Command,
    SessionState,
    apply,
    plan_for,
    position,
    settle,
    start,
)
from shared_content.engine.plan import intro_seconds

R, C = MIXED, CATALOGUE


def run(state, name, now, **kw):
    return apply(state, Command(name, **kw), R, C, now)


def do(state, name, now, **kw):
    result = run(state, name, now, **kw)
    assert result.status == "applied", result.message
    return result.state


def pos(state, now):
    return position(state, R, C, now)


# ---------------------------------------------------------------- plan


def test_plan_unrolls_sets_sides_and_guidance_in_order():
    plan = plan_for(R, C, 1.0)
    assert [(b.exercise_id, b.side, b.set_no) for b in plan] == [
        ("pelvic-tilt", None, 1),
        ("pelvic-tilt", None, 2),
        ("kneeling-lunge", "left", 1),
        ("kneeling-lunge", "right", 1),
        ("kneeling-lunge", "left", 2),
        ("kneeling-lunge", "right", 2),
        ("sitting-posture", None, 1),
        ("bridge", None, 1),
    ]
    assert [b.first_of_exercise for b in plan] == [True, False, True, False, False, False, True, True]
    assert [b.is_guidance for b in plan] == [False] * 6 + [True, False]
    # Rest only between blocks of one exercise: the next exercise's instructions are the break.
    assert [b.rest_seconds for b in plan] == [10, 0, 15, 15, 15, 0, 0, 0]
    assert [b.exercise_index for b in plan] == [0, 0, 1, 1, 1, 1, 2, 3]


@pytest.mark.parametrize(
    "pace, tilt_hold, lunge_hold",
    [
        (0.5, 3, 10),  # 5 * 0.5 = 2.5 is clamped up to 3 s
        (0.75, 4, 15),  # 3.75 rounds half-up to 4
        (1.0, 5, 20),
        (1.5, 8, 30),  # 7.5 rounds half-up to 8, not to banker's 8/7
        (2.0, 10, 40),
    ],
)
def test_pace_scales_holds_rounding_and_clamping(pace, tilt_hold, lunge_hold):
    plan = plan_for(R, C, pace)
    assert plan[0].hold_seconds == tilt_hold
    assert plan[2].hold_seconds == lunge_hold


def test_pace_never_holds_longer_than_a_minute():
    long = FakeExercise("long-hold", "Long hold", hold_seconds=45, repetitions=1, sets=1)
    assert plan_for(FakeRoutine("r", ["long-hold"]), make_catalogue(long), 2.0)[0].hold_seconds == 60


def test_unknown_pace_and_empty_routine_are_refused():
    with pytest.raises(ValueError):
        plan_for(R, C, 1.1)
    with pytest.raises(ValueError):
        start(FakeRoutine("empty", []), C, T0)


def test_total_time_at_start_is_the_catalogue_duration():
    for routine in (MIXED, GUIDANCE_LAST, ONE_SET):
        p = position(start(routine, C, T0), routine, C, T0)
        assert p.seconds_left_total == routine.duration_seconds_in(C)
        assert p.progress == 0.0


# ---------------------------------------------------------------- the timeline inside a block


def test_reps_count_down_on_the_shared_timeline():
    # pelvic tilt: 3 reps of 5 s hold with 3 s release, then 10 s rest
    s = do(start(R, C, T0), "next", T0)
    seen = {}
    for dt in (0, 4.5, 5, 7.9, 8, 16, 20.5):
        p = pos(s, T0 + dt)
        seen[dt] = (p.phase, p.rep, p.in_rep_hold, round(p.seconds_left_in_phase, 2), p.phase_ends_at)
    assert seen == {
        0: ("holding", 1, True, 5, T0 + 5),
        4.5: ("holding", 1, True, 0.5, T0 + 5),
        5: ("holding", 1, False, 3, T0 + 8),  # release gap after rep 1
        7.9: ("holding", 1, False, 0.1, T0 + 8),
        8: ("holding", 2, True, 5, T0 + 13),
        16: ("holding", 3, True, 5, T0 + 21),
        20.5: ("holding", 3, True, 0.5, T0 + 21),
    }


def test_hold_becomes_rest_when_the_last_rep_ends_and_the_rest_waits_at_zero():
    s = do(start(R, C, T0), "next", T0)
    settled = settle(s, R, C, T0 + 21)
    assert (settled.phase, settled.phase_started_at, settled.version) == ("resting", T0 + 21, s.version)
    assert pos(s, T0 + 25).seconds_left_in_phase == 6
    late = settle(s, R, C, T0 + 500)
    assert (late.phase, late.block_index, late.phase_started_at) == ("resting", 0, T0 + 21)
    p = pos(s, T0 + 500)
    assert (p.phase, p.seconds_left_in_phase, p.set_no, p.rep) == ("resting", 0, 1, 3)


def test_last_set_of_an_exercise_waits_for_next_without_rest():
    s = do(start(R, C, T0), "next", T0)
    # The hold has run out by T0+21, so "next" applies to the rest it settled into.
    s = do(s, "next", T0 + 31)
    assert (s.phase, s.block_index, s.phase_started_at) == ("holding", 1, T0 + 31)
    p = pos(s, T0 + 31 + 21 + 100)
    assert (p.phase, p.seconds_left_in_phase, p.set_no) == ("resting", 0, 2)
    assert do(s, "next", T0 + 200).phase == "instructions"


def test_lead_in_counts_down_to_the_first_rep():
    s = do(start(R, C, T0), "next", T0, at=T0 + 4)
    p = pos(s, T0 + 1)
    assert (p.phase, p.rep, p.in_rep_hold, p.seconds_left_in_phase, p.phase_ends_at) == (
        "holding",
        1,
        False,
        3,
        T0 + 4,
    )
    assert pos(s, T0 + 4).in_rep_hold


def test_pause_freezes_the_count_and_resume_carries_on_where_it_was():
    s = do(start(R, C, T0), "next", T0)
    paused = do(s, "pause", T0 + 6)  # 2 s into the release after rep 1
    frozen = pos(paused, T0 + 600)
    assert (frozen.paused, frozen.rep, frozen.in_rep_hold, frozen.seconds_left_in_phase) == (
        True,
        1,
        False,
        2,
    )
    assert frozen.phase_ends_at is None
    assert settle(paused, R, C, T0 + 600) == paused  # a paused hold never runs out
    resumed = do(paused, "resume", T0 + 600)
    assert resumed.phase_started_at == T0 + 594
    p = pos(resumed, T0 + 602)
    assert (p.paused, p.rep, p.in_rep_hold, p.seconds_left_in_phase) == (False, 2, True, 5)


def test_pause_and_resume_during_a_rest_shift_the_rest():
    s = do(do(start(R, C, T0), "next", T0), "next", T0 + 3)  # rest starts at T0+3
    s = do(s, "pause", T0 + 5)
    s = do(s, "resume", T0 + 50)
    assert pos(s, T0 + 50).seconds_left_in_phase == 8


def test_total_time_left_runs_down_while_holding_and_stops_while_paused():
    s = do(start(R, C, T0), "next", T0)
    a, b = pos(s, T0 + 1).seconds_left_total, pos(s, T0 + 11).seconds_left_total
    assert a - b == 10
    paused = do(s, "pause", T0 + 11)
    assert pos(paused, T0 + 300).seconds_left_total == b


def test_slower_waits_for_the_next_block():
    s = do(start(R, C, T0), "next", T0)
    s = do(s, "slower", T0 + 1)
    assert s.pace == 1.25
    p = pos(s, T0 + 2)
    assert (p.hold_seconds, p.rep, p.seconds_left_in_phase) == (5, 1, 3)  # this set keeps 5 s holds
    assert settle(s, R, C, T0 + 21).phase == "resting"  # and ends on time
    s = do(s, "next", T0 + 31)  # rest over: set 2
    assert pos(s, T0 + 31).hold_seconds == 6  # 5 * 1.25 = 6.25 -> 6


def test_pace_changes_stop_at_the_ends():
    s = start(R, C, T0, pace=2.0)
    r = run(s, "slower", T0)
    assert (r.status, r.message, r.state) == ("illegal", "That's already the slowest pace.", s)
    s = start(R, C, T0, pace=0.5)
    r = run(s, "faster", T0)
    assert (r.status, r.message) == ("illegal", "That's already the fastest pace.")
    assert do(s, "slower", T0).pace == 0.75


# ---------------------------------------------------------------- walking a routine


def test_next_alone_walks_every_block_in_order_to_completion():
    s, now = start(R, C, T0), T0
    visited, finished = [], []
    while s.phase != "done":
        visited.append((s.block_index, s.phase))
        r = run(s, "next", now)
        assert r.status == "applied"
        finished.append(r.finished)
        s, now = r.state, now + 1
    assert visited == [
        (0, "instructions"),
        (0, "holding"),
        (0, "resting"),
        (1, "holding"),
        (2, "instructions"),
        (2, "holding"),
        (2, "resting"),
        (3, "holding"),
        (3, "resting"),
        (4, "holding"),
        (4, "resting"),
        (5, "holding"),
        (6, "instructions"),
        (7, "instructions"),
        (7, "holding"),
    ]
    assert finished == [False] * (len(visited) - 1) + [True]
    assert (s.outcome, s.finished_at, s.block_index) == ("completed", now - 1, 7)
    assert s.version == 1 + len(visited)


def test_per_side_sets_alternate_left_then_right():
    s, now, sides = start(R, C, T0), T0, []
    while s.phase != "done":
        p = pos(s, now)
        if s.phase == "holding" and p.exercise.id == "kneeling-lunge":
            sides.append((p.side, p.set_no))
        s, now = do(s, "next", now), now + 1
    assert sides == [("left", 1), ("right", 1), ("left", 2), ("right", 2)]


def test_guidance_is_one_instructions_step_without_a_timer():
    s = do(start(R, C, T0), "skip", T0)
    s = do(s, "skip", T0)
    p = pos(s, T0 + 1000)
    assert (p.exercise.id, p.phase, p.seconds_left_in_phase, p.in_rep_hold) == (
        "sitting-posture",
        "instructions",
        None,
        False,
    )
    assert p.next_exercise.id == "bridge"
    nxt = do(s, "next", T0 + 1000)
    assert (nxt.phase, pos(nxt, T0 + 1000).exercise.id) == ("instructions", "bridge")


def test_next_on_a_final_guidance_item_completes_the_routine():
    s = start(GUIDANCE_LAST, C, T0)
    s = apply(s, Command("skip"), GUIDANCE_LAST, C, T0).state
    r = apply(s, Command("next"), GUIDANCE_LAST, C, T0 + 5)
    assert (r.finished, r.state.outcome) == (True, "completed")


def test_finish_on_the_last_block_counts_as_completed_and_earlier_as_stopped():
    s = start(ONE_SET, C, T0)
    assert apply(s, Command("finish"), ONE_SET, C, T0).state.outcome == "completed"
    assert run(start(R, C, T0), "finish", T0).state.outcome == "stopped"


def test_done_position_shows_nothing_left():
    s = do(start(R, C, T0), "finish", T0 + 3)
    p = pos(s, T0 + 10)
    assert (p.phase, p.seconds_left_total, p.progress, p.seconds_left_in_phase, p.next_exercise) == (
        "done",
        0,
        1.0,
        None,
        None,
    )


# ---------------------------------------------------------------- every command from every phase


def _instructions(paused=False):
    s = start(R, C, T0)
    return do(s, "pause", T0) if paused else s


def _holding(block, paused=False):
    s = start(R, C, T0)
    for _ in range({0: 1, 1: 3, 2: 5}[block]):
        s = do(s, "next", T0)
    assert (s.phase, s.block_index) == ("holding", block)
    return do(s, "pause", T0 + 1) if paused else s


def _resting(paused=False):
    s = do(do(start(R, C, T0), "next", T0), "next", T0)
    assert s.phase == "resting"
    return do(s, "pause", T0 + 1) if paused else s


def _done(paused=False):
    return do(start(R, C, T0), "finish", T0)


SETUPS = {
    "instructions@0": _instructions,
    "holding@0": lambda p=False: _holding(0, p),
    "holding@1": lambda p=False: _holding(1, p),
    "holding@2": lambda p=False: _holding(2, p),
    "resting@0": _resting,
    "done": _done,
}

# (setup, command) -> expected (status, phase, block_index) ; pace/paused checked separately
EXPECTED = {
    ("instructions@0", "next"): ("applied", "holding", 0),
    ("instructions@0", "previous"): ("applied", "instructions", 0),
    ("instructions@0", "repeat"): ("applied", "instructions", 0),
    ("instructions@0", "skip"): ("applied", "instructions", 2),
    ("holding@0", "next"): ("applied", "resting", 0),
    ("holding@0", "previous"): ("applied", "instructions", 0),
    ("holding@0", "repeat"): ("applied", "holding", 0),
    ("holding@0", "skip"): ("applied", "instructions", 2),
    ("holding@1", "next"): ("applied", "instructions", 2),  # last set: on to the next exercise
    ("holding@1", "previous"): ("applied", "holding", 0),  # back one set of the same exercise
    ("holding@1", "repeat"): ("applied", "holding", 1),
    ("holding@1", "skip"): ("applied", "instructions", 2),
    ("holding@2", "next"): ("applied", "resting", 2),
    ("holding@2", "previous"): ("applied", "instructions", 0),  # first set: previous exercise
    ("holding@2", "repeat"): ("applied", "holding", 2),
    ("holding@2", "skip"): ("applied", "instructions", 6),
    ("resting@0", "next"): ("applied", "holding", 1),
    ("resting@0", "previous"): ("applied", "holding", 0),  # redo the set just finished
    ("resting@0", "repeat"): ("applied", "resting", 0),
    ("resting@0", "skip"): ("applied", "instructions", 2),
}
NAVIGATION = ("next", "previous", "repeat", "skip")


@pytest.mark.parametrize("paused", [False, True], ids=["running", "paused"])
@pytest.mark.parametrize("setup", list(SETUPS))
@pytest.mark.parametrize(
    "name",
    [
        "next",
        "previous",
        "repeat",
        "skip",
        "pause",
        "resume",
        "start_over",
        "finish",
        "slower",
        "faster",
        "pain",
    ],
)
def test_every_command_from_every_phase(setup, name, paused):
    before = SETUPS[setup](paused) if setup != "done" else _done()
    now = T0 + 2
    r = run(before, name, now, expected_version=before.version)
    if setup == "done" and name != "start_over":
        assert (r.status, r.message, r.state, r.finished) == (
            "illegal",
            "The routine is already finished.",
            before,
            False,
        )
        return
    if name == "resume" and not before.paused:
        assert (r.status, r.message, r.state) == ("illegal", "The session isn't paused.", before)
        return
    if name == "pause" and before.paused:
        assert (r.status, r.message, r.state) == ("illegal", "The session is already paused.", before)
        return

    after = r.state
    assert (r.status, r.changed, after.version) == ("applied", True, before.version + 1)
    if name in NAVIGATION:
        expected = EXPECTED[(setup, name)]
        assert (r.status, after.phase, after.block_index) == expected
        assert after.paused == (
            before.paused and after.phase in ("instructions", "resting") and name == "repeat"
        )
    elif name == "start_over":
        assert (after.phase, after.block_index, after.started_at, after.outcome, after.paused) == (
            "instructions",
            0,
            now,
            None,
            False,
        )
    elif name in ("finish", "pain"):
        assert (after.phase, after.outcome, after.finished_at, r.finished) == (
            "done",
            "stopped" if name == "finish" else "pain",
            now,
            True,
        )
    elif name == "pause":
        assert (after.paused_at, after.phase, after.block_index) == (now, before.phase, before.block_index)
    elif name == "resume":
        assert not after.paused and after.phase == before.phase
        if before.phase_started_at is not None:
            assert after.phase_started_at == before.phase_started_at + (now - before.paused_at)
    else:
        assert after.pace == (1.25 if name == "slower" else 0.75)
        assert (after.phase, after.block_index, after.paused) == (
            before.phase,
            before.block_index,
            before.paused,
        )
    assert r.finished == (after.phase == "done")


def test_previous_from_instructions_goes_to_the_previous_exercise():
    s = do(do(start(R, C, T0), "skip", T0), "skip", T0)  # posture, block 6
    s = do(s, "previous", T0)
    assert (s.phase, s.block_index) == ("instructions", 2)


def test_next_twice_with_the_same_version_advances_once():
    s = start(R, C, T0)
    phone = run(s, "next", T0, expected_version=s.version)
    speaker = apply(phone.state, Command("next", expected_version=s.version), R, C, T0 + 0.2)
    assert phone.status == "applied" and phone.state.version == s.version + 1
    assert (speaker.status, speaker.state, speaker.changed, speaker.finished) == (
        "duplicate",
        phone.state,
        False,
        False,
    )
    assert speaker.message


def test_unknown_command_is_refused_in_plain_words():
    r = run(start(R, C, T0), "jump", T0)
    assert r.status == "illegal" and "jump" in r.message


def test_start_over_after_done_begins_a_new_run():
    s = do(start(R, C, T0), "pain", T0 + 5)
    again = do(s, "start_over", T0 + 60)
    assert (again.phase, again.block_index, again.outcome, again.finished_at, again.started_at) == (
        "instructions",
        0,
        None,
        None,
        T0 + 60,
    )
    assert again.version == s.version + 1


def test_state_round_trips_through_json():
    s = do(do(do(start(R, C, T0, pace=1.5), "next", T0, at=T0 + 3), "faster", T0 + 4), "pause", T0 + 5)
    data = json.loads(json.dumps(s.to_dict()))
    assert SessionState.from_dict(data) == s
    assert s.paused_at == T0 + 5 and s.block_pace == 1.5 and s.pace == 1.25


def test_from_dict_refuses_nonsense():
    data = start(R, C, T0).to_dict()
    with pytest.raises(ValueError):
        SessionState.from_dict({**data, "phase": "dancing"})
    with pytest.raises(ValueError):
        SessionState.from_dict({**data, "pace": 3.0})


def test_pace_levels_are_ordered_and_include_normal():
    assert list(PACE_LEVELS) == sorted(PACE_LEVELS) and 1.0 in PACE_LEVELS


def test_state_for_another_routine_is_rejected():
    with pytest.raises(ValueError):
        position(start(R, C, T0), ONE_SET, C, T0)


# ---------------------------------------------------------------- the real catalogue


def _real_routines(catalogue):
    routines = list(catalogue.routines.values())
    routines.append(catalogue.assemble(10, None, set()))
    return routines


def test_every_real_routine_walks_to_completion_with_next(catalogue):
    for routine in _real_routines(catalogue):
        plan = plan_for(routine, catalogue, 1.0)
        s, now, visited = start(routine, catalogue, T0), T0, []
        while s.phase != "done" and len(visited) < 10 * len(plan):
            visited.append(s.block_index)
            r = apply(s, Command("next", expected_version=s.version), routine, catalogue, now)
            assert r.status == "applied", (routine.id, r.message)
            s, now = r.state, now + 1
        assert (s.phase, s.outcome) == ("done", "completed"), routine.id
        assert sorted(set(visited)) == list(range(len(plan))) and visited == sorted(visited), routine.id


def test_real_routines_take_their_catalogue_duration_when_left_to_run(catalogue):
    """Start each routine and let every hold and rest run its course, saying "next" only where
    the engine waits (instructions, ended rests): it ends when the catalogue says it would."""
    for routine in _real_routines(catalogue):
        s, now = start(routine, catalogue, T0), T0
        assert position(s, routine, catalogue, now).seconds_left_total == routine.duration_seconds
        while s.phase != "done":
            p = position(s, routine, catalogue, now)
            if s.phase == "instructions":
                now += intro_seconds(p.exercise)  # reading the steps out takes the intro time
            else:
                while position(s, routine, catalogue, now).phase == "holding":
                    now = position(s, routine, catalogue, now).phase_ends_at
                rest = position(s, routine, catalogue, now)
                now = max(now, rest.phase_ends_at)
            s = apply(s, Command("next"), routine, catalogue, now).state
        assert now - T0 == routine.duration_seconds, routine.id
