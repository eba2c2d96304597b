"""`/safety`: the plain safety notice, always one tap away, also the gate before a first session;
and the privacy and terms pages the skill manifest links to."""

from __future__ import annotations

from flask import Blueprint, request

from webapp.web import get_catalogue, render_page

bp = Blueprint("safety", __name__)


@bp.get("/safety")
def notice():
    start_routine = None
    routine_id = request.args.get("start", "")
    if routine_id and len(routine_id) <= 200:
        try:
            start_routine = get_catalogue().routine(routine_id)
        except KeyError:  # an unknown routine just shows the plain notice
            start_routine = None
    return render_page("safety.html", start_routine=start_routine)


@bp.get("/privacy")
def privacy():
    return render_page("privacy.html")


@bp.get("/terms")
def terms():
    return render_page("terms.html")
