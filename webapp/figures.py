"""`/figures/...svg`: each exercise's figure, drawn from poses.toml by shared_content's renderer.

    GET /figures/<exercise_id>.svg        the key pose as a still (what <img> shows)
    GET /figures/<exercise_id>/poses.svg  every pose, one <g class="pose"> each (for the player)

Figures only change with a release, so pages link them with `?v=<etag>` and the response may be
cached for a year; the ETag answers a revalidation with 304. Templates get `figure_url`,
`figure_size` and `figure_alt` from this blueprint's context processor.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable

from flask import Blueprint, Response, request, url_for

from shared_content.catalogue import Routine
from shared_content.figures import load_figures, render_svg
from shared_content.figures.model import Figure
from shared_content.figures.render import alt_text, figure_size
from webapp.errors import error_response
from webapp.web import get_catalogue

bp = Blueprint("figures", __name__)

MAX_AGE = 365 * 24 * 3600
# The SVG has no scripts; its own <style> is all it needs.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"


@functools.cache
def _drawn(exercise_id: str, name: str, all_poses: bool) -> tuple[str, str]:
    """(svg, etag): rendering is deterministic, so one per process is enough."""
    figure = load_figures()[exercise_id]
    poses = [p.name for p in figure.poses] if all_poses else None
    svg = render_svg(figure, name, poses)
    return svg, hashlib.sha256(svg.encode()).hexdigest()[:16]


def _figure(exercise_id: str) -> tuple[Figure, str] | None:
    exercise = get_catalogue().exercises.get(exercise_id)
    figure = load_figures().get(exercise_id)
    return (figure, exercise.name) if exercise and figure else None


def _answer(exercise_id: str, all_poses: bool) -> Response:
    found = _figure(exercise_id)
    if found is None:
        response = error_response(
            404,
            "No such figure",
            f"There is no exercise called {exercise_id!r}, so there is no figure for it.",
        )
        response.headers["Cache-Control"] = "no-store"
        return response
    svg, etag = _drawn(exercise_id, found[1], all_poses)
    # The gzip layer marks a compressed body's ETag with "-gz"; both mean this drawing.
    if request.if_none_match.contains(etag) or request.if_none_match.contains(etag + "-gz"):
        response = Response(status=304)
    else:
        response = Response(svg, mimetype="image/svg+xml")
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}, immutable"
    response.headers["Content-Security-Policy"] = SVG_CSP
    return response


@bp.get("/figures/<exercise_id>.svg")
def still(exercise_id: str) -> Response:
    return _answer(exercise_id, all_poses=False)


@bp.get("/figures/<exercise_id>/poses.svg")
def poses(exercise_id: str) -> Response:
    return _answer(exercise_id, all_poses=True)


def figure_url(exercise_id: str, all_poses: bool = False) -> str | None:
    """The versioned URL of an exercise's figure, or None if it has none."""
    found = _figure(exercise_id)
    if found is None:
        return None
    _, etag = _drawn(exercise_id, found[1], all_poses)
    return url_for("figures.poses" if all_poses else "figures.still", exercise_id=exercise_id, v=etag)


def figure_dimensions(exercise_id: str) -> tuple[int, int]:
    figure = load_figures().get(exercise_id)
    return figure_size(figure) if figure else (0, 0)


def figure_alt(exercise_id: str) -> str:
    found = _figure(exercise_id)
    return alt_text(found[0], found[1]) if found else ""


def precache_urls() -> list[str]:
    """Every still figure, for the service worker to keep offline."""
    return [url for eid in get_catalogue().exercises if (url := figure_url(eid))]


def card_figures(routines: Iterable[Routine]) -> dict[str, str]:
    """Routine id -> the exercise whose figure its card shows: its first exercise that no earlier
    card shows, so a list of routines that start alike does not repeat one picture."""
    shown: set[str] = set()
    chosen: dict[str, str] = {}
    for routine in routines:
        ids = [e for e in routine.exercise_ids if e in load_figures()]
        if ids:
            chosen[routine.id] = next((e for e in ids if e not in shown), ids[0])
            shown.add(chosen[routine.id])
    return chosen


@bp.app_context_processor
def _template_helpers() -> dict[str, object]:
    return {
        "figure_url": figure_url,
        "figure_size": figure_dimensions,
        "figure_alt": figure_alt,
        "card_figures": card_figures,
    }
