"""Graded pain and check-ins on the phone: after "It hurts" has stopped the count, "How bad is it?"
with large 0-10 buttons, then the advice from pain.toml (the words the voice says); the before and
after check-ins and their one on/off setting; the once-only red-flag screen (re-askable from /safety);
the follow-up on the next visit after a pain stop or a run whose pain rose.

The screen and the before check-in are part of every start form (`start_checks`, pain/_start.html):
a first start cannot be made without the screen's questions on the page, and answering the
check-in is one tap more, never a page more.

Pain reports are never logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, g, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from shared_content.pain import load_pain_guide
from shared_content.vocabulary import PICK_UPS
from webapp.errors import error_response
from webapp.web import current_person, get_coach, render_page

bp = Blueprint("pain", __name__)

MAX_WORDS = 500
AFTER_CHECKIN_SECONDS = 3600  # the done panel asks for the after score within the hour


def _score(raw: str | None) -> tuple[bool, int | None]:
    """(valid, score) from a form field: "" or "skip" is a valid no-score."""
    if raw is None or raw.strip() in ("", "skip"):
        return True, None
    if not (raw.strip().isascii() and raw.strip().isdigit()):  # "²" is a digit to isdigit()
        return False, None
    value = int(raw)
    return 0 <= value <= load_pain_guide().scale_max, value


def _bad_score():
    return error_response(400, "That score didn't work", "Choose a number from 0 to 10, or skip.")


@dataclass(frozen=True)
class StartChecks:
    """What a start form asks besides the start: the red-flag screen until it is answered, and the
    optional before check-in while check-ins are on."""

    screen: bool
    checkin: bool
    safety_heard: bool  # until then a start goes to the safety page first, which asks these itself


bp.add_app_template_global(load_pain_guide, "pain_guide")


@bp.app_template_global()
def start_checks() -> StartChecks:
    if "start_checks" not in g:
        coach, person = get_coach(), current_person()
        g.start_checks = StartChecks(
            screen=coach.red_flag_screen(person.id)[0] is None,
            checkin=coach.settings(person.id).checkins_on,
            safety_heard=person.safety_heard,
        )
    return g.start_checks


@bp.app_template_global()
def after_checkin_due() -> bool:
    """The done panel asks "how is your back now?" after a run whose before check-in was answered."""
    coach, person_id = get_coach(), current_person().id
    if not coach.settings(person_id).checkins_on:
        return False
    runs = coach.history(person_id)
    recent = bool(runs) and runs[0].finished_at > coach.clock() - AFTER_CHECKIN_SECONDS
    return recent and runs[0].pain_before is not None and runs[0].pain_after is None


@bp.app_template_global()
def followup_due():
    """On the routines page, after a pain stop or a run whose pain rose: "how does it feel today?"."""
    coach, person_id = get_coach(), current_person().id
    if not coach.settings(person_id).checkins_on:
        return None
    return coach.needs_followup(person_id)


def take_start_answers(person_id: int, form: MultiDict) -> tuple[Response | None, int | None]:
    """The screen and check-in answers sent with a start: (the response to give instead of
    starting, the before score to store once the start is applied). The response is a 400 (nothing
    stored) or, when a warning sign is ticked, the see-a-clinician advice (no start)."""
    guide = load_pain_guide()
    flags = tuple(form.getlist("flag"))
    if not set(flags) <= {flag.id for flag in guide.red_flag}:
        return error_response(400, "Unknown warning sign", "Tick only the warning signs listed."), None
    valid, before = _score(form.get("pain_before"))
    if not valid:
        return _bad_score(), None
    if form.get("screen") == "yes":
        advice = get_coach().answer_red_flag_screen(person_id, flags)
        if advice is not None:
            page = render_page(
                "pain/screen.html", guide=guide, answered_at=get_coach().clock(), advice=advice
            )
            return page, None
    return None, before


def store_before(person_id: int, score: int | None) -> None:
    """After the start: a run being replaced is recorded first, so the score is this run's alone."""
    if score is not None:
        get_coach().checkin(person_id, "before", score)


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


@bp.post("/pain/carry-on")
def carry_on():
    how = request.form.get("how", "")
    if how not in PICK_UPS:
        return error_response(400, "Unknown choice", "Choose carry on, ease off or skip this exercise.")
    outcome = get_coach().carry_on_after_pain(current_person().id, how, source="phone")
    if outcome.status != "applied":
        return error_response(409, "Can't pick the routine up", outcome.message)
    return redirect(url_for("session.view"), 303)


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


@bp.post("/followup")
def followup():
    valid, value = _score(request.form.get("score"))
    if not valid:
        return _bad_score()
    coach = get_coach()
    if coach.answer_followup(current_person().id, value):
        return render_page("pain/followup.html", gentle=coach.gentler_routine())
    return redirect(url_for("routines.index"), 303)


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
