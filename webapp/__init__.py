"""The phone web app: a Flask + htmx front end that talks only to `Coach`.

`create_app(coach, secret_key, dev=False, testing=False)` builds it; nothing happens at import time.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

# Functions PhoneApp.ensure_sync has looked at; past this many (only a leak would get there) it
# just asks Flask each time.
SYNC_FUNCTIONS_KEPT = 1024


class PhoneApp(Flask):
    """Flask, except that whether a view or hook needs wrapping for asyncio is worked out once
    per function, not on every request for every hook (inspect.iscoroutinefunction, seven
    times per page)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sync_functions: dict = {}

    def ensure_sync(self, func):
        found = self._sync_functions.get(func)
        if found is None:
            found = super().ensure_sync(func)
            if len(self._sync_functions) < SYNC_FUNCTIONS_KEPT:
                self._sync_functions[func] = found
        return found


def create_app(coach, secret_key: str, dev: bool = False, testing: bool = False) -> Flask:
    if not secret_key:
        raise ValueError("create_app needs a secret_key (PSOAS_SECRET_KEY) to sign the phone's cookie")
    app = PhoneApp(__name__)
    app.config.update(
        SECRET_KEY=secret_key,
        TESTING=testing,
        SESSION_COOKIE_NAME="psoas_phone",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not dev,
        PERMANENT_SESSION_LIFETIME=timedelta(days=365),
        MAX_CONTENT_LENGTH=64 * 1024,
        PSOAS_DEV=dev,
    )
    app.extensions["coach"] = coach

    from webapp import errors, security, static_files
    from webapp.api_docs import bp as api_docs_bp
    from webapp.figures import bp as figures_bp
    from webapp.library import bp as library_bp
    from webapp.pace import bp as pace_bp
    from webapp.pain import bp as pain_bp
    from webapp.pairing import bp as pairing_bp
    from webapp.privacy import bp as privacy_bp
    from webapp.progress import bp as progress_bp
    from webapp.push import bp as push_bp
    from webapp.pwa import bp as pwa_bp
    from webapp.routines import bp as routines_bp
    from webapp.safety import bp as safety_bp
    from webapp.session import bp as session_bp
    from webapp.web import isodate, nicedate, template_globals

    security.init_app(app)
    errors.init_app(app)
    static_files.init_app(app)
    app.context_processor(template_globals)
    app.jinja_env.filters.update(isodate=isodate, nicedate=nicedate)
    blueprints = (
        routines_bp,
        session_bp,
        pairing_bp,
        library_bp,
        safety_bp,
        pwa_bp,
        progress_bp,
        figures_bp,
        api_docs_bp,
        privacy_bp,
        pain_bp,
        pace_bp,
        push_bp,
    )
    for bp in blueprints:
        app.register_blueprint(bp)
    return app
