"""Per-process limits that keep one client from taking the phone app down for everyone.

- `LiveStreams`: caps on live `/session/events` streams, per person, per network and in total
  per process. The total stays below gunicorn's worker_connections, so a reserve of connections
  is always left for pages and `/alexa` (psoas_coach/server.py sets both).
- `RateLimiter`: token buckets per network, for requests that write (offline-queue batches) and
  for requests that would create a person (a browser the server has not seen before).

A "network" is an IPv4 address or an IPv6 /64 (`shared_content.pairing.network_scopes`): one
machine usually holds a whole /64, so exact-address limits would be no limit at all.

Environment overrides (PSOAS_STREAMS_PER_NETWORK, PSOAS_STREAMS_PER_PERSON,
PSOAS_STREAMS_PER_PROCESS, PSOAS_NEW_BROWSERS_PER_MINUTE, PSOAS_COMMAND_BATCHES_PER_MINUTE) exist
for benchmarks that connect many phones from one loopback address.

These counters live in process memory: with N worker processes the effective limits are N
times these numbers. That is deliberate; they guard capacity (which is per process too), and
keeping them out of the database keeps a flood from turning into database writes.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request

from shared_content.pairing import network_scopes

STREAMS_PER_PERSON = 6  # a few tabs and devices of one person
STREAMS_PER_NETWORK = 24  # a household's phones, each with a tab or two
STREAMS_PER_PROCESS = 3600  # psoas_coach.server keeps worker_connections above this
STREAM_RETRY_AFTER_SECONDS = 30
BUCKETS_KEPT = 50_000  # networks remembered per limiter; the least recently seen go first


def client_network() -> str:
    return network_scopes(request.remote_addr)["ip"]


class LiveStreams:
    """Counts live streams; `claim` says whether one more may start, `release` ends one."""

    def __init__(
        self,
        per_person: int = STREAMS_PER_PERSON,
        per_network: int = STREAMS_PER_NETWORK,
        total: int = STREAMS_PER_PROCESS,
    ) -> None:
        self.per_person, self.per_network, self.total = per_person, per_network, total
        self._lock = threading.Lock()
        self._people: Counter[int] = Counter()
        self._networks: Counter[str] = Counter()
        self._live = 0

    def claim(self, person_id: int, network: str) -> bool:
        with self._lock:
            if (
                self._live >= self.total
                or self._people[person_id] >= self.per_person
                or self._networks[network] >= self.per_network
            ):
                return False
            self._live += 1
            self._people[person_id] += 1
            self._networks[network] += 1
            return True

    def release(self, person_id: int, network: str) -> None:
        with self._lock:
            self._live -= 1
            self._forget(self._people, person_id)
            self._forget(self._networks, network)

    @staticmethod
    def _forget(counter: Counter[Any], key: object) -> None:
        counter[key] -= 1
        if counter[key] <= 0:
            del counter[key]

    @property
    def live(self) -> int:
        with self._lock:
            return self._live


class RateLimiter:
    """A token bucket per key: `rate` tokens a second, at most `burst` saved up."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    def take(self, key: str) -> int:
        """0 when allowed (a token is spent), else the seconds to wait for the next token."""
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            wait = 0 if tokens >= 1 else max(1, math.ceil((1 - tokens) / self.rate))
            self._buckets[key] = (tokens - 1 if wait == 0 else tokens, now)
            while len(self._buckets) > BUCKETS_KEPT:
                self._buckets.popitem(last=False)
            return wait


def live_streams() -> LiveStreams:
    return current_app.extensions["psoas_live_streams"]


def limiter(name: str) -> RateLimiter:
    return current_app.extensions["psoas_rate_limiters"][name]


def _setting(name: str, default: int) -> int:
    """An environment override (benchmarks that connect 1,000 phones from one loopback address)."""
    return int(os.environ.get(name, default))


def init_app(app: Flask) -> None:
    app.extensions["psoas_live_streams"] = LiveStreams(
        per_person=_setting("PSOAS_STREAMS_PER_PERSON", STREAMS_PER_PERSON),
        per_network=_setting("PSOAS_STREAMS_PER_NETWORK", STREAMS_PER_NETWORK),
        total=_setting("PSOAS_STREAMS_PER_PROCESS", STREAMS_PER_PROCESS),
    )
    new_browsers = _setting("PSOAS_NEW_BROWSERS_PER_MINUTE", 20)
    batches = _setting("PSOAS_COMMAND_BATCHES_PER_MINUTE", 12)
    app.extensions["psoas_rate_limiters"] = {
        # New browsers (each may become a person row): 20 a minute per network, 40 at once.
        "new_person": RateLimiter(rate=new_browsers / 60, burst=2 * new_browsers),
        # Offline-queue batches (each up to 200 commands): 12 a minute per network, 12 at once.
        "command_batch": RateLimiter(rate=batches / 60, burst=batches),
    }
