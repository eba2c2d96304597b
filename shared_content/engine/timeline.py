"""Where the session is in time: `locate` (the segment at `now`), `settle` and `position`.

From the anchor (segment k starts at anchor_at) segments follow one another back to back.
Time stops at three kinds of place: an open-ended "wait" segment (in it, for as long as it
takes), a barrier (at the start of that segment, until continued) and the end (done). While
paused, time stands still at paused_at. That is the whole rule; the phone's player.js applies
the same rule to the same numbers.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, replace

from .plan import paced_hold
from .segments import Segment, Template, template_for
from .shapes import CatalogueLike, ExerciseLike, RoutineLike
from .state import SessionState

PHASE_OF_KIND: dict[str, str] = {
    "intro": "instructions",
    "wait": "instructions",
    "get_ready": "holding",
    "hold": "holding",
    "release": "holding",
    "rest": "resting",
    "switch_sides": "resting",
    "transition": "resting",
}


@dataclass(frozen=True)
class Cursor:
    """The segment at a moment. `start`/`end` are absolute times; None where not yet known."""

    index: int
    start: float | None  # None: halted before the segment began (barrier, or an unstarted anchor)
    end: float | None  # None: open-ended (wait), halted, or paused-forever unknown
    t: float  # the effective moment (paused_at while paused)
    halted: bool = False  # waiting at the start of `index` for "continue"
    done: bool = False
    ended_at: float | None = None  # when the timeline ran out (done by time)

    @property
    def waiting(self) -> bool:
        """Nothing moves until someone continues: a barrier, or an open-ended wait segment."""
        return self.halted or (not self.done and self.start is not None and self.end is None)


def template_of(state: SessionState, routine: RoutineLike, catalogue: CatalogueLike) -> Template:
    if state.routine_id != routine.id:
        raise ValueError(f"state is for routine {state.routine_id!r}, not {routine.id!r}")
    return template_for(routine, catalogue, state.pace, state.mode)


def effective_now(state: SessionState, now: float) -> float:
    """While paused, time stands still at the paused moment."""
    return state.paused_at if state.paused_at is not None else now


def anchor_length(state: SessionState, tpl: Template) -> float | None:
    duration = tpl.segments[state.anchor_index].duration
    if duration is None:
        return None
    return state.anchor_duration if state.anchor_duration is not None else float(duration)


def stop_index(state: SessionState, tpl: Template) -> int:
    """The first place after the anchor where time stops: a wait, the barrier, or len(tpl) (the end)."""
    stop = len(tpl)
    wait = tpl.first_wait_after(state.anchor_index)
    if wait is not None:
        stop = wait
    if state.barrier is not None:
        stop = min(stop, state.barrier)
    return stop


def locate_in(state: SessionState, tpl: Template, now: float) -> Cursor:
    t = effective_now(state, now)
    k = state.anchor_index
    if state.done:
        return Cursor(k, None, None, t, done=True, ended_at=state.finished_at)
    if state.anchor_at is None:
        return Cursor(k, None, None, t, halted=True)
    length = anchor_length(state, tpl)
    if length is None:
        return Cursor(k, state.anchor_at, None, t)
    end_k = state.anchor_at + length
    if t < end_k:
        return Cursor(k, state.anchor_at, end_k, t)
    base = end_k - tpl.offsets[k + 1]  # segment i (k < i <= stop) starts at base + offsets[i]
    stop = stop_index(state, tpl)
    stop_at = base + tpl.offsets[stop]
    if t >= stop_at:
        if stop == len(tpl):
            last = len(tpl) - 1
            start = state.anchor_at if last == k else base + tpl.offsets[last]
            return Cursor(last, start, stop_at, t, done=True, ended_at=stop_at)
        if stop == state.barrier:
            return Cursor(stop, None, None, t, halted=True)
        return Cursor(stop, stop_at, None, t)  # in an open-ended wait
    i = max(k + 1, bisect.bisect_right(tpl.offsets, t - base, k + 1, stop) - 1)
    return Cursor(i, base + tpl.offsets[i], base + tpl.offsets[i + 1], t)


def locate(state: SessionState, routine: RoutineLike, catalogue: CatalogueLike, now: float) -> Cursor:
    return locate_in(state, template_of(state, routine, catalogue), now)


def starts(state: SessionState, tpl: Template) -> list[float | None]:
    """Every segment's absolute start as the state plans it: known up to the first stop,
    None after it (it depends on when someone continues). Before the anchor: as if played
    back to back (history, for display only)."""
    k = state.anchor_index
    out: list[float | None] = [None] * len(tpl)
    if state.anchor_at is None:
        return out
    for i in range(k):
        out[i] = state.anchor_at - (tpl.offsets[k] - tpl.offsets[i])
    out[k] = state.anchor_at
    length = anchor_length(state, tpl)
    if length is None:
        return out
    base = state.anchor_at + length - tpl.offsets[k + 1]
    stop = stop_index(state, tpl)
    for i in range(k + 1, min(stop, len(tpl) - 1) + 1):
        out[i] = base + tpl.offsets[i]
    if stop == state.barrier:
        out[stop] = None
    return out


def end_time(state: SessionState, tpl: Template) -> float | None:
    """When the timeline runs out if nothing stops it, or None when a wait or barrier comes first."""
    if state.anchor_at is None or stop_index(state, tpl) != len(tpl):
        return None
    length = anchor_length(state, tpl)
    assert length is not None  # no wait after the anchor, and the anchor is not one either
    return state.anchor_at + length + (tpl.offsets[-1] - tpl.offsets[state.anchor_index + 1])


def settle_in(state: SessionState, tpl: Template, now: float) -> SessionState:
    if state.done:
        return state
    cursor = locate_in(state, tpl, now)
    if not cursor.done:
        return state
    # The anchor moves to the last segment, so a finished session shows where it ended.
    kept = state.anchor_duration if cursor.index == state.anchor_index else None
    return replace(
        state,
        anchor_index=cursor.index,
        anchor_at=cursor.start,
        anchor_duration=kept,
        outcome="completed",
        finished_at=cursor.ended_at,
        paused_at=None,
        barrier=None,
    )


def settle(state: SessionState, routine: RoutineLike, catalogue: CatalogueLike, now: float) -> SessionState:
    """Progress by time alone, without a version change: once the timeline has ended the
    session is done ("completed", finished_at = the moment it ended). Otherwise unchanged."""
    return settle_in(state, template_of(state, routine, catalogue), now)


@dataclass(frozen=True)
class Position:
    exercise: ExerciseLike
    exercise_index: int
    exercise_count: int
    side: str | None
    set_no: int
    sets: int
    rep: int  # 1-based
    reps: int
    phase: str  # "instructions" | "holding" | "resting" | "done" (the old engine's phases)
    seconds_left_in_phase: float | None  # of the current segment; None when open-ended or halted
    phase_ends_at: float | None  # wall time that countdown reaches 0; None while paused or without a timer
    hold_seconds: int
    in_rep_hold: bool  # holding right now (False in get-ready, releases and lead-ins)
    paused: bool
    next_exercise: ExerciseLike | None
    seconds_left_total: int
    progress: float  # 0..1
    version: int
    # The timeline's own terms (wave 2 front ends read these).
    segment: Segment
    kind: str  # the segment's kind, "done" when finished
    step: int
    waiting: bool  # halted at a barrier or in a "wait for me" stop: nothing moves until continued
    count: int | None  # the number shown during a hold: the one last heard (see cues.count_at)
    segment_started_at: float | None
    mode: str
    done: bool


def _rep_for(seg: Segment) -> int:
    if seg.kind in ("hold", "release"):
        return seg.rep
    if seg.kind in ("rest", "switch_sides"):
        return max(1, seg.reps)  # a rest follows the block's last rep
    return 1


def hold_count(elapsed: float, hold_seconds: float) -> int:
    """The count heard `elapsed` seconds into a hold: "1" at its start, one more each second
    (vocabulary.count_marks: the voice says some of these numbers, each at this moment)."""
    return min(round(hold_seconds), math.floor(elapsed) + 1)


def position(state: SessionState, routine: RoutineLike, catalogue: CatalogueLike, now: float) -> Position:
    """Everything a front end needs to show or say about the session at `now` (settled first)."""
    tpl = template_of(state, routine, catalogue)
    state = settle_in(state, tpl, now)
    c = locate_in(state, tpl, now)
    seg = tpl.segments[c.index]
    ids = list(routine.exercise_ids)
    exercise = routine.exercise(catalogue, seg.exercise_id)
    left = None if c.end is None or c.done else max(0.0, c.end - c.t)
    if c.done:
        remaining = 0.0
    elif c.halted:
        remaining = float(tpl.offsets[-1] - tpl.offsets[c.index])
    else:
        remaining = (left or 0.0) + (tpl.offsets[-1] - tpl.offsets[c.index + 1])
    seconds_left_total = max(0, math.ceil(remaining - 1e-9))
    whole = tpl.total
    progress = 1.0 if c.done or whole <= 0 else min(1.0, max(0.0, 1 - remaining / whole))
    count = None
    in_hold = seg.kind == "hold" and not c.done and c.start is not None and c.t >= c.start
    if in_hold and c.start is not None and c.end is not None:
        count = hold_count(c.t - c.start, c.end - c.start)
    next_index = seg.exercise_index + 1
    timed = exercise.kind != "guidance"
    return Position(
        exercise=exercise,
        exercise_index=seg.exercise_index,
        exercise_count=len(ids),
        side=seg.side,
        set_no=max(1, seg.set_no),
        sets=max(1, seg.sets),
        rep=seg.reps if c.done else _rep_for(seg),
        reps=max(1, seg.reps),
        phase="done" if c.done else PHASE_OF_KIND[seg.kind],
        seconds_left_in_phase=left,
        phase_ends_at=None if state.paused or c.done else c.end,
        hold_seconds=paced_hold(exercise.hold_seconds, state.pace) if timed else 0,
        in_rep_hold=in_hold,
        paused=state.paused,
        next_exercise=routine.exercise(catalogue, ids[next_index])
        if next_index < len(ids) and not c.done
        else None,
        seconds_left_total=seconds_left_total,
        progress=progress,
        version=state.version,
        segment=seg,
        kind="done" if c.done else seg.kind,
        step=seg.step,
        waiting=c.waiting,
        count=count,
        segment_started_at=c.start,
        mode=state.mode,
        done=c.done,
    )
