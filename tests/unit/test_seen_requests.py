"""The cross-process half of the Alexa replay check (shared_content/replay.py), on a real SQLite
file and on PostgreSQL: a request id is accepted once by every worker together, and again only
after its row has lapsed (when the timestamp check would refuse the request anyway)."""

from __future__ import annotations

from sqlalchemy import func, select

from shared_content.replay import SWEEP_EVERY, SeenRequests
from shared_content.store import Store
from shared_content.store.tables import seen_requests


def rows(store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(seen_requests)).scalar_one()


def test_a_request_id_is_accepted_once_by_every_worker(store, database_url, clock):
    other_process = Store(database_url)  # its own engine and connections, as another worker's
    worker_a, worker_b = SeenRequests(store, clock), SeenRequests(other_process, clock)
    assert worker_a("k1", clock() + 150) is True
    assert worker_a("k1", clock() + 150) is False  # a replay to the same worker
    assert worker_b("k1", clock() + 150) is False  # and to another one
    assert worker_b("k2", clock() + 150) is True
    assert worker_a("k2", clock() + 150) is False
    other_process.dispose()


def test_a_lapsed_id_may_be_seen_again_and_lapsed_rows_are_swept(store, clock):
    remember = SeenRequests(store, clock)
    assert remember("old", clock() + 150)
    clock.advance(151)  # the timestamp check refuses anything that old: the row no longer guards
    assert remember("old", clock() + 150) is True and remember("old", clock() + 150) is False
    for i in range(SWEEP_EVERY):
        remember(f"k{i}", clock() + 150)
    clock.advance(151)
    assert rows(store) == SWEEP_EVERY + 1
    for i in range(SWEEP_EVERY):  # the next sweep (every SWEEP_EVERY calls) deletes the lapsed rows
        remember(f"new{i}", clock() + 150)
    assert rows(store) <= SWEEP_EVERY
