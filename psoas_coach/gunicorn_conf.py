"""Production gunicorn settings: `gunicorn -c python:psoas_coach.gunicorn_conf psoas_coach.wsgi:app`.

gevent workers hold each phone's live connection (server-sent events) as a cheap greenlet, so
one worker serves thousands of phones; add workers (or machines, with PostgreSQL) for CPU.
Environment: PSOAS_BIND (default 127.0.0.1:8000), PSOAS_WORKERS (default 2 = cores here).
"""

import os

from psoas_coach.server import gunicorn_options

_host, _, _port = os.environ.get("PSOAS_BIND", "127.0.0.1:8000").rpartition(":")
globals().update(
    gunicorn_options(_host or "127.0.0.1", int(_port), int(os.environ.get("PSOAS_WORKERS", "2")))
)
