"""The session engine, example by example: the timeline a person is led through, what each
command does to it, the cues both front ends speak, and the version rules two devices rely on.

The fake routine MIXED (engine_fakes.py) unrolls, in "lead me through" mode, to:

    0 intro tilt 12 | 1 get_ready 15 (standing -> floor) | 2-6 hold 5, release 3 x3
    7 rest 10 | 8 get_ready 5 | 9-13 holds          14 transition 5 | 15 intro lunge 18
    16 get_ready 15 (floor -> standing) | 17-19 left holds 20, release 5 | 20 switch_sides 5 ...
    35 transition | 36 intro posture 30 (guidance) | 37 transition | 38 intro bridge 9
    39 get_ready 26 (seated -> floor, a mat, on the floor strengthening) | 40-43 holds 8 (no gap)
"""

from __future__ import annotations

import json

import pytest
from engine_fakes import CATALOGUE, MIXED, ONE_SET, T0, FakeExercise, FakeRoutine, make_catalogue

from shared_content.engine import (
    PACE_LEVELS,
    Command,
    SessionState,
    apply,
    count_marks,
    cues,
    locate,
    position,
    settle,
    start,
    template_for,
    timeline_data,
)
from shared_content.engine import commands as cmds
from shared_content.engine.plan import paced_hold

R, C = MIXED, CATALOGUE
TPL = template_for(R, C, 1.0, "lead")


def run(state, name, now, **kw):
    return apply(state, Command(name, **kw), R, C, now)


def do(state, name, now, **kw):
    result = run(state, name, now, **kw)
    assert result.status == "applied", result.message
    return result.state


def pos(state, now):
    return position(state, R, C, now)


def start_of(index: int) -> float:
    """When segment `index` starts in a run started at T0 and left alone (lead mode)."""
    return T0 + TPL.offsets[index]


# ---------------------------------------------------------------- the template


def test_the_routine_unrolls_into_segments_and_steps():
    kinds = [s.kind for s in TPL.segments]
    assert kinds[:8] == ["intro", "get_ready", "hold", "release", "hold", "release", "hold", "rest"]
    assert kinds[14:17] == ["transition", "intro", "get_ready"]
    assert kinds[20] == "switch_sides" and TPL.segments[20].side == "right"
    assert kinds[36] == "intro" and TPL.segments[36].exercise_id == "sitting-posture"
    assert kinds[39:] == ["get_ready", "hold", "hold", "hold", "hold"]  # no gap between the bridge's reps
    assert TPL.step_starts == (0, 1, 7, 14, 16, 20, 25, 30, 35, 37, 39)
    assert [s.rep for s in TPL.segments[2:7]] == [1, 1, 2, 2, 3]  # a release carries the rep just done
    assert TPL.total == 449 and len(TPL) == 44


def test_get_ready_is_longer_where_position_or_equipment_changes():
    lead_ins = [(s.exercise_id, s.duration) for s in TPL.segments if s.kind == "get_ready"]
    assert lead_ins[0] == ("pelvic-tilt", 15)  # starting standing, lying down: +10
    assert lead_ins[1] == ("pelvic-tilt", 5)  # the second set: same place
    assert lead_ins[2] == ("kneeling-lunge", 15)  # floor -> standing: +10
    assert ("kneeling-lunge", 5) in lead_ins[3:6]
    assert lead_ins[-1] == ("bridge", 26)  # seated -> floor +6, a new mat +10, floor strengthening +5


def test_wait_mode_adds_an_open_ended_stop_after_each_exercise_but_the_last():
    tpl = template_for(R, C, 1.0, "wait")
    waits = [s for s in tpl.segments if s.kind == "wait"]
    assert [w.exercise_id for w in waits] == ["pelvic-tilt", "kneeling-lunge", "sitting-posture"]
    assert all(w.duration is None for w in waits)
    assert tpl.total == TPL.total  # waits take no planned time
    # A wait opens the step that leads into the next exercise.
    assert all(tpl.step_starts[w.step] == w.index for w in waits)


def test_templates_are_cached_per_routine_pace_and_mode():
    assert template_for(R, C, 1.0, "lead") is TPL
    assert template_for(R, make_catalogue(*C.exercises.values()), 1.0, "lead") is TPL  # equal content
    assert template_for(R, C, 1.5, "lead") is not TPL


@pytest.mark.parametrize(
    "pace, tilt_hold, lunge_hold", [(0.5, 5, 10), (0.75, 5, 15), (1.5, 8, 30), (2.0, 10, 40)]
)
def test_pace_scales_holds_within_the_catalogue_limits(pace, tilt_hold, lunge_hold):
    tpl = template_for(R, C, pace, "lead")
    holds = {s.exercise_id: s.duration for s in tpl.segments if s.kind == "hold"}
    assert holds["pelvic-tilt"] == tilt_hold  # never below the catalogue's 5 s minimum
    assert holds["kneeling-lunge"] == lunge_hold


def test_pace_never_holds_longer_than_a_minute_nor_changes_anything_but_holds():
    assert paced_hold(45, 2.0) == 60
    slow = template_for(R, C, 2.0, "lead")
    assert [s.duration for s in slow.segments if s.kind != "hold"] == [
        s.duration for s in TPL.segments if s.kind != "hold"
    ]
    assert len(slow) == len(TPL)  # same segment indices at every pace


def test_unknown_pace_mode_and_empty_routine_are_refused():
    with pytest.raises(ValueError):
        start(R, C, T0, pace=1.1)
    with pytest.raises(ValueError):
        start(R, C, T0, mode="fast")
    with pytest.raises(ValueError):
        start(FakeRoutine("empty", []), C, T0)


# ---------------------------------------------------------------- time alone


def test_a_routine_left_alone_runs_to_the_end_and_is_done_exactly_then():
    s = start(R, C, T0)
    end = T0 + TPL.total
    before = pos(s, end - 0.01)
    assert not before.done and before.kind == "hold" and before.rep == 4
    assert settle(s, R, C, end - 0.01) == s
    done = settle(s, R, C, end)
    assert done.done and done.outcome == "completed" and done.finished_at == end
    assert done.version == s.version  # time alone is not a version change
    p = pos(s, end + 100)
    assert p.done and p.phase == "done" and p.seconds_left_total == 0 and p.progress == 1.0


def test_holds_and_releases_count_on_the_shared_timeline():
    s = start(R, C, T0)
    p = pos(s, start_of(2) + 1.5)  # 1.5 s into the first hold
    assert (p.kind, p.phase, p.rep, p.in_rep_hold, p.count) == ("hold", "holding", 1, True, 2)
    assert p.seconds_left_in_phase == pytest.approx(3.5) and p.phase_ends_at == start_of(3)
    gap = pos(s, start_of(3) + 1)
    assert (gap.kind, gap.phase, gap.rep, gap.in_rep_hold, gap.count) == (
        "release",
        "holding",
        1,
        False,
        None,
    )
    ready = pos(s, T0 + 12 + 3)
    assert (ready.kind, ready.phase, ready.in_rep_hold) == ("get_ready", "holding", False)
    assert ready.seconds_left_in_phase == pytest.approx(12)


def test_phases_map_to_the_old_engine_names():
    s = start(R, C, T0)
    phases = {pos(s, start_of(i) + 0.5).kind: pos(s, start_of(i) + 0.5).phase for i in range(len(TPL))}
    assert phases == {
        "intro": "instructions",
        "get_ready": "holding",
        "hold": "holding",
        "release": "holding",
        "rest": "resting",
        "switch_sides": "resting",
        "transition": "resting",
    }


def test_sets_and_sides_follow_without_a_tap():
    s = start(R, C, T0)
    assert (pos(s, start_of(9) + 1).set_no, pos(s, start_of(9) + 1).kind) == (2, "hold")
    right = pos(s, start_of(22) + 1)
    assert (right.exercise.id, right.side, right.set_no) == ("kneeling-lunge", "right", 1)
    guidance = pos(s, start_of(36) + 1)
    assert (guidance.exercise.id, guidance.phase, guidance.next_exercise.id) == (
        "sitting-posture",
        "instructions",
        "bridge",
    )


def test_time_left_and_progress_run_down_with_the_timeline():
    s = start(R, C, T0)
    assert pos(s, T0).seconds_left_total == TPL.total and pos(s, T0).progress == 0.0
    mid = pos(s, T0 + 100)
    assert mid.seconds_left_total == TPL.total - 100
    assert mid.progress == pytest.approx(100 / TPL.total)


def test_in_wait_mode_the_timeline_stops_after_an_exercise_until_continued():
    s = start(R, C, T0, mode="wait")
    tpl = template_for(R, C, 1.0, "wait")
    wait = next(seg for seg in tpl.segments if seg.kind == "wait")
    waiting_from = T0 + tpl.offsets[wait.index]
    for later in (0, 60, 3600):
        p = pos(s, waiting_from + later)
        assert (p.kind, p.phase, p.waiting, p.seconds_left_in_phase) == ("wait", "instructions", True, None)
    s = do(s, "continue", waiting_from + 3600, at=waiting_from + 3602)
    p = pos(s, waiting_from + 3603)
    assert (p.kind, p.next_exercise.id if p.next_exercise else None) == ("transition", "sitting-posture")
    assert p.seconds_left_in_phase == pytest.approx(4)


# ---------------------------------------------------------------- commands


def test_next_during_a_hold_ends_the_set_early_into_the_rest():
    s = start(R, C, T0)
    now = start_of(4) + 1
    s = do(s, "next", now)
    p = pos(s, now)
    assert (p.kind, p.set_no, p.seconds_left_in_phase) == ("rest", 2, 10)
    # "next" during that rest cuts it short: set 2 gets ready now (it is not skipped).
    s = do(s, "next", now + 2)
    p = pos(s, now + 2)
    assert (p.kind, p.set_no) == ("get_ready", 2)
    assert s.anchor_index == 8 and s.anchor_at == now + 2


def test_next_and_previous_land_on_step_starts_at_the_given_time():
    s = start(R, C, T0)
    s = do(s, "next", T0 + 3, at=T0 + 5)  # the voice: it says a lead-in first
    assert (s.anchor_index, s.anchor_at) == (1, T0 + 5)
    lead_in = pos(s, T0 + 3)
    assert lead_in.kind == "get_ready" and lead_in.seconds_left_in_phase == pytest.approx(17)
    s = do(s, "next", T0 + 10)
    assert s.anchor_index == 7  # the rest before set 2
    s = do(s, "previous", T0 + 12)
    assert s.anchor_index == 1  # back to set 1, the set just done
    s = do(s, "previous", T0 + 13)
    s = do(s, "previous", T0 + 14)
    assert s.anchor_index == 0  # nothing before the first step


def test_repeat_restarts_the_current_step():
    s = start(R, C, T0)
    now = start_of(11) + 2
    s = do(s, "repeat", now)
    assert (s.anchor_index, s.anchor_at) == (7, now)


def test_skip_goes_to_the_next_exercises_introduction_and_past_the_last_completes():
    s = start(R, C, T0)
    s = do(s, "skip", T0 + 1)
    assert pos(s, T0 + 1).kind == "intro" and pos(s, T0 + 1).exercise.id == "kneeling-lunge"
    s = do(s, "skip", T0 + 2)
    s = do(s, "skip", T0 + 3)
    result = run(s, "skip", T0 + 4)
    assert result.finished and result.state.outcome == "completed"


def test_skip_side_and_skip_set_move_to_the_next_block():
    s = start(R, C, T0)
    s = jump_to(s, 17)  # the lunge, left, set 1
    side = do(s, "skip_side", start_of(17) + 1)
    assert side.anchor_index == 20  # switch to the right side
    a_set = do(s, "skip_set", start_of(17) + 1)
    assert a_set.anchor_index == 25  # the rest before set 2
    last = jump_to(s, 32)
    assert do(last, "skip_set", start_of(32) + 1).anchor_index == 36  # no set left: the next exercise's intro


def jump_to(s: SessionState, index: int) -> SessionState:
    from dataclasses import replace

    return replace(s, anchor_index=index, anchor_at=start_of(index))


def test_pause_freezes_everything_and_resume_shifts_the_timeline():
    s = start(R, C, T0)
    now = start_of(2) + 2
    paused = do(s, "pause", now)
    frozen = pos(paused, now)
    assert pos(paused, now + 500) == frozen and frozen.paused and frozen.phase_ends_at is None
    assert settle(paused, R, C, now + 10_000) == paused  # paused long past the end: not finished
    resumed = do(paused, "resume", now + 60)
    assert pos(resumed, now + 61).seconds_left_in_phase == pytest.approx(2)
    assert resumed.anchor_at == s.anchor_at + 60
    assert run(resumed, "resume", now + 62).message == cmds.NOT_PAUSED
    assert run(paused, "pause", now + 62).message == cmds.ALREADY_PAUSED


def test_slower_keeps_the_running_hold_and_lengthens_the_next():
    s = start(R, C, T0)
    now = start_of(17) + 5  # 5 s into a 20 s hold
    slow = do(s, "slower", now)
    assert slow.pace == 1.25
    assert pos(slow, now).seconds_left_in_phase == pytest.approx(15)  # this hold keeps its length
    assert pos(slow, start_of(19) + 1).kind == "hold"  # the release still ends on time
    next_hold = pos(slow, start_of(19) + 24)
    assert next_hold.kind == "hold" and next_hold.count == 25  # the next one is 25 s
    assert pos(slow, start_of(19) + 25.5).kind == "switch_sides"


def test_pace_limits_are_said_in_the_message():
    s = start(R, C, T0, pace=2.0)
    assert run(s, "slower", T0).message == cmds.SLOWEST and run(s, "slower", T0).status == "illegal"
    fastest = start(R, C, T0, pace=0.5)
    assert run(fastest, "faster", T0).message == cmds.FASTEST
    # The tilt's 5 s hold is already the catalogue's minimum: faster applies, and says so.
    result = run(start(R, C, T0), "faster", start_of(2) + 1)
    assert result.status == "applied" and result.message == cmds.SHORTEST_HOLD
    long_hold = FakeExercise("long", "Long", hold_seconds=50, repetitions=1, sets=1, rest_seconds=0)
    routine, catalogue = FakeRoutine("long", ["long"]), make_catalogue(long_hold)
    near_max = apply(start(routine, catalogue, T0, pace=1.0), Command("slower"), routine, catalogue, T0)
    assert near_max.message == cmds.LONGEST_HOLD and near_max.state.pace == 1.25  # 62.5 s held to 60


def test_finish_is_completed_on_the_last_step_and_stopped_before_it():
    s = start(R, C, T0)
    stopped = run(s, "finish", T0 + 1)
    assert stopped.finished and stopped.state.outcome == "stopped" and stopped.state.finished_at == T0 + 1
    completed = run(jump_to(s, 41), "finish", start_of(41) + 1)
    assert completed.state.outcome == "completed"
    assert run(s, "pain", T0 + 2).state.outcome == "pain"


def test_every_command_after_the_end_is_refused_except_start_over():
    done = settle(start(R, C, T0), R, C, T0 + TPL.total)
    for name in cmds.COMMAND_NAMES:
        result = run(done, name, T0 + TPL.total + 1, mode="lead")
        if name == "start_over":
            assert result.status == "applied" and not result.state.done
        else:
            assert (result.status, result.message) == ("illegal", cmds.ALREADY_FINISHED), name
    # Past the end but not yet settled: still refused, with the same words.
    assert run(start(R, C, T0), "next", T0 + TPL.total + 5).message == cmds.ALREADY_FINISHED


def test_a_barrier_halts_the_timeline_until_continued():
    s = start(R, C, T0)
    s = do(s, "barrier", T0 + 1, segment=7)
    halted = pos(s, start_of(7) + 30)
    assert (halted.segment.index, halted.waiting, halted.seconds_left_in_phase) == (7, True, None)
    assert halted.seconds_left_total == TPL.total - TPL.offsets[7]
    s = do(s, "next", start_of(7) + 30, at=start_of(7) + 31)  # next at a halt continues
    assert (s.anchor_index, s.anchor_at, s.barrier) == (7, start_of(7) + 31, None)
    assert pos(s, start_of(7) + 32).seconds_left_in_phase == pytest.approx(9)
    assert run(s, "barrier", start_of(7) + 40, segment=3).status == "illegal"  # already passed
    assert run(s, "continue", start_of(7) + 40).message == cmds.NOT_WAITING


def test_slower_at_a_barrier_keeps_the_halt_where_it_is():
    s = do(start(R, C, T0), "barrier", T0, segment=20)
    slow = do(s, "slower", start_of(20) + 5)
    p = pos(slow, start_of(20) + 500)
    assert (p.segment.index, p.waiting) == (20, True)
    resumed = do(slow, "continue", start_of(20) + 6)
    assert pos(resumed, start_of(20) + 6 + 5 + 5 + 1).count == 2  # the right side's hold, now 25 s long
    assert pos(resumed, start_of(20) + 6 + 5 + 5 + 24.5).kind == "hold"


def test_switching_mode_mid_session_keeps_the_current_segment():
    s = start(R, C, T0)
    now = start_of(4) + 2
    waiting = do(s, "set_mode", now, mode="wait")
    assert pos(waiting, now).seconds_left_in_phase == pytest.approx(pos(s, now).seconds_left_in_phase)
    assert pos(waiting, start_of(14) + 0.5).kind == "wait"  # stops after this exercise
    later = start_of(14) + 100
    leading = do(waiting, "set_mode", later, mode="lead")
    assert pos(leading, later + 1).kind == "transition"  # goes on at once
    assert run(leading, "set_mode", later + 2, mode="lead").message == cmds.SAME_MODE
    assert run(leading, "set_mode", later + 2, mode="loud").status == "illegal"


def test_next_twice_with_the_same_version_advances_once():
    s = start(R, C, T0)
    first = run(s, "next", T0 + 1, expected_version=s.version)
    second = run(first.state, "next", T0 + 1, expected_version=s.version)
    assert first.status == "applied" and first.state.version == s.version + 1
    assert (second.status, second.state) == ("duplicate", first.state)


def test_unknown_command_is_refused_in_plain_words():
    result = run(start(R, C, T0), "jump", T0)
    assert result.status == "illegal" and "jump" in result.message


def test_start_over_begins_a_new_run_with_the_same_pace_and_mode():
    s = start(R, C, T0, pace=1.5, mode="wait")
    again = do(s, "start_over", T0 + 50)
    assert (again.anchor_index, again.anchor_at, again.started_at, again.pace, again.mode) == (
        0,
        T0 + 50,
        T0 + 50,
        1.5,
        "wait",
    )


# ---------------------------------------------------------------- cues


def test_a_hold_is_cued_get_ready_three_two_one_then_counted_and_released():
    s = start(ONE_SET, C, T0)
    tpl = template_for(ONE_SET, C, 1.0, "lead")
    hold_at = T0 + tpl.offsets[2]
    found = [
        (c.at - hold_at, c.key, c.params.get("n")) for c in cues(s, ONE_SET, C, hold_at - 3, hold_at + 8.5)
    ]
    assert found == [
        (-3, "countdown", 3),
        (-2, "countdown", 2),
        (-1, "countdown", 1),
        (0, "hold_start", None),
        *[(n - 1, "count", n) for n in range(1, 9)],
        (8, "release", None),
        (8, "hold_start", None),  # the bridge's reps follow without a gap
        (8, "count", 1),
    ]


def test_long_holds_are_counted_in_fives_and_the_phone_shows_the_number_heard():
    assert count_marks(20) == [1, 5, 10, 15, 20] and count_marks(4) == [1, 2, 3, 4]
    s = start(R, C, T0)
    counts = [c for c in cues(s, R, C, start_of(17), start_of(18)) if c.key == "count"]
    assert [c.params["n"] for c in counts] == [1, 5, 10, 15, 20]
    for c in cues(s, R, C, T0, T0 + TPL.total):
        if c.key == "count":
            assert pos(s, c.at + 0.01).count == c.params["n"]


def test_cues_mark_every_change_and_the_end():
    s = start(R, C, T0)
    keys = [c.key for c in cues(s, R, C, T0, T0 + TPL.total + 1)]
    assert keys[0] == "intro" and keys[-1] == "well_done"
    assert {"get_ready", "rest", "switch_side", "next_up"} <= set(keys)
    switch = next(c for c in cues(s, R, C, T0, T0 + TPL.total) if c.key == "switch_side")
    assert switch.params == {"side": "right"} and switch.at == start_of(20)


def test_no_cues_while_paused_or_past_a_halt():
    s = start(R, C, T0, mode="wait")
    tpl = template_for(R, C, 1.0, "wait")
    wait_at = T0 + tpl.offsets[14]
    after = cues(s, R, C, wait_at + 0.5, wait_at + 1000)
    assert after == []
    paused = do(s, "pause", T0 + 5)
    assert cues(paused, R, C, T0 + 5, T0 + 1000) == []


# ---------------------------------------------------------------- timeline data


def test_timeline_data_is_json_and_agrees_with_position():
    s = do(start(R, C, T0), "next", T0 + 4)
    data = json.loads(json.dumps(timeline_data(s, R, C, T0 + 6)))
    assert data["version"] == s.version and data["server_now"] == T0 + 6
    assert data["anchor"] == {"index": 1, "at": T0 + 4, "duration": None}
    assert len(data["segments"]) == len(TPL) and data["total_seconds"] == TPL.total
    seg = data["segments"][17]
    assert (seg["kind"], seg["exercise_name"], seg["side"], seg["rep"], seg["reps"]) == (
        "hold",
        "Kneeling lunge",
        "left",
        1,
        2,
    )
    assert pos(s, seg["start"] + 0.01).segment.index == 17
    assert data["current"] == locate(s, R, C, T0 + 6).index == 1
    assert {c["key"] for c in data["cues"]} >= {"intro", "countdown", "count", "well_done"}


def test_segments_after_a_halt_have_no_start_yet():
    s = start(R, C, T0, mode="wait")
    data = timeline_data(s, R, C, T0)
    starts = [row["start"] for row in data["segments"]]
    assert starts[14] is not None and starts[15] is None  # the wait has begun... and nothing after it


# ---------------------------------------------------------------- stored state


def test_state_round_trips_through_json():
    s = do(do(start(R, C, T0, mode="wait"), "barrier", T0, segment=9), "pause", T0 + 3)
    assert SessionState.from_dict(json.loads(json.dumps(s.to_dict()))) == s


def test_from_dict_refuses_nonsense():
    good = start(R, C, T0).to_dict()
    for bad in (
        {**good, "pace": 1.1},
        {**good, "mode": "fast"},
        {**good, "outcome": "won"},
        {**good, "x": 1},
    ):
        with pytest.raises(ValueError):
            SessionState.from_dict(bad)
    with pytest.raises(ValueError):
        SessionState.from_dict({**good, "anchor_index": 99}).check(TPL)


def old_state(**fields):
    base = {
        "routine_id": "mixed",
        "version": 7,
        "block_index": 0,
        "phase": "instructions",
        "phase_started_at": None,
        "paused_at": None,
        "pace": 1.0,
        "started_at": T0,
        "finished_at": None,
        "outcome": None,
        "block_pace": None,
    }
    return {**base, **fields}


def test_an_old_engines_hold_carries_on_and_then_waits_as_it_used_to():
    s = SessionState.from_dict(old_state(block_index=2, phase="holding", phase_started_at=T0 + 100), R, C)
    assert (s.anchor_index, s.anchor_at, s.version, s.mode) == (17, T0 + 100, 7, "lead")
    assert pos(s, T0 + 101).kind == "hold" and pos(s, T0 + 101).side == "left"
    halted = pos(s, T0 + 1000)
    assert pos(s, T0 + 146).kind == "switch_sides"  # hold 20, release 5, hold 20
    assert (halted.segment.index, halted.waiting) == (21, True)  # the next block waits, as it used to


def test_old_engines_instructions_rest_and_done_are_converted():
    told = SessionState.from_dict(old_state(block_index=2), R, C)
    assert (told.anchor_index, told.anchor_at) == (16, None)  # halted at the lunge's get-ready
    assert pos(told, T0 + 5000).waiting
    resting = SessionState.from_dict(
        old_state(block_index=0, phase="resting", phase_started_at=T0 + 50), R, C
    )
    assert (resting.anchor_index, resting.anchor_at, resting.barrier) == (7, T0 + 50, 8)
    end_of_exercise = SessionState.from_dict(
        old_state(block_index=1, phase="resting", phase_started_at=T0), R, C
    )
    assert (end_of_exercise.anchor_index, end_of_exercise.anchor_at) == (15, None)  # the lunge's intro
    done = SessionState.from_dict(
        old_state(phase="done", finished_at=T0 + 9, outcome="stopped", block_index=3), R, C
    )
    assert (done.done, done.outcome, done.finished_at) == (True, "stopped", T0 + 9)
    with pytest.raises(ValueError):
        SessionState.from_dict(old_state())  # converting needs the routine and catalogue


# ---------------------------------------------------------------- the real catalogue


def test_every_real_routine_left_alone_finishes_at_its_template_length(catalogue):
    for routine in catalogue.routines.values():
        tpl = template_for(routine, catalogue, 1.0, "lead")
        s = start(routine, catalogue, T0)
        assert not settle(s, routine, catalogue, T0 + tpl.total - 0.001).done
        done = settle(s, routine, catalogue, T0 + tpl.total)
        assert done.outcome == "completed" and done.finished_at == T0 + tpl.total


def test_the_plank_and_the_foam_roller_get_a_longer_get_ready(catalogue):
    lead_ins: dict[str, int] = {}
    for routine in catalogue.routines.values():
        for seg in template_for(routine, catalogue, 1.0, "lead").segments:
            if seg.kind == "get_ready":
                lead_ins[seg.exercise_id] = max(lead_ins.get(seg.exercise_id, 0), seg.duration or 0)
    assert (
        lead_ins["plank"] > 5
        and lead_ins["foam-roller-release"] > 5
        and lead_ins["bolster-psoas-stretch"] > 5
    )


def test_pace_levels_are_ordered_and_include_normal():
    assert list(PACE_LEVELS) == sorted(PACE_LEVELS) and 1.0 in PACE_LEVELS


def test_the_old_engines_fields_are_derived_for_todays_front_ends():
    from shared_content.engine.legacy import legacy_view

    s = start(R, C, T0)
    told = legacy_view(s, R, C, T0 + 1)
    assert (told.phase, told.block_index, told.phase_started_at) == ("instructions", 0, None)
    ready = legacy_view(s, R, C, T0 + 13)  # in the get-ready: the old "holding" with rep 1 ahead
    assert (ready.phase, ready.block_index, ready.phase_started_at) == ("holding", 0, start_of(2))
    resting = legacy_view(s, R, C, start_of(7) + 1)  # the rest after set 1 belongs to set 1
    assert (resting.phase, resting.block_index, resting.phase_started_at) == ("resting", 0, start_of(7))
    lunge = legacy_view(s, R, C, start_of(15) + 1)
    assert (lunge.phase, lunge.block_index) == ("instructions", 2)
    assert legacy_view(s, R, C, T0 + TPL.total).phase == "done"
    assert told.to_dict() == s.to_dict()  # never stored with the old fields
    assert SessionState.from_dict(told.to_dict()) == s
    # Equal when the old fields are too (they are worked out when first read)
    assert told == legacy_view(s, R, C, T0 + 2) and hash(told) == hash(legacy_view(s, R, C, T0 + 2))
    assert told != ready and told.version == s.version and told.pace == s.pace


def test_a_pause_and_resume_tapped_a_while_ago_take_effect_then_and_never_in_the_future():
    s = start(R, C, T0)
    now = T0 + 60
    paused = do(s, "pause", now, at=T0 + 20)
    assert paused.paused_at == T0 + 20
    resumed = do(paused, "resume", now, at=T0 + 50)
    assert resumed.anchor_at == T0 + 30  # 30 s paused, not 40 (now) or 0
    # The voice's "at" is now plus its lead-in: a pause never starts in the future.
    assert do(s, "pause", now, at=now + 5).paused_at == now
    # Nor before the run began, nor a resume before its pause.
    assert do(s, "pause", now, at=T0 - 100).paused_at == T0
    assert do(paused, "resume", now, at=T0).anchor_at == T0
