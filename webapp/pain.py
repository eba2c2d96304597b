"""Graded pain and check-ins on the phone: after "It hurts" has stopped the count, "How bad is it?"
with large 0-10 buttons, then the advice from pain.toml (the words the voice says); the before and
after check-ins and their one on/off setting; the once-only red-flag screen (re-askable from /safety).

Pain reports are never logged.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

from shared_content.pain import load_pain_guide
from webapp.errors import error_response
from webapp.web import current_person, get_coach, render_page

bp = Blueprint("pain", __name__)

MAX_WORDS = 500


def _score(raw: str | None) -> tuple[bool, int | None]:
    """(valid, score) from a form field: "" or "skip" is a valid no-score."""
    if raw is None or raw.strip() in ("", "skip"):
        return True, None
    if not raw.strip().isdigit():
        return False, None
    value = int(raw)
    return 0 <= value <= load_pain_guide().scale_max, value


def _bad_score():
    return error_response(400, "That score didn't work", "Choose a number from 0 to 10, or skip.")


@bp.get("/pain")
def score_form():
    return render_page("pain/score.html", guide=load_pain_guide(), advice=None)


@bp.post("/pain")
def score():
    choice = request.form.get("score", "")
    words = request.form.get("words", "")[:MAX_WORDS]
    if choice == "sharp":
        words, choice = f"{words} sharp", ""
    valid, value = _score(choice)
    if not valid:
        return _bad_score()
    advice = get_coach().record_pain(current_person().id, value, words)
    return render_page("pain/score.html", guide=load_pain_guide(), advice=advice, skipped=value is None)


@bp.get("/checkin")
def checkin_form():
    when = request.args.get("when", "before")
    if when not in ("before", "after"):
        return error_response(400, "Unknown check-in", "A check-in is before or after a routine.")
    routine_id = request.args.get("start", "")[:200]
    return render_page("pain/checkin.html", when=when, routine_id=routine_id, guide=load_pain_guide())


@bp.post("/checkin")
def checkin():
    when = request.form.get("when", "")
    valid, value = _score(request.form.get("score"))
    if when not in ("before", "after") or not valid:
        return _bad_score()
    get_coach().checkin(current_person().id, when, value)  # type: ignore[arg-type]
    routine_id = request.form.get("routine_id", "")[:200]
    if when == "before" and routine_id:
        return redirect(url_for("routines.show", routine_id=routine_id), 303)
    return redirect(url_for("progress.index"), 303)


@bp.post("/checkins/setting")
def checkin_setting():
    on = request.form.get("on") == "yes"
    get_coach().set_checkins(current_person().id, on)
    return render_page("pain/setting.html", on=on)


@bp.get("/safety/screen")
def screen_form():
    answered_at, flags = get_coach().red_flag_screen(current_person().id)
    return render_page("pain/screen.html", guide=load_pain_guide(), answered_at=answered_at, advice=None)


@bp.post("/safety/screen")
def screen():
    guide = load_pain_guide()
    known = {flag.id for flag in guide.red_flag}
    ticked = tuple(request.form.getlist("flag"))
    if not set(ticked) <= known:
        return error_response(400, "Unknown warning sign", "Tick only the warning signs listed.")
    advice = get_coach().answer_red_flag_screen(current_person().id, ticked)
    return render_page("pain/screen.html", guide=guide, answered_at=get_coach().clock(), advice=advice)


@bp.post("/timezone")
def time_zone():
    """app.js reports the browser's IANA zone; the voice uses it when Alexa gives none."""
    try:
        get_coach().set_time_zone(current_person().id, request.form.get("tz", "")[:64])
    except ValueError:
        return error_response(400, "Unknown time zone", "Give the time zone as a name such as Europe/London.")
    return ("", 204)
