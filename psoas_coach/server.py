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


def yield_between_requests(worker, req, environ, resp) -> None:
    """gunicorn's post_request hook: let the worker's other connections run before this one's next
    request. A gevent greenlet only yields when a read would block, so a keep-alive client whose
    next request is already in the socket buffer would otherwise be served again and again."""
    import gevent  # type: ignore[import-untyped]  # gevent ships no type stubs

    gevent.sleep(0)


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
        # Fairness under keep-alive: each worker gets its own listening socket (SO_REUSEPORT) and
        # the kernel spreads new connections evenly over them; on one shared socket the worker
        # that happens to be idle accepts most of a burst, and keeps those connections for good.
        "reuse_port": True,
        # ...and a connection whose next request is already waiting yields to the others first.
        "post_request": yield_between_requests,
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
