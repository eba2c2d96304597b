"""Reads the TOML data files, validates them and builds the Catalogue.

Every problem becomes one line naming the file, the item and the field, so whoever edits the
data can fix it without reading this code:
    stretches.toml: exercise 'pelvic-tilt': field 'hold_seconds': must be between 5 and 60 ...
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from shared_content.catalogue.assemble import CUSTOM_PREFIX
from shared_content.catalogue.catalogue import SINGLE_PREFIX, Catalogue
from shared_content.catalogue.matching import spoken_key
from shared_content.catalogue.model import Exercise, Routine, RoutineEntry, SafetyNotice

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Exercise files in article order (the catalogue keeps this order), each with its one category.
EXERCISE_FILES: dict[str, str] = {
    "stretches.toml": "stretch",
    "strengthening.toml": "strengthen",
    "techniques.toml": "release",
    "posture.toml": "posture",
}
ROUTINES_FILE = "routines.toml"
SAFETY_FILE = "safety.toml"
_COMPUTED_FIELDS = {"duration_seconds", "positions", "duration_minutes"}
_Model = TypeVar("_Model", bound=BaseModel)


class CatalogueError(ValueError):
    """The data files are invalid. `problems` holds one line per problem; str() joins them."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The catalogue from `path` (a folder of data files), or the packaged data, cached per process."""
    if path is None:
        return _load_default()
    return _load(Path(path))


@functools.cache
def _load_default() -> Catalogue:
    return _load(DEFAULT_DATA_DIR)


class _Problems:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, file: str, item: str | None, field: str | None, message: str) -> None:
        parts = [file] + ([item] if item else []) + ([f"field {field!r}"] if field else []) + [message]
        self.lines.append(": ".join(parts))


def _load(folder: Path) -> Catalogue:
    problems = _Problems()
    exercises: dict[str, Exercise] = {}
    exercise_files: dict[str, str] = {}
    # Ids of exercises that failed validation: routines naming them are not reported again.
    broken_ids: set[object] = set()
    for file, category in EXERCISE_FILES.items():
        for label, item in _items(folder, file, "exercise", problems):
            exercise = _validate(Exercise, item, file, label, problems)
            if exercise is None:
                broken_ids.add(item.get("id") if isinstance(item, dict) else None)
                continue
            if exercise.category != category:
                problems.add(
                    file, label, "category", f"must be {category!r} in {file} (got {exercise.category!r})"
                )
            elif exercise.id in exercises:
                problems.add(
                    file, label, "id", f"duplicate id, already used in {exercise_files[exercise.id]}"
                )
            else:
                exercises[exercise.id] = exercise
                exercise_files[exercise.id] = file

    routines: dict[str, Routine] = {}
    for label, item in _items(folder, ROUTINES_FILE, "routine", problems):
        entry = _validate(RoutineEntry, item, ROUTINES_FILE, label, problems)
        if entry is None:
            continue
        if entry.id.startswith(CUSTOM_PREFIX):
            problems.add(
                ROUTINES_FILE,
                label,
                "id",
                f"ids starting with {CUSTOM_PREFIX!r} are kept for assembled routines",
            )
        elif entry.id.startswith(SINGLE_PREFIX):
            problems.add(
                ROUTINES_FILE,
                label,
                "id",
                f"ids starting with {SINGLE_PREFIX!r} are kept for single-exercise routines",
            )
        elif entry.id in routines:
            problems.add(ROUTINES_FILE, label, "id", "duplicate id, already used in routines.toml")
        elif unknown := [i for i in entry.exercise_ids if i not in exercises]:
            if missing := [i for i in unknown if i not in broken_ids]:
                problems.add(ROUTINES_FILE, label, "exercise_ids", f"unknown exercise {missing[0]!r}")
        else:
            routines[entry.id] = Routine.build(entry, exercises)

    safety = _load_safety(folder, problems)
    _check_spoken_names(exercises, exercise_files, routines, problems)
    # Imported here: the figures package builds on this package's model.
    from shared_content.figures.loader import figure_problems_in

    problems.lines += figure_problems_in(folder, exercises, ignore=broken_ids)
    if problems.lines or safety is None:
        raise CatalogueError(problems.lines or [f"{SAFETY_FILE}: could not be loaded"])
    return Catalogue(exercises, routines, safety)


def _read(folder: Path, file: str, problems: _Problems) -> dict[str, Any] | None:
    try:
        with open(folder / file, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        problems.add(file, None, None, f"file not found in {folder}")
    except tomllib.TOMLDecodeError as exc:
        problems.add(file, None, None, f"not valid TOML: {exc}")
    return None


def _items(folder: Path, file: str, table: str, problems: _Problems) -> Iterator[tuple[str, object]]:
    """Yields (label, raw dict) for each [[table]] in the file; reports structural problems."""
    data = _read(folder, file, problems)
    if data is None:
        return
    for key in data:
        if key != table:
            problems.add(file, None, None, f"unknown top-level key {key!r}; items go in [[{table}]] tables")
    items = data.get(table)
    if not isinstance(items, list) or not items:
        problems.add(file, None, None, f"needs at least one [[{table}]] table")
        return
    for number, item in enumerate(items, start=1):
        item_id = item.get("id") if isinstance(item, dict) else None
        label = f"{table} {item_id!r}" if isinstance(item_id, str) and item_id else f"{table} #{number}"
        yield label, item


def _validate(model: type[_Model], item: object, file: str, label: str, problems: _Problems) -> _Model | None:
    try:
        return model.model_validate(item)
    except ValidationError as exc:
        for error in exc.errors():
            field, message = _describe(error)
            problems.add(file, label, field, message)
        return None


def _describe(error: ErrorDetails) -> tuple[str | None, str]:
    """One pydantic error as (field, plain message)."""
    loc = error.get("loc") or ()
    field = str(loc[0]) if loc else None
    where = "".join(f"item {part + 1}: " if isinstance(part, int) else f"{part}: " for part in loc[1:])
    kind = error.get("type")
    if kind == "missing":
        return field, "is required"
    if kind == "extra_forbidden":
        why = " (it is computed, never typed in)" if field in _COMPUTED_FIELDS else ""
        return field, f"is not a known field{why}"
    if kind == "value_error":
        return field, where + str(error["ctx"]["error"])
    message = error.get("msg", "is invalid")
    return field, f"{where}{message[:1].lower()}{message[1:]} (got {error.get('input')!r})"


def _load_safety(folder: Path, problems: _Problems) -> SafetyNotice | None:
    data = _read(folder, SAFETY_FILE, problems)
    if data is None:
        return None
    return _validate(SafetyNotice, data, SAFETY_FILE, "safety notice", problems)


def _check_spoken_names(
    exercises: dict[str, Exercise],
    exercise_files: dict[str, str],
    routines: dict[str, Routine],
    problems: _Problems,
) -> None:
    """A spoken name (id, name or synonym) must mean one thing, or Alexa could start the wrong item."""
    owners: dict[str, str] = {}
    items: list[tuple[str, str, Exercise | Routine]] = [
        (exercise_files[e.id], "exercise", e) for e in exercises.values()
    ]
    items += [(ROUTINES_FILE, "routine", r) for r in routines.values()]
    for file, what, item in items:
        owner = f"{what} {item.id!r}"
        for field, texts in (("id", [item.id]), ("name", [item.name]), ("synonyms", item.synonyms)):
            for text in texts:
                key = spoken_key(text)
                if not key:
                    problems.add(file, owner, field, f"{text!r} has no words to match")
                elif owners.setdefault(key, owner) != owner:
                    problems.add(file, owner, field, f"{text!r} is already used by {owners[key]}")
