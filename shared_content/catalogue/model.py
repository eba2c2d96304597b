"""Typed catalogue entries: exercises, routines and the safety notice, plus the one duration formula.

Models are strict (no type coercion), forbid unknown fields and are frozen, because one cached
catalogue is shared by every request in a process.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, computed_field, field_validator

from shared_content import timing
from shared_content.vocabulary import (
    MAX_HOLD_SECONDS,
    MIN_AUTHORED_HOLD_SECONDS,
    NUMBER_WORD_VALUES,
    Category,
    Focus,
    Position,
    seconds_words,
)

Kind = Literal["timed", "guidance"]
MAX_STEP_CHARS = 200
# Speech rate used to estimate how long instructions take to read: ~150 words a minute.
WORDS_PER_SECOND = 2.5

_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A step says the hold as `{hold}`: read and shown as the hold this run has ("for six seconds"
# once the person said "slower"), never a number typed in the text that the count then contradicts.
HOLD = "{hold}"
_PLACEHOLDER = re.compile(r"\{[^}]*\}")
_TYPED_DURATION = re.compile(
    r"\b(?:\d+|"
    + "|".join(sorted(NUMBER_WORD_VALUES, key=len, reverse=True))
    + r")[- ](?:seconds?|minutes?)\b",
    re.IGNORECASE,
)


def spoken_seconds(texts: list[str]) -> int:
    """Seconds to read `texts` aloud at WORDS_PER_SECOND."""
    words = sum(len(text.split()) for text in texts)
    return math.ceil(words / WORDS_PER_SECOND)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _non_blank_items(values: list[str]) -> list[str]:
    for number, value in enumerate(values, start=1):
        if not value.strip():
            raise ValueError(f"item {number} is empty")
    return values


def _check_id(value: str) -> str:
    if not _KEBAB.match(value):
        raise ValueError(f"must be kebab-case, like 'knee-to-chest' (got {value!r})")
    return value


class Exercise(_Strict):
    """One exercise, technique or posture checklist. Field order matters: `kind` is validated
    before the timing fields so their validators can apply the timed/guidance rules."""

    id: str
    name: str
    synonyms: list[str]
    category: Category
    kind: Kind
    position: Position
    equipment: list[str]
    summary: str
    steps: list[str]
    hold_cue: str
    hold_seconds: int
    repetitions: int
    rep_gap_seconds: int
    sets: int
    rest_seconds: int
    per_side: bool
    benefits: list[str]
    cautions: list[str]
    source_section: str
    choices: list[str]
    # A short instruction for someone who has done the exercise before, said instead of the steps
    # ("On your back: hug one knee gently to your chest."); optional, timed exercises only.
    cue: str = ""
    # The safe range an assembled routine may raise the dose to, from the article's own ranges
    # ("3 to 5 sets", "10 to 15 repetitions"); None: no more than `sets` / `repetitions`.
    max_sets: int | None = None
    max_repetitions: int | None = None

    _id = field_validator("id")(_check_id)
    _texts = field_validator("name", "summary", "source_section")(_non_blank)
    _lists = field_validator("synonyms", "equipment", "benefits", "cautions", "choices")(_non_blank_items)

    @field_validator("summary")
    @classmethod
    def _summary_fits(cls, value: str) -> str:
        if len(value) > MAX_STEP_CHARS:
            raise ValueError(f"is {len(value)} characters; keep it to {MAX_STEP_CHARS} or fewer")
        return value

    @field_validator("steps")
    @classmethod
    def _steps_readable(cls, steps: list[str], info: ValidationInfo) -> list[str]:
        if not steps:
            raise ValueError("needs at least one step")
        for number, step in enumerate(steps, start=1):
            if not step.strip():
                raise ValueError(f"step {number} is empty")
            if len(step) > MAX_STEP_CHARS:
                raise ValueError(
                    f"step {number} is {len(step)} characters; keep each step to {MAX_STEP_CHARS} or fewer"
                )
            if typed := _TYPED_DURATION.search(step):
                raise ValueError(
                    f"step {number} types a duration ({typed.group(0)!r}): write {HOLD} for the hold, "
                    "which the pace can change"
                )
            for found in _PLACEHOLDER.findall(step):
                if found != HOLD:
                    raise ValueError(f"step {number} has {found}; the only placeholder is {HOLD}")
                if info.data.get("kind") != "timed":
                    raise ValueError(f"step {number} says {HOLD}, but a guidance item has no hold")
        return steps

    @field_validator("hold_seconds")
    @classmethod
    def _hold_fits_kind(cls, value: int, info: ValidationInfo) -> int:
        kind = info.data.get("kind")
        if kind == "timed" and not MIN_AUTHORED_HOLD_SECONDS <= value <= MAX_HOLD_SECONDS:
            raise ValueError(
                f"must be between {MIN_AUTHORED_HOLD_SECONDS} and {MAX_HOLD_SECONDS} for a timed exercise (got {value})"
            )
        if kind == "guidance" and value != 0:
            raise ValueError(f"must be 0 for a guidance item (got {value})")
        return value

    @field_validator("hold_cue")
    @classmethod
    def _cue_fits_kind(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        if kind == "timed" and not value.strip():
            raise ValueError("must say what to do during the hold for a timed exercise")
        if kind == "guidance" and value:
            raise ValueError(f"must be empty for a guidance item (got {value!r})")
        if len(value) > MAX_STEP_CHARS:
            raise ValueError(f"is {len(value)} characters; keep it to {MAX_STEP_CHARS} or fewer")
        return value

    @field_validator("cue")
    @classmethod
    def _short_cue(cls, value: str, info: ValidationInfo) -> str:
        if value and info.data.get("kind") == "guidance":
            raise ValueError("a guidance item has no cue: its tips are read in full")
        if len(value) > MAX_STEP_CHARS // 2:
            raise ValueError(f"is {len(value)} characters; a cue is short, {MAX_STEP_CHARS // 2} or fewer")
        return value

    @field_validator("repetitions", "sets")
    @classmethod
    def _counts_fit_kind(cls, value: int, info: ValidationInfo) -> int:
        if value < 1:
            raise ValueError(f"must be at least 1 (got {value})")
        if info.data.get("kind") == "guidance" and value != 1:
            raise ValueError(f"must be 1 for a guidance item (got {value})")
        return value

    @field_validator("rep_gap_seconds", "rest_seconds")
    @classmethod
    def _pauses_fit_kind(cls, value: int, info: ValidationInfo) -> int:
        if not 0 <= value <= 120:
            raise ValueError(f"must be between 0 and 120 seconds (got {value})")
        if info.data.get("kind") == "guidance" and value != 0:
            raise ValueError(f"must be 0 for a guidance item (got {value})")
        return value

    @field_validator("per_side")
    @classmethod
    def _sides_fit_kind(cls, value: bool, info: ValidationInfo) -> bool:
        if info.data.get("kind") == "guidance" and value:
            raise ValueError("must be false for a guidance item")
        return value

    @field_validator("max_sets", "max_repetitions")
    @classmethod
    def _range_covers_dose(cls, value: int | None, info: ValidationInfo) -> int | None:
        authored = info.data.get("sets" if info.field_name == "max_sets" else "repetitions")
        if value is None or not isinstance(authored, int):
            return value
        if info.data.get("kind") == "guidance":
            raise ValueError("a guidance item has no sets or repetitions to raise")
        if value < authored:
            raise ValueError(f"must be at least the authored {authored} (got {value})")
        return value

    @property
    def set_range(self) -> tuple[int, int]:
        """The fewest and most sets a routine may run: 1 to max_sets (default: the authored sets)."""
        return 1, self.max_sets or self.sets

    @property
    def repetition_range(self) -> tuple[int, int]:
        return 1, self.max_repetitions or self.repetitions

    @property
    def is_guidance(self) -> bool:
        return self.kind == "guidance"

    @property
    def blocks(self) -> int:
        """How many hold blocks the exercise runs: each set, once per side when per_side."""
        return self.sets * (2 if self.per_side else 1)

    def steps_at(self, hold_seconds: int | None = None) -> tuple[str, ...]:
        """The steps as read aloud and shown: {hold} says `hold_seconds` (the hold at the run's
        pace; by default the exercise's own)."""
        said = seconds_words(self.hold_seconds if hold_seconds is None else hold_seconds)
        return tuple(step.replace(HOLD, said) for step in self.steps)

    @property
    def intro_seconds(self) -> int:
        return spoken_seconds([self.summary, *self.steps_at()])

    @computed_field  # type: ignore[prop-decorator]
    @property
    def duration_seconds(self) -> int:
        """The exercise's timeline on its own (first in a routine, pace 1): shared_content/timing.py,
        the rule the engine lays its segments out by."""
        return timing.exercise_seconds(self)


class RoutineEntry(_Strict):
    """A routine as written in routines.toml: no computed fields allowed there."""

    id: str
    name: str
    synonyms: list[str]
    focus: Focus
    description: str
    exercise_ids: list[str] = Field(min_length=1)

    _id = field_validator("id")(_check_id)
    _texts = field_validator("name", "description")(_non_blank)
    _lists = field_validator("synonyms")(_non_blank_items)

    @field_validator("exercise_ids")
    @classmethod
    def _no_repeats(cls, ids: list[str]) -> list[str]:
        seen: set[str] = set()
        for exercise_id in ids:
            if exercise_id in seen:
                raise ValueError(f"lists {exercise_id!r} twice")
            seen.add(exercise_id)
        return ids


class _ExerciseSource(Protocol):
    """Whatever looks exercises up by id: the Catalogue, or the engine's CatalogueLike."""

    def exercise(self, exercise_id: str, /) -> object: ...


class Routine(RoutineEntry):
    """A routine with its computed positions and duration. Build it with `Routine.build`."""

    positions: frozenset[Position]
    duration_seconds: int
    # Why an assembled routine is not what was asked for (shorter, or with another focus), in
    # words both front ends can show or say; empty for a curated routine or an exact fit.
    explanation: str = ""
    # Doses this routine runs instead of the catalogue's, by exercise id, each within the
    # exercise's safe range (an assembled routine raises them to fill its minutes). Every consumer
    # gets them through `exercise` / `exercises`, so the timeline, the durations, the voice and
    # the phone all count the same sets.
    sets: dict[str, int] = {}
    repetitions: dict[str, int] = {}

    @classmethod
    def build(
        cls,
        entry: RoutineEntry | dict[str, Any],
        exercises: dict[str, Exercise],
        *,
        explanation: str = "",
        sets: dict[str, int] | None = None,
        repetitions: dict[str, int] | None = None,
    ) -> Routine:
        fields = entry.model_dump() if isinstance(entry, RoutineEntry) else dict(entry)
        sets, repetitions = dict(sets or {}), dict(repetitions or {})
        _check_doses(fields["exercise_ids"], exercises, sets, repetitions)
        chosen = [dosed(exercises[i], sets.get(i), repetitions.get(i)) for i in fields["exercise_ids"]]
        return cls(
            **fields,
            positions=frozenset(exercise.position for exercise in chosen),
            # The engine's timeline length ("lead me through", pace 1): transitions and the
            # lead-ins that depend on the exercise before are in it.
            duration_seconds=timing.routine_seconds(chosen),
            explanation=explanation,
            sets=sets,
            repetitions=repetitions,
        )

    @property
    def duration_minutes(self) -> float:
        return round(self.duration_seconds / 60, 1)

    def exercise(self, catalogue: _ExerciseSource, exercise_id: str, /) -> Exercise:
        """The exercise as this routine runs it: the catalogue's, with this routine's doses."""
        found = catalogue.exercise(exercise_id)
        if not isinstance(found, Exercise):
            raise TypeError(f"the catalogue gave {type(found).__name__} for {exercise_id!r}, not an Exercise")
        return dosed(found, self.sets.get(exercise_id), self.repetitions.get(exercise_id))

    def exercises(self, catalogue: _ExerciseSource) -> list[Exercise]:
        return [self.exercise(catalogue, exercise_id) for exercise_id in self.exercise_ids]

    def equipment(self, catalogue: _ExerciseSource) -> list[str]:
        """What to fetch before starting: each exercise's equipment, first mention first, once each."""
        return list(dict.fromkeys(item for ex in self.exercises(catalogue) for item in ex.equipment))


def dosed(exercise: Exercise, sets: int | None = None, repetitions: int | None = None) -> Exercise:
    """`exercise` with these sets and repetitions (None: its own); the same object when unchanged."""
    update = {
        name: value
        for name, value in (("sets", sets), ("repetitions", repetitions))
        if value is not None and value != getattr(exercise, name)
    }
    return exercise.model_copy(update=update) if update else exercise


def _check_doses(
    ids: list[str], exercises: dict[str, Exercise], sets: dict[str, int], repetitions: dict[str, int]
) -> None:
    for field, doses in (("sets", sets), ("repetitions", repetitions)):
        for exercise_id, value in doses.items():
            if exercise_id not in ids:
                raise ValueError(f"{field} for {exercise_id!r}, which the routine does not have")
            exercise = exercises[exercise_id]
            low, high = exercise.set_range if field == "sets" else exercise.repetition_range
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(
                    f"{field} for {exercise_id!r} must be from {low} to {high}, its safe range (got {value!r})"
                )


class SafetyNotice(_Strict):
    """The words both front ends show or say: `short` each start, `full` once per person."""

    short: str
    full: str
    see_clinician: list[str] = Field(min_length=1)

    _texts = field_validator("short", "full")(_non_blank)
    _lists = field_validator("see_clinician")(_non_blank_items)
