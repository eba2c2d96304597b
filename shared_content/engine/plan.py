"""The plan: a routine unrolled into blocks, and pace.

A block is one set of one side of one exercise; a guidance item is a single block with
no hold. The plan is recomputed whenever needed (routines are a handful of exercises),
so a session state never stores it: the state names the routine and the pace, and any
process with the same catalogue rebuilds the same plan.

Pace is a multiplier on hold length: 1.0 is the catalogue's hold, 2.0 holds twice as
long. "slower" therefore moves *up* one level and "faster" moves *down* one. The running
session's timeline is built from these blocks by `segments.py`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

from shared_content.vocabulary import MAX_HOLD_SECONDS as MAX_HOLD_SECONDS
from shared_content.vocabulary import MIN_AUTHORED_HOLD_SECONDS as MIN_HOLD_SECONDS

# Re-exported (explicitly, for mypy) because the front ends read the limits from here.
from .shapes import CatalogueLike, ExerciseLike, RoutineLike

Side = Literal["left", "right"]

PACE_LEVELS: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)


@dataclass(frozen=True)
class Block:
    exercise_id: str
    exercise_index: int  # position of the exercise in routine.exercise_ids
    side: Side | None
    set_no: int  # 1-based
    sets: int
    reps: int
    hold_seconds: int  # pace applied, clamped (see paced_hold; 0 for guidance)
    rep_gap_seconds: int
    rest_seconds: int  # rest after this block; 0 after an exercise's last block
    is_guidance: bool
    first_of_exercise: bool

    @property
    def active_seconds(self) -> int:
        """Seconds from the first rep's start to the last rep's end (0 for guidance)."""
        if self.is_guidance:
            return 0
        return self.reps * self.hold_seconds + (self.reps - 1) * self.rep_gap_seconds


def check_pace(pace: float) -> float:
    if pace not in PACE_LEVELS:
        raise ValueError(f"pace must be one of {PACE_LEVELS}, not {pace!r}")
    return pace


def hold_limits(base_seconds: int) -> tuple[int, int]:
    """The shortest and longest a hold of `base_seconds` may become by pace: never below the
    catalogue's minimum for a timed hold (nor below the exercise's own hold, if that is shorter),
    never above the catalogue's maximum (nor above the exercise's own hold, if that is longer)."""
    return min(base_seconds, MIN_HOLD_SECONDS), max(base_seconds, MAX_HOLD_SECONDS)


def paced_hold(base_seconds: int, pace: float) -> int:
    """A hold at this pace, rounded half up (not banker's rounding) and clamped to `hold_limits`."""
    low, high = hold_limits(base_seconds)
    scaled = math.floor(base_seconds * pace + 0.5)
    return max(low, min(high, scaled))


def slower(pace: float) -> float | None:
    """The next longer-hold pace level, or None when already the slowest."""
    i = PACE_LEVELS.index(check_pace(pace))
    return PACE_LEVELS[i + 1] if i + 1 < len(PACE_LEVELS) else None


def faster(pace: float) -> float | None:
    """The next shorter-hold pace level, or None when already the fastest."""
    i = PACE_LEVELS.index(check_pace(pace))
    return PACE_LEVELS[i - 1] if i > 0 else None


def intro_seconds(exercise: ExerciseLike) -> int:
    """Time for reading the exercise out (the catalogue counts the words)."""
    return int(exercise.intro_seconds)


def _exercise_blocks(exercise: ExerciseLike, index: int, pace: float) -> list[Block]:
    if exercise.kind == "guidance":
        return [Block(exercise.id, index, None, 1, 1, 1, 0, 0, 0, True, True)]
    sides: tuple[Side | None, ...] = ("left", "right") if exercise.per_side else (None,)
    hold = paced_hold(exercise.hold_seconds, pace)
    blocks = [
        Block(
            exercise_id=exercise.id,
            exercise_index=index,
            side=side,
            set_no=set_no,
            sets=exercise.sets,
            reps=exercise.repetitions,
            hold_seconds=hold,
            rep_gap_seconds=exercise.rep_gap_seconds,
            rest_seconds=exercise.rest_seconds,
            is_guidance=False,
            first_of_exercise=False,
        )
        for set_no in range(1, exercise.sets + 1)
        for side in sides
    ]
    # The duration formula counts rests *between* blocks of an exercise only: the next
    # exercise's instructions are the break between exercises.
    blocks[0] = replace(blocks[0], first_of_exercise=True)
    blocks[-1] = replace(blocks[-1], rest_seconds=0)
    return blocks


def plan_for(routine: RoutineLike, catalogue: CatalogueLike, pace: float) -> list[Block]:
    """The routine's blocks in order, with holds at this pace."""
    check_pace(pace)
    if not routine.exercise_ids:
        raise ValueError(f"routine {routine.id!r} has no exercises")
    plan: list[Block] = []
    for index, exercise_id in enumerate(routine.exercise_ids):
        plan.extend(_exercise_blocks(routine.exercise(catalogue, exercise_id), index, pace))
    return plan


def first_block_of_exercise(plan: list[Block], exercise_index: int) -> int:
    for i, block in enumerate(plan):
        if block.exercise_index == exercise_index:
            return i
    raise IndexError(exercise_index)
