"""Runs the app under gunicorn with gevent workers: one process holds many live phone connections."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from psoas_coach.config import Settings


class _Gunicorn(BaseApplication):
    def __init__(self, settings: Settings, options: dict):
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from psoas_coach.app import create_app

        return create_app(self.settings)


def gunicorn_options(host: str, port: int, workers: int) -> dict:
    # The one production configuration; psoas_coach/gunicorn_conf.py reads the same dict.
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gevent",
        "worker_connections": 4000,
        "timeout": 60,
        "graceful_timeout": 5,
        "keepalive": 75,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        # One control socket per machine by default ($HOME/.gunicorn): servers would trip over it.
        "control_socket_disable": True,
    }


def serve(settings: Settings, host: str, port: int, workers: int | None = None) -> int:
    if workers is None:
        workers = 1 if settings.dev else 2
    # No database work here: the workers migrate as they build the app (Coach.from_url, safe
    # when several start at once). Loading the PostgreSQL driver in this master, before the
    # gevent workers patch the standard library, would leave psycopg with blocking waits.
    print(
        f"Psoas Coach on http://{host}:{port}/  (Alexa endpoint: POST /alexa{', unverified: --dev' if settings.dev else ''})",
        flush=True,
    )
    _Gunicorn(settings, gunicorn_options(host, port, workers)).run()
    return 0
