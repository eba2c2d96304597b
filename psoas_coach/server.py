"""Runs the app under gunicorn with gevent workers: one process holds many live phone connections.

Limits that keep one client from taking the service down (docs/architecture.md, "Security"):
- each worker takes WORKER_CONNECTIONS connections; live event streams are capped below that
  (webapp.limits.STREAMS_PER_PROCESS = WORKER_CONNECTIONS - CONNECTION_RESERVE), so pages and
  `/alexa` always find a free slot while streams are at their cap;
- `keepalive` bounds both an idle kept-alive connection and the time a client may take to send
  its request line and headers (gunicorn's gevent worker reads them under that timeout);
- request line, header count and header size are bounded by gunicorn;
- `BodyDeadline` reads every request body within BODY_DEADLINE_SECONDS (else 408) before the
  app sees it, so a slow body holds a connection for seconds, not forever;
- each worker runs housekeeping (shared_content.housekeeping) in a background greenlet, and, with
  VAPID keys configured, the Web Push scheduler (one sender at a time, by a lease).
"""

from __future__ import annotations

import io
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from gunicorn.app.base import BaseApplication

from psoas_coach.config import Settings

log = logging.getLogger(__name__)

WORKER_CONNECTIONS = 4000  # 5,000 phones on two workers, each with its live stream, and room to spare
CONNECTION_RESERVE = 400  # kept free of event streams for pages and /alexa
KEEPALIVE_SECONDS = 10
BODY_DEADLINE_SECONDS = float(os.environ.get("PSOAS_BODY_DEADLINE_SECONDS", "10"))
MAX_BODY_BYTES = 256 * 1024  # above every route's own limit (the app answers 413 past its own)
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Between two requests on one connection (yield_between_requests): any value > 0 is a timer, which
# waits for the event loop's next poll. This one has expired by then, so the poll does not block:
# a lone connection loses ~10 us (0.0001 s would round up to libev's 1 ms poll granularity).
YIELD_SECONDS = 1e-6


def _plain(start_response: Callable[..., Any], status: str, text: str) -> list[bytes]:
    body = text.encode()
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
        ],
    )
    return [body]


class BodyDeadline:
    """WSGI middleware: the whole request body arrives within `seconds`, or the answer is 408.

    The body (at most `max_bytes` + 1 bytes; the app refuses more itself) is read up front under
    a gevent timeout and handed to the app from memory. A body the server cannot parse (malformed
    chunked encoding) is a 400. Without gevent (tests, other servers) the app is called as is.
    """

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        seconds: float = BODY_DEADLINE_SECONDS,
        max_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.app, self.seconds, self.max_bytes = app, seconds, max_bytes

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in BODY_METHODS:
            return self.app(environ, start_response)
        import gevent  # the server's worker class: the deadline is a gevent timeout

        length_header = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        length = int(length_header) if length_header.isascii() and length_header.isdigit() else None
        if length is None and not chunked or length is not None and length > self.max_bytes:
            return self.app(environ, start_response)  # nothing to read, or the app answers 413 unread
        want = min(length, self.max_bytes + 1) if length is not None else self.max_bytes + 1
        stream = environ["wsgi.input"]
        body = bytearray()
        try:
            with gevent.Timeout(self.seconds):
                while len(body) < want:
                    chunk = stream.read(min(65536, want - len(body)))
                    if not chunk:
                        break
                    body += chunk
        except gevent.Timeout:
            return _plain(start_response, "408 Request Timeout", "The request body arrived too slowly.")
        except Exception:  # malformed chunked encoding, a body cut short
            return _plain(start_response, "400 Bad Request", "The request body could not be read.")
        environ["wsgi.input"] = io.BytesIO(bytes(body))
        if length is not None:
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)


def post_worker_init(worker: Any) -> None:
    """In every worker: bound request bodies in time, and start housekeeping."""
    app = worker.wsgi
    worker.wsgi = BodyDeadline(app)
    coach = getattr(app, "extensions", {}).get("coach")
    if coach is not None:
        from shared_content.housekeeping import run_forever

        threading.Thread(target=run_forever, args=(coach.store,), name="housekeeping", daemon=True).start()
        keys = app.config.get("PSOAS_VAPID_KEYS")
        if keys is not None:  # one sender at a time across workers and machines (a lease in the database)
            from shared_content.push_scheduler import PushScheduler

            PushScheduler(coach.store, keys, coach.clock).start()


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
    next request is already in the socket buffer would otherwise be served again and again.

    The pause is a timer, not `gevent.sleep(0)`: sleep(0) queues the greenlet as a loop callback,
    and gevent runs queued callbacks (up to 50 between clock checks) before it polls the sockets.
    Under load each woken greenlet finds its client's next request already buffered, serves it
    and queues itself again, so the connections that were served first form a chain that keeps
    every other connection, and new ones waiting to be accepted, unserved for 50 requests: 1.5-2 s
    at the voice path's cost (bench/README.md, alexa_latency "Fairness settings"). A timer fires
    only after the loop has polled, so every connection with a request waiting gets its turn."""
    import gevent

    gevent.sleep(YIELD_SECONDS)


def gunicorn_options(host: str, port: int, workers: int) -> dict:
    # The one production configuration; psoas_coach/gunicorn_conf.py reads the same dict.
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gevent",
        "worker_connections": WORKER_CONNECTIONS,
        "timeout": 60,
        "graceful_timeout": 5,
        "keepalive": KEEPALIVE_SECONDS,
        "limit_request_line": 4096,
        "limit_request_fields": 50,
        "limit_request_field_size": 8190,
        "post_worker_init": post_worker_init,
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


def _migrate(url: str | None) -> None:
    from shared_content.store import Store, default_database_url

    url = url or default_database_url()
    try:
        Store(url).migrate()
    except Exception as exc:  # the message names the database without its password
        print(f"Could not migrate {Store.describe_url(url)}: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)


def _migrate_in_child(url: str | None) -> int:
    import multiprocessing

    child = multiprocessing.get_context("fork").Process(target=_migrate, args=(url,), name="migrate")
    child.start()
    child.join()
    return 0 if child.exitcode == 0 else 3


def serve(settings: Settings, host: str, port: int, workers: int | None = None) -> int:
    if workers is None:
        workers = 1 if settings.dev else 2
    # The schema is brought to head in a short-lived child, so the workers find it there and never
    # load Alembic (Coach.from_url still migrates, safe when several start at once, if they must).
    # Loading SQLAlchemy and the PostgreSQL driver in this master, before the gevent workers patch
    # the standard library, would leave psycopg with blocking waits (and cost the master 25 MB).
    migrated = _migrate_in_child(settings.database_url)
    if migrated != 0:
        return migrated
    print(
        f"Psoas Coach on http://{host}:{port}/  (Alexa endpoint: POST /alexa{', unverified: --dev' if settings.dev else ''})",
        flush=True,
    )
    _Gunicorn(settings, gunicorn_options(host, port, workers)).run()
    return 0
