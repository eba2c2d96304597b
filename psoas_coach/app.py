"""Builds the one WSGI app: the phone app (webapp) plus the Alexa endpoint (skill), both on one Coach."""

from __future__ import annotations

from flask import Flask

from psoas_coach.config import Settings, settings_from_env


def create_app(settings: Settings | None = None, coach=None, alexa_verifiers=None) -> Flask:
    """alexa_verifiers: replaces the production verifier list (Amazon's trust roots and chain URL);
    only Python callers pass it (bench/signed_wsgi.py: the same verifiers on a test CA), never the
    environment, so no setting can weaken a deployed server's verification."""
    from shared_content.service import Coach
    from skill.endpoint import alexa_blueprint
    from webapp import create_app as create_web_app

    settings = settings or settings_from_env(dev=False)
    if coach is None:
        from shared_content.catalogue import load_catalogue

        catalogue = load_catalogue(settings.catalogue_dir) if settings.catalogue_dir else None
        coach = Coach.from_url(settings.database_url, catalogue=catalogue)
    app = create_web_app(coach=coach, secret_key=settings.secret_key, dev=settings.dev)
    app.config["PSOAS_VAPID_KEYS"] = settings.vapid_keys
    # The Alexa endpoint is an app of its own in front of the phone's: it has no cookie, form or
    # page, so the web app's session, CSRF, rate-limit, gzip and header hooks would only cost it
    # time (about 0.7 ms of a launch). Same process, same Coach.
    endpoint = Flask("skill.endpoint")
    endpoint.register_blueprint(
        alexa_blueprint(
            coach, skill_id=settings.alexa_skill_id, verify=settings.verify_alexa, verifiers=alexa_verifiers
        )
    )
    app.wsgi_app = AlexaFirst(endpoint, app.wsgi_app)  # type: ignore[method-assign]  # Flask's middleware way
    if settings.proxy_hops:
        # Behind a proxy every phone shares the proxy's address; pairing's per-address limit
        # needs the client's own, from the headers of the proxies we were told to trust.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to add middleware
            app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops
        )
    return app


class AlexaFirst:
    """WSGI: requests for the Alexa endpoint's path go to its app, everything else to the web app."""

    def __init__(self, endpoint, web, path: str = "/alexa") -> None:
        self.endpoint, self.web, self.path = endpoint, web, path

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == self.path:
            return self.endpoint(environ, start_response)
        return self.web(environ, start_response)
