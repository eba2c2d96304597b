"""The cue schedule: what both front ends announce, and when, on the session's timeline.

A cue is (at, key, params): `at` an absolute time on the server's clock, `key` what happens,
`params` the details a front end needs to word it from its own phrase files. The voice and
the phone turn the same cues into speech, tones or text, so they cannot disagree.

    intro       {exercise, guidance}      an exercise's (or guidance item's) introduction starts
    get_ready   {exercise, side, set_no, sets, seconds}   get into position
    countdown   {n}                       3, 2, 1 in the seconds before a hold
    hold_start  {exercise, rep, reps, seconds}
    count       {n}                       heard when n - 1 seconds of the hold have passed ("1" at the start)
    release     {rep, reps}               a hold ends
    rest        {seconds}
    switch_side {side}                    the side to switch to
    next_up     {exercise}                moving on to the next exercise
    wait        {exercise}                "wait for me": the routine waits to be continued
    well_done   {}                        the routine's end
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared_content.vocabulary import count_marks

from .segments import Segment, Template
from .shapes import CatalogueLike, RoutineLike
from .state import SessionState
from .timeline import end_time, starts, template_of

COUNTDOWN_FROM = 3

CUE_KEYS: tuple[str, ...] = (
    "intro",
    "get_ready",
    "countdown",
    "hold_start",
    "count",
    "release",
    "rest",
    "switch_side",
    "next_up",
    "wait",
    "well_done",
)


@dataclass(frozen=True)
class Cue:
    at: float
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at, "key": self.key, "params": dict(self.params)}


def segment_cues(seg: Segment, start: float, length: float) -> list[Cue]:
    """The cues of one segment that starts at `start` and lasts `length` seconds."""
    ex = seg.exercise_id
    if seg.kind == "intro":
        return [Cue(start, "intro", {"exercise": ex, "guidance": seg.reps == 0})]
    if seg.kind == "get_ready":
        params = {"exercise": ex, "side": seg.side, "set_no": seg.set_no, "sets": seg.sets, "seconds": length}
        out = [Cue(start, "get_ready", params)]
        end = start + length
        for n in range(COUNTDOWN_FROM, 0, -1):
            if end - n > start:  # only numbers that fit after "get ready"
                out.append(Cue(end - n, "countdown", {"n": n}))
        return out
    if seg.kind == "hold":
        params = {"exercise": ex, "rep": seg.rep, "reps": seg.reps, "seconds": length}
        out = [Cue(start, "hold_start", params)]
        out += [Cue(start + (n - 1), "count", {"n": n}) for n in count_marks(int(length))]
        out.append(Cue(start + length, "release", {"rep": seg.rep, "reps": seg.reps}))
        return out
    if seg.kind == "rest":
        return [Cue(start, "rest", {"seconds": length})]
    if seg.kind == "switch_sides":
        return [Cue(start, "switch_side", {"side": seg.side})]
    if seg.kind == "transition":
        return [Cue(start, "next_up", {"exercise": ex})]
    if seg.kind == "wait":
        return [Cue(start, "wait", {"exercise": ex})]
    return []  # release: its cue is the hold's end


def segment_length(state: SessionState, seg: Segment) -> float:
    """The segment's length as the state plays it (0 for an open-ended wait)."""
    if seg.duration is None:
        return 0.0
    if seg.index == state.anchor_index and state.anchor_duration is not None:
        return state.anchor_duration
    return float(seg.duration)


def cues_in(state: SessionState, tpl: Template, start: float, until: float) -> list[Cue]:
    """Cues with start <= at < until that the state plans (nothing past a halt or a pause)."""
    if state.done:
        return []
    times = starts(state, tpl)
    frozen = state.paused_at if state.paused_at is not None else float("inf")
    out: list[Cue] = []
    for seg, begin in zip(tpl.segments, times, strict=True):
        if begin is None:
            continue
        length = segment_length(state, seg)
        if begin + length < start or begin >= until:
            continue
        out += segment_cues(seg, begin, length)
    finish = end_time(state, tpl)
    if finish is not None:
        out.append(Cue(finish, "well_done", {}))
    return [c for c in out if start <= c.at < until and c.at < frozen]


def cues(
    state: SessionState, routine: RoutineLike, catalogue: CatalogueLike, start: float, until: float
) -> list[Cue]:
    """The cue schedule between `start` and `until` (absolute times), in time order."""
    found = cues_in(state, template_of(state, routine, catalogue), start, until)
    return sorted(found, key=lambda c: c.at)
