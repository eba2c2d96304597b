"""`/library`: every catalogue item, including release techniques and posture guidance."""

from __future__ import annotations

from flask import Blueprint, abort

from webapp.web import get_catalogue, render_page

bp = Blueprint("library", __name__)

CATEGORY_TITLES = {
    "stretch": "Stretches",
    "strengthen": "Strengthening",
    "release": "Release techniques",
    "posture": "Posture guidance",
}


@bp.get("/library")
def index():
    groups: dict[str, list] = {}
    for ex in get_catalogue().exercises.values():
        groups.setdefault(ex.category, []).append(ex)
    order = list(CATEGORY_TITLES) + sorted(set(groups) - set(CATEGORY_TITLES))
    return render_page(
        "library/index.html",
        groups=[(c, groups[c]) for c in order if c in groups],
        category_titles=CATEGORY_TITLES,
    )


@bp.get("/library/<exercise_id>")
def show(exercise_id: str):
    cat = get_catalogue()
    ex = cat.exercises.get(exercise_id)
    if ex is None:
        abort(404)
    routines = [r for r in cat.routines.values() if ex.id in r.exercise_ids]
    # "Start this exercise" posts this id to the usual start route; the catalogue rebuilds it anywhere.
    single = cat.single_exercise(ex.id)
    return render_page("library/show.html", ex=ex, routines=routines, single_routine_id=single.id)
