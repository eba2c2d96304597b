"""`psoas-coach content list [--format json|text] [--path DIR]` and `psoas-coach content check [--path DIR]`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from shared_content.catalogue.catalogue import Catalogue
from shared_content.catalogue.loader import CatalogueError, load_catalogue
from shared_content.catalogue.model import Routine

if TYPE_CHECKING:  # the figures package builds on this one, so only for types
    from shared_content.figures.model import Figure


def routine_summary(routine: Routine) -> dict[str, Any]:
    return {
        "id": routine.id,
        "name": routine.name,
        "synonyms": list(routine.synonyms),
        "focus": routine.focus,
        "description": routine.description,
        "positions": sorted(routine.positions),
        "exercise_ids": list(routine.exercise_ids),
        "duration_seconds": routine.duration_seconds,
        "duration_minutes": routine.duration_minutes,
    }


def figure_summary(figure: Figure) -> dict[str, Any]:
    """What `content list` says about an exercise's figure: its view and pose names."""
    return {"view": figure.view, "poses": [pose.name for pose in figure.poses]}


def catalogue_as_json(catalogue: Catalogue, figures: Mapping[str, Figure] | None = None) -> dict[str, Any]:
    """The catalogue as JSON; with `figures` (by exercise id) each exercise also lists its poses."""
    exercises = [
        exercise.model_dump(mode="json") | {"steps": list(exercise.steps_at())}
        for exercise in catalogue.exercises.values()
    ]
    for item in exercises:
        if figures and item["id"] in figures:
            item["figure"] = figure_summary(figures[item["id"]])
    return {
        "exercises": exercises,
        "routines": [routine_summary(routine) for routine in catalogue.routines.values()],
        "safety": catalogue.safety.model_dump(mode="json"),
    }


def _minutes(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def catalogue_as_text(catalogue: Catalogue) -> str:
    lines = ["Exercises"]
    for e in catalogue.exercises.values():
        lines.append(
            f"  {e.id:<24} {e.category:<10} {e.kind:<8} {e.position:<8} {_minutes(e.duration_seconds):>6}  {e.name}"
        )
    lines += ["", "Routines"]
    for r in catalogue.routines.values():
        lines.append(
            f"  {r.id:<24} {r.focus:<10} {_minutes(r.duration_seconds):>6}  {r.name}: {', '.join(r.exercise_ids)}"
        )
    lines += ["", "Safety", f"  {catalogue.safety.short}"]
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="psoas-coach content", description="List or check the exercise catalogue."
    )
    sub = parser.add_subparsers(dest="action", required=True)
    listing = sub.add_parser("list", help="print exercises, routines and the safety notice")
    listing.add_argument("--format", choices=["json", "text"], default="text")
    listing.add_argument("--path", help="folder of data files (default: the packaged catalogue)")
    check = sub.add_parser("check", help="validate the data files")
    check.add_argument("--path", help="folder of data files (default: the packaged catalogue)")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:  # argparse exits on --help and on bad arguments; report as a code
        return int(exc.code or 0)
    try:
        catalogue = load_catalogue(args.path)
    except CatalogueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if args.action == "check":
        print(f"Catalogue OK: {len(catalogue.exercises)} exercises, {len(catalogue.routines)} routines")
    elif args.format == "json":
        from shared_content.figures import load_figures  # checked with the catalogue above

        print(json.dumps(catalogue_as_json(catalogue, load_figures(args.path)), indent=2))
    else:
        print(catalogue_as_text(catalogue))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
