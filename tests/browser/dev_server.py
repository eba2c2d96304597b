"""A real `psoas-coach serve --dev` process on a free port, for the browser tests (conftest's
live_server, the tiny-routine server): its own data folder and SQLite file, stopped with gunicorn's
quick shutdown (no wait for open live streams). Under CI=true a server that cannot start fails."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import unavailable

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_dev(data: Path, **env: str) -> Iterator[str]:
    """Yield the base URL of a dev server keeping its data under `data`; `env` adds settings."""
    port = free_port()
    full_env = dict(
        os.environ,
        XDG_DATA_HOME=str(data),
        DATABASE_URL=f"sqlite:///{data / 'psoas.db'}",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        **env,
    )
    log = open(data / "server.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "psoas_coach.cli", "serve", "--dev", "--port", str(port)],
        cwd=ROOT,
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if proc.poll() is not None:
                log.seek(0)
                unavailable(f"the server exited with {proc.returncode}:\n{log.read()[-3000:]}")
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                log.seek(0)
                unavailable(f"the server did not answer within 60 s:\n{log.read()[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: no wait for open streams
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
