"""`/pair` links this phone to an Alexa with the six-digit code Alexa speaks; `/devices` lists and unlinks.

Codes are never logged or echoed back into the page.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, request, url_for

from webapp.web import browser_token, current_person, get_coach, render_page

bp = Blueprint("pairing", __name__)


@bp.get("/pair")
def pair():
    return render_page("pairing/pair.html", error=None)


@bp.post("/pair")
def redeem():
    code = re.sub(r"[\s-]", "", request.form.get("code", ""))[:20]
    if not re.fullmatch(r"\d{6}", code):
        return render_page(
            "pairing/pair.html", status=400, error="Enter the six digits Alexa said, like 123456."
        )
    outcome = get_coach().redeem_pairing_code(browser_token(), code, request.remote_addr or "")
    if not outcome.ok:
        status = 429 if outcome.limited else 400
        response = render_page(
            "pairing/pair.html",
            status=status,
            error=outcome.message or "That code didn't work. Ask Alexa for a new one.",
        )
        if outcome.limited:
            response.headers["Retry-After"] = str(outcome.retry_after_seconds or 600)
        return response
    flash(outcome.message or "This phone is now linked to your Alexa.")
    return redirect(url_for("pairing.devices", linked=1), 303)


@bp.get("/devices")
def devices():
    person = current_person()
    linked = request.args.get("linked") == "1"
    return render_page("pairing/devices.html", devices=get_coach().devices(person.id), linked=linked)


@bp.post("/devices/<int:device_id>/unlink")
def unlink(device_id: int):
    person = current_person()
    if device_id not in {d.id for d in get_coach().devices(person.id)}:
        abort(404)
    get_coach().unlink(person.id, device_id)
    flash("Device unlinked.")
    return redirect(url_for("pairing.devices"), 303)
