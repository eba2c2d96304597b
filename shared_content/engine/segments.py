"""The session's timeline template: a routine unrolled into segments, at one pace and mode.

A running session is this sequence of segments played from an anchor (see timeline.py).
The template is a pure function of (routine, catalogue, pace, mode) and is cached per
process on a hashable summary of the exercises, so rebuilding it on every read is cheap.

Steps group segments into the units that next / previous / repeat jump between:

    step [intro]                                  the first exercise's introduction
    step [get_ready, hold, release, ..., hold]    a block: one set of one side
    step [rest | switch_sides, get_ready, hold, ...]   each further block
    step [wait?, transition, intro]               each further exercise (wait: "wait for me" mode)

A rest or a side switch opens the block it leads into, so "previous" during a rest goes back
to the set just done and "next" during a hold ends the set early (into the rest), as before.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from shared_content.timing import (
    GET_READY_SECONDS,
    TRANSITION_SECONDS,
    between_blocks_seconds,
    get_ready_seconds,
    intro_length,
)

from .plan import Side, check_pace, intro_seconds, paced_hold
from .shapes import CatalogueLike, ExerciseLike, RoutineLike

SegmentKind = Literal["intro", "get_ready", "hold", "release", "rest", "switch_sides", "transition", "wait"]
Mode = Literal["lead", "wait"]
MODES: tuple[str, ...] = ("lead", "wait")
# Pauses between blocks. Each opens the step of the block it leads to, so "next" during one
# starts that block at once rather than jumping past it (the player reads `gap` from the data).
GAP_KINDS: frozenset[str] = frozenset({"rest", "switch_sides", "transition"})

# The numbers (and get_ready_seconds) are shared with the catalogue's durations: shared_content/timing.py.


@dataclass(frozen=True)
class Segment:
    index: int
    kind: SegmentKind
    duration: int | None  # seconds; None = open-ended (a "wait for me" stop)
    exercise_id: str
    exercise_index: int
    side: Side | None  # the side this segment is about (switch_sides: the side to switch to)
    set_no: int
    sets: int
    rep: int  # 1-based; 0 outside holds and releases
    reps: int
    step: int

    @property
    def gap(self) -> bool:
        return self.kind in GAP_KINDS

    def to_dict(self) -> dict[str, object]:
        return {
            "index": self.index,
            "kind": self.kind,
            "duration": self.duration,
            "exercise_id": self.exercise_id,
            "exercise_index": self.exercise_index,
            "side": self.side,
            "set_no": self.set_no,
            "sets": self.sets,
            "rep": self.rep,
            "reps": self.reps,
            "step": self.step,
            "gap": self.gap,
        }


@dataclass(frozen=True)
class ExerciseSpec:
    """The catalogue fields the template depends on: hashable, so templates can be cached."""

    id: str
    kind: str
    category: str
    position: str
    equipment: tuple[str, ...]
    hold_seconds: int
    repetitions: int
    rep_gap_seconds: int
    sets: int
    rest_seconds: int
    per_side: bool
    intro_seconds: int

    @classmethod
    def of(cls, exercise: ExerciseLike) -> ExerciseSpec:
        return cls(
            id=exercise.id,
            kind=exercise.kind,
            category=exercise.category,
            position=exercise.position,
            equipment=tuple(sorted(exercise.equipment)),
            hold_seconds=exercise.hold_seconds,
            repetitions=exercise.repetitions,
            rep_gap_seconds=exercise.rep_gap_seconds,
            sets=exercise.sets,
            rest_seconds=exercise.rest_seconds,
            per_side=exercise.per_side,
            intro_seconds=intro_seconds(exercise),
        )


@dataclass(frozen=True)
class Template:
    segments: tuple[Segment, ...]
    offsets: tuple[int, ...]  # offsets[i]: seconds before segment i (open-ended count 0); len n + 1
    step_starts: tuple[int, ...]  # first segment index of each step
    waits: tuple[int, ...]  # indices of open-ended segments, ascending
    intros: tuple[int, ...]  # index of each exercise's intro segment

    @property
    def total(self) -> int:
        """Seconds from the first segment's start to the end, waits excluded."""
        return self.offsets[-1]

    def __len__(self) -> int:
        return len(self.segments)

    def step_start(self, step: int) -> int:
        return self.step_starts[step]

    @property
    def last_step(self) -> int:
        return len(self.step_starts) - 1

    def first_wait_after(self, index: int) -> int | None:
        """The first open-ended segment with an index greater than `index`."""
        i = bisect.bisect_right(self.waits, index)
        return self.waits[i] if i < len(self.waits) else None


class _Builder:
    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self.step = -1

    def new_step(self) -> None:
        self.step += 1

    def add(
        self,
        kind: SegmentKind,
        duration: int | None,
        spec: ExerciseSpec,
        index: int,
        side: Side | None = None,
        set_no: int = 0,
        rep: int = 0,
    ) -> None:
        sets, reps = (0, 0) if spec.kind == "guidance" else (spec.sets, spec.repetitions)
        self.segments.append(
            Segment(
                len(self.segments), kind, duration, spec.id, index, side, set_no, sets, rep, reps, self.step
            )
        )


def _add_blocks(
    b: _Builder, spec: ExerciseSpec, index: int, previous: ExerciseSpec | None, pace: float
) -> None:
    hold = paced_hold(spec.hold_seconds, pace)
    sides: tuple[Side | None, ...] = ("left", "right") if spec.per_side else (None,)
    first = True
    for set_no in range(1, spec.sets + 1):
        for side in sides:
            if not first:
                b.new_step()
                gap = between_blocks_seconds(spec, side)
                if side == "right" and spec.per_side:
                    b.add("switch_sides", gap, spec, index, side, set_no)
                elif gap > 0:
                    b.add("rest", gap, spec, index, side, set_no)
            lead = get_ready_seconds(spec, previous) if first else GET_READY_SECONDS
            if first:
                b.new_step()  # the intro is its own step; the first block starts the next one
            b.add("get_ready", lead, spec, index, side, set_no)
            for rep in range(1, spec.repetitions + 1):
                if rep > 1 and spec.rep_gap_seconds > 0:
                    b.add("release", spec.rep_gap_seconds, spec, index, side, set_no, rep - 1)
                b.add("hold", hold, spec, index, side, set_no, rep)
            first = False


@lru_cache(maxsize=256)
def _build(specs: tuple[ExerciseSpec, ...], pace: float, mode: str) -> Template:
    b = _Builder()
    intros: list[int] = []
    for index, spec in enumerate(specs):
        b.new_step()
        if index > 0:
            if mode == "wait":
                b.add("wait", None, specs[index - 1], index - 1)
            b.add("transition", TRANSITION_SECONDS, spec, index)
        intros.append(len(b.segments))
        b.add("intro", intro_length(spec), spec, index)
        if spec.kind != "guidance":
            _add_blocks(b, spec, index, specs[index - 1] if index > 0 else None, pace)
    segments = tuple(b.segments)
    offsets = [0]
    for seg in segments:
        offsets.append(offsets[-1] + (seg.duration or 0))
    step_starts: list[int] = []
    for seg in segments:
        if seg.step == len(step_starts):
            step_starts.append(seg.index)
    waits = tuple(s.index for s in segments if s.duration is None)
    return Template(segments, tuple(offsets), tuple(step_starts), waits, tuple(intros))


def check_mode(mode: str) -> Mode:
    if mode == "lead":
        return "lead"
    if mode == "wait":
        return "wait"
    raise ValueError(f"mode must be one of {MODES}, not {mode!r}")


# Specs by exercise object (the catalogue's models are frozen and long-lived). An entry holds its
# exercise, so the id it is keyed by cannot be reused while the entry exists.
_SPECS: dict[int, tuple[ExerciseLike, ExerciseSpec]] = {}
_MAX_SPECS = 1024


def spec_of(exercise: ExerciseLike) -> ExerciseSpec:
    found = _SPECS.get(id(exercise))
    if found is not None and found[0] is exercise:
        return found[1]
    if len(_SPECS) >= _MAX_SPECS:
        _SPECS.clear()
    spec = ExerciseSpec.of(exercise)
    _SPECS[id(exercise)] = (exercise, spec)
    return spec


def exercise_specs(routine: RoutineLike, catalogue: CatalogueLike) -> tuple[ExerciseSpec, ...]:
    if not routine.exercise_ids:
        raise ValueError(f"routine {routine.id!r} has no exercises")
    return tuple(spec_of(routine.exercise(catalogue, eid)) for eid in routine.exercise_ids)


# Templates by (routine object, catalogue object, pace, mode): a command looks the template up
# several times (settle, position, the legacy view, timeline data), and hashing the exercise specs
# for `_build`'s cache each time cost more than the lookup. An entry holds the routine and the
# catalogue, so the ids it is keyed by cannot be reused while it exists; the catalogue's models
# are frozen, so a routine object's template never changes.
_TEMPLATES: dict[tuple[int, int, float, str], tuple[RoutineLike, CatalogueLike, Template]] = {}
_MAX_TEMPLATES = 1024


def template_for(routine: RoutineLike, catalogue: CatalogueLike, pace: float, mode: str) -> Template:
    """The routine's segments at this pace and mode (cached: same inputs, same object)."""
    key = (id(routine), id(catalogue), pace, mode)
    found = _TEMPLATES.get(key)
    if found is not None and found[0] is routine and found[1] is catalogue:
        return found[2]
    tpl = _build(exercise_specs(routine, catalogue), check_pace(pace), check_mode(mode))
    if len(_TEMPLATES) >= _MAX_TEMPLATES:
        _TEMPLATES.clear()
    _TEMPLATES[key] = (routine, catalogue, tpl)
    return tpl
