"""Helpers every blueprint uses: the Coach, the phone's identity, and page/partial rendering."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, g, make_response, request, session
from werkzeug.exceptions import TooManyRequests

from shared_content.catalogue import Catalogue, about_minutes
from shared_content.service import Coach
from webapp.limits import client_network, limiter
from webapp.security import csrf_token, session_secret

HTMX_VARY = "HX-Request, HX-Target"


def get_coach() -> Coach:
    coach: Coach = current_app.extensions["coach"]
    return coach


def get_catalogue() -> Catalogue:
    return get_coach().catalogue


def browser_token() -> str:
    """The phone's long random identity, kept in the signed, HttpOnly session cookie for a year."""
    return session_secret("browser")


def current_person():
    """The phone's person, created on first sight; the answer is then personal (never cached).

    A browser the server has not seen before may create a person row, so such first sights are
    rate-limited per network (429): a cookieless flood cannot fill the people table.
    """
    g.psoas_personal = True
    token = browser_token()
    if not session.get("known"):
        wait = limiter("new_person").take(client_network())
        if wait:
            raise TooManyRequests(retry_after=wait)
        session["known"] = True
    return get_coach().person_for_device("phone", token)


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render_block(template_name: str, block_name: str, **context) -> str:
    """Render one named block of a template (the "template fragments" pattern)."""
    template = current_app.jinja_env.get_template(template_name)
    current_app.update_template_context(context)
    ctx = template.new_context(context)
    return "".join(template.blocks[block_name](ctx))


def render_page(template_name: str, status: int = 200, **context):
    """The full page, or for an htmx request the block named after the element it targets.

    HX-Target "session-panel" -> block "session_panel"; anything else -> block "main".
    """
    if is_htmx():
        template = current_app.jinja_env.get_template(template_name)
        target = (request.headers.get("HX-Target") or "").replace("-", "_")
        block = target if target in template.blocks else "main"
        body = render_block(template_name, block, **context)
    else:
        from flask import render_template

        # Give a new phone its identity with the first page it loads, so the background
        # requests that page starts (offline.js) and a quick form post can't each mint a
        # different identity, with the last cookie winning.
        browser_token()
        body = render_template(template_name, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    response.vary.add("HX-Target")
    return response


def minutes(seconds: int | float) -> int:
    return about_minutes(seconds or 0)


def isodate(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def nicedate(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%-d %b %Y, %H:%M UTC")


def template_globals():
    coach = current_app.extensions["coach"]
    return {
        "csrf_token": csrf_token,
        "safety": coach.catalogue.safety,
        "minutes": minutes,
    }
