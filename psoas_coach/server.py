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
    }


def serve(settings: Settings, host: str, port: int, workers: int | None = None) -> int:
    if workers is None:
        workers = 1 if settings.dev else 2
    from shared_content.store import Store, default_database_url

    Store(settings.database_url or default_database_url()).migrate()
    print(f"Psoas Coach on http://{host}:{port}/  (Alexa endpoint: POST /alexa{', unverified: --dev' if settings.dev else ''})",
          flush=True)
    _Gunicorn(settings, gunicorn_options(host, port, workers)).run()
    return 0
