"""Friendly error pages: a full page for a normal request, a message in #flash for htmx."""

from __future__ import annotations

import logging

from flask import make_response, render_template
from werkzeug.exceptions import HTTPException

from webapp.security import CSRFError
from webapp.web import is_htmx, render_block

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("That didn't work", "Something in that request wasn't right. Go back and try again."),
    403: ("Not allowed", "That isn't something this phone can do."),
    404: ("We couldn't find that page", "The link may be old, or the address mistyped."),
    405: ("That page can't do that", "Try opening it from the menu instead."),
    413: ("That was too much", "The form sent more than we accept. Go back and try again."),
    429: ("Please wait a moment", "Too many tries in a short time. Wait a few minutes and try again."),
    500: ("Something went wrong on our side", "It's not you. Try again in a moment; your session is saved."),
}


def error_response(
    status: int, title: str | None = None, message: str | None = None, headers: dict[str, str] | None = None
):
    default_title, default_message = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    context = {"status": status, "title": title or default_title, "message": message or default_message}
    if is_htmx():
        response = make_response(render_block("errors/error.html", "flash", **context), status)
        response.headers["HX-Retarget"] = "#flash"
        response.headers["HX-Reswap"] = "innerHTML"
    else:
        response = make_response(render_template("errors/error.html", **context), status)
    response.vary.add("HX-Request")
    response.headers.update(headers or {})
    return response


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(_exc):
        return error_response(
            400,
            "This page had gone stale",
            "For your safety we didn't act on that. Reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        response = error_response(exc.code)
        for name, value in exc.get_headers():
            if name in ("Allow", "Retry-After"):
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        log.exception("unhandled error on a phone request")
        return error_response(500)
