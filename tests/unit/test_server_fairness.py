"""Keep-alive fairness in a gevent worker: a connection whose request has just arrived is served
before the connections already being served back to back each get two more turns.

Run in a fresh process on a real gevent hub, as in a gunicorn worker. Busy connections are
greenlets that spend a few milliseconds of CPU per request (the voice path's cost) and then
call the production post_request hook; their next request is always already waiting, as it is
under load. Another connection waits on a real socket, whose data arrives while they run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

BUSY_CONNECTIONS = 5

SCRIPT = f"""
import time
import gevent
from gevent import socket
from psoas_coach.server import yield_between_requests

ours, theirs = socket.socketpair()
served = []

def newcomer():
    ours.recv(1)  # blocks until its request arrives: the hub has to poll to see it
    served.append("new")

def busy(i):
    for turn in range(60):
        t = time.perf_counter()
        while time.perf_counter() - t < 0.003:  # one request's CPU, no I/O
            pass
        served.append(i)
        if i == 0 and turn == 0:
            theirs.send(b"x")  # the newcomer's request arrives while the others are busy
        yield_between_requests(None, None, {{}}, None)

waiting = gevent.spawn(newcomer)
workers = [gevent.spawn(busy, i) for i in range({BUSY_CONNECTIONS})]
gevent.joinall([waiting, *workers], timeout=30)
print(served.index("new") if "new" in served else -1)
"""


def test_a_waiting_connection_is_served_before_busy_keep_alive_ones_get_two_more_turns():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    answers_before = int(done.stdout.strip())
    assert answers_before >= 0, "the waiting connection was never served"
    # Round robin: at most every busy connection's current and next request go first. With
    # gevent.sleep(0) as the hook they chained through the loop's callbacks for about 50 requests.
    assert answers_before <= 2 * BUSY_CONNECTIONS, answers_before
