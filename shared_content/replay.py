"""Alexa request ids already answered, shared by every process through the database.

`remember(store, key, expires_at, now)` is the cross-process half of the Alexa endpoint's
replay check: True the first time a key is seen, False for a replay. Keys are hashes of the
request id; rows lapse at `expires_at` (when the timestamp check would refuse the request
anyway) and are swept out now and then by the same call.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete

from shared_content.store import Store
from shared_content.store.tables import seen_requests

SWEEP_EVERY = 256  # inserts between sweeps of lapsed rows (per process)


class SeenRequests:
    """`remember(key, expires_at) -> first_time`, backed by the `seen_requests` table."""

    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self._store = store
        self._clock = clock
        self._inserts = 0

    def __call__(self, key: str, expires_at: float) -> bool:
        now = self._clock()
        self._inserts += 1
        with self._store.write() as conn:
            if self._inserts % SWEEP_EVERY == 1:
                conn.execute(delete(seen_requests).where(seen_requests.c.expires_at <= now))
            # A lapsed row with the same key is a request old enough to be refused by its timestamp.
            conn.execute(
                delete(seen_requests).where(seen_requests.c.key == key, seen_requests.c.expires_at <= now)
            )
            stmt = self._store.insert(seen_requests).values(key=key, expires_at=expires_at)
            inserted = conn.execute(
                stmt.on_conflict_do_nothing(index_elements=[seen_requests.c.key])
            ).rowcount
        return inserted == 1
