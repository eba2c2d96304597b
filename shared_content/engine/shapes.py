"""What the engine reads from the catalogue, as Protocols.

The real catalogue (pydantic models) and the tests' small fakes both satisfy these, so the
engine depends on no catalogue class and stays a pure function of plain values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shared_content.timing import Timed


class ExerciseLike(Timed, Protocol):
    """An exercise as the engine reads it: what timing reads (kind, position, equipment, dose),
    plus its id, name and computed length."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def duration_seconds(self) -> int: ...


class CatalogueLike(Protocol):
    def exercise(self, exercise_id: str, /) -> ExerciseLike: ...


class RoutineLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def exercise_ids(self) -> Sequence[str]: ...
    def exercise(self, catalogue: CatalogueLike, exercise_id: str, /) -> ExerciseLike:
        """The exercise as this routine runs it (a routine may run more sets than the catalogue's):
        the engine reads every exercise of a run through this."""
        ...
