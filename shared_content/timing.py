"""How long things take: the one rule the catalogue's durations and the engine's timeline share.

The engine lays a routine out as segments (engine/segments.py) with these numbers; the catalogue
says how long an exercise or a routine runs (`Exercise.duration_seconds`,
`Routine.duration_seconds`) with `exercise_seconds` / `routine_seconds`, which add up the same
segments at pace 1 in "lead me through" mode. So `content list`, the pages and the voice quote
the length the timeline really runs. Pure: plain numbers in, seconds out; imports neither the
catalogue nor the engine (both import this).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

# Lead-in before a hold: long enough for "get ready" and a "3, 2, 1" countdown.
GET_READY_SECONDS = 5
# Extra lead-in at an exercise's first hold when the body must move between positions.
POSITION_CHANGE_SECONDS: dict[frozenset[str], int] = {
    frozenset({"floor", "standing"}): 10,
    frozenset({"floor", "seated"}): 6,
    frozenset({"seated", "standing"}): 4,
}
START_POSITION = "standing"  # where a person is when they start a routine (holding the phone)
NEW_EQUIPMENT_SECONDS = 10  # fetching and placing a foam roller or bolster the last exercise didn't use
LOAD_BEARING_SECONDS = 5  # a strengthening hold on the floor (a plank, ...) takes setting up
SWITCH_SIDES_SECONDS = 5
TRANSITION_SECONDS = 5  # "next up: ..." between two exercises


class Timed(Protocol):
    """The fields timing reads (the catalogue's Exercise and the engine's ExerciseSpec have them)."""

    @property
    def kind(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def position(self) -> str: ...
    @property
    def equipment(self) -> Sequence[str]: ...
    @property
    def hold_seconds(self) -> int: ...
    @property
    def repetitions(self) -> int: ...
    @property
    def rep_gap_seconds(self) -> int: ...
    @property
    def sets(self) -> int: ...
    @property
    def rest_seconds(self) -> int: ...
    @property
    def per_side(self) -> bool: ...
    @property
    def intro_seconds(self) -> int: ...


def intro_length(exercise: Timed) -> int:
    """The introduction segment: never zero, so every exercise is heard."""
    return max(1, exercise.intro_seconds)


def get_ready_seconds(exercise: Timed, previous: Timed | None) -> int:
    """Lead-in before an exercise's first hold: longer when the body or the kit has to change."""
    seconds = GET_READY_SECONDS
    before = previous.position if previous is not None else START_POSITION
    if before != exercise.position:
        seconds += POSITION_CHANGE_SECONDS[frozenset({before, exercise.position})]
    if set(exercise.equipment) - set(previous.equipment if previous is not None else ()):
        seconds += NEW_EQUIPMENT_SECONDS
    if exercise.category == "strengthen" and exercise.position == "floor":
        seconds += LOAD_BEARING_SECONDS
    return seconds


def between_blocks_seconds(exercise: Timed, side: str | None) -> int:
    """Before a block other than the first: a side switch into the right side, else the rest."""
    if side == "right" and exercise.per_side:
        return SWITCH_SIDES_SECONDS
    return max(0, exercise.rest_seconds)


def exercise_seconds(exercise: Timed, previous: Timed | None = None, hold_seconds: int | None = None) -> int:
    """The exercise's segments end to end (intro, lead-ins, holds, releases, rests, side switches),
    coming after `previous` (None: first in a routine). `hold_seconds`: the paced hold, default
    the catalogue's."""
    total = intro_length(exercise)
    if exercise.kind == "guidance":
        return total
    hold = exercise.hold_seconds if hold_seconds is None else hold_seconds
    reps = exercise.repetitions
    block = reps * hold + (reps - 1) * max(0, exercise.rep_gap_seconds)
    sides: tuple[str | None, ...] = ("left", "right") if exercise.per_side else (None,)
    first = True
    for _set in range(exercise.sets):
        for side in sides:
            total += get_ready_seconds(exercise, previous) if first else GET_READY_SECONDS
            if not first:
                total += between_blocks_seconds(exercise, side)
            total += block
            first = False
    return total


def routine_seconds(exercises: Sequence[Timed]) -> int:
    """A routine's timeline end to end ("lead me through" at pace 1): each exercise after the one
    before it, with a transition between two."""
    total = 0
    for index, exercise in enumerate(exercises):
        previous = exercises[index - 1] if index > 0 else None
        total += exercise_seconds(exercise, previous) + (TRANSITION_SECONDS if index > 0 else 0)
    return total


__all__ = [
    "GET_READY_SECONDS",
    "POSITION_CHANGE_SECONDS",
    "START_POSITION",
    "NEW_EQUIPMENT_SECONDS",
    "LOAD_BEARING_SECONDS",
    "SWITCH_SIDES_SECONDS",
    "TRANSITION_SECONDS",
    "Timed",
    "intro_length",
    "get_ready_seconds",
    "between_blocks_seconds",
    "exercise_seconds",
    "routine_seconds",
]
