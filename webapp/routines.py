"""`/` lists the routines and builds one to fit; `/routines/<id>` shows one before starting."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

from shared_content.catalogue import Routine
from shared_content.vocabulary import CATEGORIES, MAX_ROUTINE_MINUTES, MIN_ROUTINE_MINUTES, POSITIONS
from webapp.web import current_person, get_catalogue, get_coach, render_page

bp = Blueprint("routines", __name__)

# An assembled routine's focus is one category of exercise.
FOCUSES = CATEGORIES
# "Where you'll be": the one position wanted, said the way people say it; every other one is avoided.
POSITION_LABELS = {
    "floor": "On the floor or in bed",
    "seated": "Sitting, at a desk or in a chair",
    "standing": "Standing up (no floor)",
}


def equipment_for(routine: Routine) -> list[str]:
    """What to fetch before starting (Routine.equipment)."""
    return routine.equipment(get_catalogue())


@bp.app_context_processor
def _template_helpers() -> dict[str, object]:
    return {"equipment_for": equipment_for}


def _has_session() -> bool:
    from flask import session

    if "browser" not in session:  # a first visit has no person yet: don't create one just to look
        return False
    view = get_coach().current(current_person().id)
    return view is not None and view.state.phase != "done"


def _index(status: int = 200, form: dict | None = None, form_error: str | None = None):
    return render_page(
        "routines/index.html",
        status=status,
        routines=list(get_catalogue().routines.values()),
        has_session=_has_session(),
        form=form or {"minutes": "", "focus": "", "position": "", "avoid": []},
        form_error=form_error,
        focuses=FOCUSES,
        positions=POSITIONS,
        position_labels=POSITION_LABELS,
        min_minutes=MIN_ROUTINE_MINUTES,
        max_minutes=MAX_ROUTINE_MINUTES,
    )


@bp.get("/")
def index():
    return _index()


def parse_assembly(args) -> tuple[dict, str | None, tuple | None]:
    """Form fields -> (echo of the form, error message or None, (minutes, focus, avoid) when valid)."""
    raw_minutes = (args.get("minutes") or "").strip()[:10]
    focus = (args.get("focus") or "").strip()[:20]
    avoid = [p[:20] for p in args.getlist("avoid")][:10]
    wanted = (args.get("position") or "").strip()[:20]
    form = {
        "minutes": raw_minutes,
        "focus": focus if focus in FOCUSES else "",
        "position": wanted if wanted in POSITIONS else "",
        "avoid": [p for p in avoid if p in POSITIONS],
    }
    if not (raw_minutes.isascii() and raw_minutes.isdigit()):  # "²" is a digit to isdigit()
        return (
            form,
            f"Enter the minutes you have as a whole number from {MIN_ROUTINE_MINUTES} to {MAX_ROUTINE_MINUTES}.",
            None,
        )
    minutes = int(raw_minutes)
    if not MIN_ROUTINE_MINUTES <= minutes <= MAX_ROUTINE_MINUTES:
        return form, f"Choose between {MIN_ROUTINE_MINUTES} and {MAX_ROUTINE_MINUTES} minutes.", None
    if focus and focus not in FOCUSES:
        return form, "Choose a focus from the list.", None
    unknown = [p for p in avoid if p not in POSITIONS]
    if unknown:
        return form, "Choose positions to avoid from the list.", None
    if wanted and wanted not in POSITIONS:
        return form, "Choose where you'll be from the list.", None
    if wanted in avoid:
        return form, "You can't both want and avoid the same position: untick it, or choose another.", None
    if wanted:  # "standing up" means every other position is avoided
        avoid = [p for p in POSITIONS if p != wanted]
    if set(avoid) >= set(POSITIONS):
        return form, "Leave at least one position you can do (floor, seated or standing).", None
    return form, None, (minutes, focus or None, set(avoid))


@bp.get("/routines/assemble")
def assemble():
    form, error, parsed = parse_assembly(request.args)
    if parsed is None:
        return _index(400, form, error)
    try:
        routine = get_catalogue().assemble(*parsed)
    except ValueError as exc:  # the catalogue explains why nothing fits; show it as a 400
        return _index(400, form, f"We couldn't build a routine from those choices. {exc}".strip())
    return redirect(url_for("routines.show", routine_id=routine.id), 303)


@bp.get("/routines/<routine_id>")
def show(routine_id: str):
    from webapp.session import _routine_or_404

    routine = _routine_or_404(routine_id)
    return render_page("routines/show.html", routine=routine, exercises=routine.exercises(get_catalogue()))
