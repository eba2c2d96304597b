"""Where the session is in time: `settle` (time-only progress) and `position` (what to show or say).

Inside a block, rep k (0-based) holds from `start + k * (hold + gap)` for `hold` seconds;
the block ends when the last rep's hold ends (no gap after it). Both front ends derive the
count from this one formula, so they agree without talking to each other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from .plan import Block, intro_seconds, plan_for
from .state import SessionState


@dataclass(frozen=True)
class Position:
    exercise: Any  # the catalogue Exercise
    exercise_index: int
    exercise_count: int
    side: str | None
    set_no: int
    sets: int
    rep: int  # 1-based
    reps: int
    phase: str
    seconds_left_in_phase: float | None  # of the current hold, gap, lead-in or rest; None without a timer
    phase_ends_at: float | None  # wall time that countdown reaches 0; None while paused or without a timer
    hold_seconds: int
    in_rep_hold: bool  # holding right now (False in the lead-in and release gaps)
    paused: bool
    next_exercise: Any | None
    seconds_left_total: int
    progress: float  # 0..1
    version: int


def current_block(
    state: SessionState, routine: Any, catalogue: Any, plan: list[Block] | None = None
) -> Block:
    """The block being done, with the hold it was started with (pace changes wait for the next block)."""
    if state.phase == "holding" and state.block_pace is not None and state.block_pace != state.pace:
        return plan_for(routine, catalogue, state.block_pace)[state.block_index]
    if plan is None:
        plan = plan_for(routine, catalogue, state.pace)
    return plan[state.block_index]


def _check_routine(state: SessionState, routine: Any) -> None:
    if state.routine_id != routine.id:
        raise ValueError(f"state is for routine {state.routine_id!r}, not {routine.id!r}")


def effective_now(state: SessionState, now: float) -> float:
    """While paused, time stands still at the paused moment."""
    return state.paused_at if state.paused_at is not None else now


def settle(state: SessionState, routine: Any, catalogue: Any, now: float) -> SessionState:
    """Progress that happens by time alone, without a version change.

    Only one move exists: a hold whose last rep has ended becomes a rest that began when
    that rep ended (a rest of 0 s when the exercise is over). A rest that has run out
    stays a rest at 0 s left: moving into another block needs a command ("next").
    """
    _check_routine(state, routine)
    if state.phase != "holding" or state.phase_started_at is None:
        return state
    block = current_block(state, routine, catalogue)
    ends_at = state.phase_started_at + block.active_seconds
    if effective_now(state, now) < ends_at:
        return state
    return replace(state, phase="resting", phase_started_at=ends_at, block_pace=None)


def _remaining_after(plan: list[Block], index: int, intros: dict[int, int]) -> int:
    """Seconds for every block after `index`, with each new exercise's intro."""
    total = 0
    for block in plan[index + 1 :]:
        if block.first_of_exercise:
            total += intros[block.exercise_index]
        total += block.active_seconds + block.rest_seconds
    return total


def _hold_position(block: Block, start: float, t: float) -> tuple[int, bool, float, float]:
    """(rep 1-based, in_rep_hold, seconds left in this hold/gap/lead-in, when it ends)."""
    if t < start:
        return 1, False, start - t, start
    cycle = block.hold_seconds + block.rep_gap_seconds
    k = min(int((t - start) // cycle), block.reps - 1) if cycle > 0 else 0
    rep_start = start + k * cycle
    hold_end = rep_start + block.hold_seconds
    if t < hold_end:
        return k + 1, True, hold_end - t, hold_end
    gap_end = rep_start + cycle
    return k + 1, False, max(0.0, gap_end - t), gap_end


def position(state: SessionState, routine: Any, catalogue: Any, now: float) -> Position:
    """Everything a front end needs to show or say about the session at `now` (settled first)."""
    state = settle(state, routine, catalogue, now)
    t = effective_now(state, now)
    plan = plan_for(routine, catalogue, state.pace)
    block = current_block(state, routine, catalogue, plan)
    exercises = [catalogue.exercise(eid) for eid in routine.exercise_ids]
    intros = {i: intro_seconds(ex) for i, ex in enumerate(exercises)}
    later = _remaining_after(plan, state.block_index, intros)

    rep, in_hold, left, ends_at = 1, False, None, None
    if state.phase == "instructions":
        total = intros[block.exercise_index] + block.active_seconds + block.rest_seconds + later
    elif state.phase == "holding":
        assert state.phase_started_at is not None
        rep, in_hold, left, ends_at = _hold_position(block, state.phase_started_at, t)
        block_end = state.phase_started_at + block.active_seconds
        total = (block_end - t) + block.rest_seconds + later
    elif state.phase == "resting":
        assert state.phase_started_at is not None
        rep = block.reps
        ends_at = state.phase_started_at + block.rest_seconds
        left = max(0.0, ends_at - t)
        total = left + later
    else:  # done
        rep, total = block.reps, 0

    whole = _remaining_after(plan, -1, intros)  # the whole routine at the current pace
    seconds_left_total = max(0, math.ceil(total))
    progress = (
        1.0 if state.phase == "done" or whole <= 0 else min(1.0, max(0.0, 1 - seconds_left_total / whole))
    )
    next_index = block.exercise_index + 1
    return Position(
        exercise=exercises[block.exercise_index],
        exercise_index=block.exercise_index,
        exercise_count=len(exercises),
        side=block.side,
        set_no=block.set_no,
        sets=block.sets,
        rep=rep,
        reps=block.reps,
        phase=state.phase,
        seconds_left_in_phase=left,
        phase_ends_at=None if state.paused else ends_at,
        hold_seconds=block.hold_seconds,
        in_rep_hold=in_hold,
        paused=state.paused,
        next_exercise=exercises[next_index]
        if next_index < len(exercises) and state.phase != "done"
        else None,
        seconds_left_total=seconds_left_total,
        progress=progress,
        version=state.version,
    )
