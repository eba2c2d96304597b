"""`/pair` links this phone to an Alexa with the six-digit code Alexa speaks; `/devices` lists and unlinks.

Codes are never logged or echoed back into the page.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for

from shared_content.vocabulary import (
    PAIRING_CODE_DIGITS,
    PAIRING_CODE_INPUT_MAX_LENGTH,
    PAIRING_CODE_INPUT_PATTERN,
    number_words,
    parse_pairing_code,
)
from webapp.web import browser_token, current_person, get_coach, render_page

bp = Blueprint("pairing", __name__)


CODE_IN_WORDS = number_words(PAIRING_CODE_DIGITS)  # "six"
EXAMPLE_CODE = "".join(str(n % 10) for n in range(1, PAIRING_CODE_DIGITS + 1))  # "123456"


def _pair_page(status: int = 200, error: str | None = None):
    return render_page(
        "pairing/pair.html",
        status=status,
        error=error,
        code_in_words=CODE_IN_WORDS,
        code_pattern=PAIRING_CODE_INPUT_PATTERN,
        code_max_length=PAIRING_CODE_INPUT_MAX_LENGTH,
    )


@bp.get("/pair")
def pair():
    return _pair_page()


@bp.post("/pair")
def redeem():
    code = parse_pairing_code(request.form.get("code", "")[:40])
    if code is None:
        return _pair_page(400, f"Enter the {CODE_IN_WORDS} digits Alexa said, like {EXAMPLE_CODE}.")
    outcome = get_coach().redeem_pairing_code(browser_token(), code, request.remote_addr or "")
    if not outcome.ok:
        status = 429 if outcome.limited else 400
        response = _pair_page(status, outcome.message or "That code didn't work. Ask Alexa for a new one.")
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
