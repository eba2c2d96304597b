"""Reads poses.toml (one table per exercise id), validates it, checks it against the catalogue.

`figure_problems_in(folder, exercises)` is the catalogue loader's hook: it returns one line per
problem in the catalogue's format, so `psoas-coach content check` reports figures like any other
data. `load_figures()` gives the packaged figures, cached per process.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Collection
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from shared_content.catalogue.model import Exercise
from shared_content.figures.check import figure_problems
from shared_content.figures.model import Figure

POSES_FILE = "poses.toml"
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class FiguresError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _parse(folder: Path) -> tuple[dict[str, Figure], list[str]]:
    try:
        with open(folder / POSES_FILE, "rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
    except FileNotFoundError:
        return {}, [f"{POSES_FILE}: file not found in {folder}"]
    except tomllib.TOMLDecodeError as exc:
        return {}, [f"{POSES_FILE}: not valid TOML: {exc}"]
    figures: dict[str, Figure] = {}
    problems: list[str] = []
    for exercise_id, table in data.items():
        label = f"{POSES_FILE}: exercise {exercise_id!r}"
        if not isinstance(table, dict):
            problems.append(f"{label}: must be a table of view, props and poses")
            continue
        try:
            figures[exercise_id] = Figure.model_validate({"exercise_id": exercise_id, **table})
        except ValidationError as exc:
            problems += [f"{label}: {_where(error['loc'], table)}{_message(error)}" for error in exc.errors()]
    return figures, problems


def _where(loc: tuple[int | str, ...], table: dict[str, Any]) -> str:
    """'pose 'hold': field 'joints': ' for a pydantic location inside a figure table."""
    parts = []
    if len(loc) >= 2 and loc[0] == "poses" and isinstance(loc[1], int):
        poses = table.get("poses") or []
        name = poses[loc[1]].get("name") if loc[1] < len(poses) and isinstance(poses[loc[1]], dict) else None
        parts.append(f"pose {name!r}" if name else f"pose #{loc[1] + 1}")
        loc = loc[2:]
    if loc:
        parts.append(f"field {'.'.join(str(p) for p in loc)!r}")
    return "".join(f"{p}: " for p in parts)


def _message(error: Any) -> str:
    if error.get("type") == "value_error":
        return str(error["ctx"]["error"])
    if error.get("type") == "missing":
        return "is required"
    if error.get("type") == "extra_forbidden":
        return "is not a known field"
    message = str(error.get("msg", "is invalid"))
    return f"{message[:1].lower()}{message[1:]} (got {error.get('input')!r})"


def figure_problems_in(
    folder: Path, exercises: dict[str, Exercise], ignore: Collection[object] = ()
) -> list[str]:
    """Problems with poses.toml in `folder`; `ignore` holds ids of exercises that failed their own
    validation, so their figures are not reported a second time."""
    figures, problems = _parse(folder)
    if problems and not figures:
        return problems
    for exercise_id in figures:
        if exercise_id not in exercises and exercise_id not in ignore:
            problems.append(f"{POSES_FILE}: exercise {exercise_id!r}: no such exercise in the catalogue")
    for exercise in exercises.values():
        figure = figures.get(exercise.id)
        label = f"{POSES_FILE}: exercise {exercise.id!r}"
        if figure is None:
            if not any(line.startswith(label + ":") for line in problems):
                problems.append(f"{label}: has no figure; every exercise needs its poses")
            continue
        problems += [f"{label}: {line}" for line in figure_problems(figure, exercise)]
    return problems


def load_figures(path: str | Path | None = None) -> dict[str, Figure]:
    """Figures by exercise id; raises FiguresError when the file does not parse."""
    if path is None:
        return _load_default()
    return _load(Path(path))


@functools.cache
def _load_default() -> dict[str, Figure]:
    return _load(DEFAULT_DATA_DIR)


def _load(folder: Path) -> dict[str, Figure]:
    figures, problems = _parse(folder)
    if problems:
        raise FiguresError(problems)
    return figures
