"""What the engine reads from the catalogue, as Protocols.

The real catalogue (pydantic models) and the tests' small fakes both satisfy these, so the
engine depends on no catalogue class and stays a pure function of plain values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class ExerciseLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...  # "timed" | "guidance"
    @property
    def category(self) -> str: ...  # "stretch" | "strengthen" | "release" | "posture"
    @property
    def position(self) -> str: ...  # "floor" | "seated" | "standing"
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
    def intro_seconds(self) -> int: ...  # time for reading it out
    @property
    def duration_seconds(self) -> int: ...


class CatalogueLike(Protocol):
    def exercise(self, exercise_id: str, /) -> ExerciseLike: ...


class RoutineLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def exercise_ids(self) -> Sequence[str]: ...
