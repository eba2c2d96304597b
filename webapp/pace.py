"""Keeping a pace for next time on the phone. Slower and faster change only the routine they are
pressed in; the done panel of a run at another pace offers "keep this pace for next time"
(session/_keep_pace.html), the voice asks the same, and only a yes is stored."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

from webapp.errors import error_response
from webapp.web import current_person, get_coach

bp = Blueprint("pace", __name__)


@bp.app_template_global()
def pace_to_keep(view) -> dict | None:
    """The finished run's pace when it differs from the person's usual one (and which way), else None."""
    person = current_person()
    pace = get_coach().pace_to_offer(view, person)
    return None if pace is None else {"pace": pace, "slower": pace > person.pace}


@bp.post("/session/keep-pace")
def keep():
    person = current_person()
    offered = get_coach().pace_to_offer(get_coach().current(person.id), person)
    if offered is None:
        return error_response(
            409, "There's no pace to keep", "Only a finished routine's changed pace can be kept."
        )
    if request.form.get("pace", "") != str(offered):  # a page older than the routine it shows
        return error_response(409, "That button was out of date", "Reload the session page and try again.")
    get_coach().keep_pace(person.id, offered)
    return redirect(url_for("session.view", kept="pace"), 303)
