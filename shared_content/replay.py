"""Alexa request ids already answered, shared by every process through the database.

`remember(store, key, expires_at, now)` is the cross-process half of the Alexa endpoint's
replay check: True the first time a key is seen, False for a replay. Keys are hashes of the
request id; rows lapse at `expires_at` (when the timestamp check would refuse the request
anyway) and are swept out now and then by the same call.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import bindparam, delete, text

from shared_content.store import Store
from shared_content.store.tables import seen_requests

SWEEP_EVERY = 256  # inserts between sweeps of lapsed rows (per process)


# One statement, SQL text (SQLAlchemy compiles a dialect INSERT with ON CONFLICT on every call):
# a new key is inserted; a key whose row has lapsed (a request old enough for its timestamp to be
# refused anyway) is taken over; a live key changes nothing, so the row count says "replay".
_REMEMBER = text(
    "INSERT INTO seen_requests (key, expires_at) VALUES (:key, :expires)"
    " ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at"
    " WHERE seen_requests.expires_at <= :now"
)
_SWEEP = delete(seen_requests).where(seen_requests.c.expires_at <= bindparam("now"))


class SeenRequests:
    """`remember(key, expires_at) -> first_time`, backed by the `seen_requests` table."""

    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self._store = store
        self._clock = clock
        self._inserts = 0

    def __call__(self, key: str, expires_at: float) -> bool:
        now = self._clock()
        self._inserts += 1
        if self._inserts % SWEEP_EVERY == 1:
            with self._store.write() as conn:
                conn.execute(_SWEEP, {"now": now})
        # One statement is its own transaction: no BEGIN/COMMIT, on the driver (Store.write_one).
        return self._store.write_one(_REMEMBER, {"key": key, "expires": expires_at, "now": now}) == 1
