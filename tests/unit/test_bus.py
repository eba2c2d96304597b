"""The change bus on real databases: a committed change wakes the right waiters, in this
process or from another one; a rolled-back change never does."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from shared_content.bus import ChangeBus, PostgresChangeBus, SqliteChangeBus
from shared_content.store import Store

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def bus(store):
    bus = ChangeBus.for_engine(store.engine, poll_interval=0.02)
    yield bus
    bus.close()


def run_in_another_process(store, code: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh Python process, with the store's database URL in BUS_TEST_URL."""
    url = store.url.render_as_string(hide_password=False)
    env = {**os.environ, "BUS_TEST_URL": url, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=60
    )


def publish(store, bus, person_id, version):
    with store.write() as conn:
        bus.publish(conn, person_id, version)


def test_bus_kind_follows_the_database(store, bus):
    expected = SqliteChangeBus if store.dialect == "sqlite" else PostgresChangeBus
    assert type(bus) is expected


def test_committed_change_arrives_within_half_a_second(store, bus):
    sub = bus.subscribe(7)
    publish(store, bus, 7, 3)
    began = time.monotonic()
    assert sub.wait(0.5) == 3
    assert time.monotonic() - began < 0.5


def test_nothing_is_delivered_before_commit(store, bus):
    sub = bus.subscribe(7)
    with store.write() as conn:
        bus.publish(conn, 7, 5)
        assert sub.wait(0.3) is None
    assert sub.wait(0.5) == 5


def test_rolled_back_change_is_never_delivered(store, bus):
    sub = bus.subscribe(7)
    with pytest.raises(RuntimeError):
        with store.write() as conn:
            bus.publish(conn, 7, 3)
            raise RuntimeError("the session update failed")
    assert sub.wait(0.6) is None
    publish(store, bus, 7, 4)  # the bus is alive: the next real change comes through, alone
    assert sub.wait(0.5) == 4


def test_other_people_hear_nothing(store, bus):
    mine, theirs = bus.subscribe(7), bus.subscribe(8)
    publish(store, bus, 7, 2)
    assert mine.wait(0.5) == 2
    assert theirs.wait(0.3) is None


def test_wait_returns_the_newest_of_several_changes_then_times_out(store, bus):
    sub = bus.subscribe(7)
    for version in (2, 3, 4):
        publish(store, bus, 7, version)
    deadline = time.monotonic() + 1.0
    seen = None
    while seen != 4 and time.monotonic() < deadline:
        seen = sub.wait(0.2)
    assert seen == 4
    assert sub.wait(0.2) is None


def test_a_publisher_in_another_process_reaches_us(store, bus):
    sub = bus.subscribe(42)
    code = (
        "import os\n"
        "from sqlalchemy import create_engine\n"
        "from shared_content.bus import ChangeBus\n"
        "engine = create_engine(os.environ['BUS_TEST_URL'])\n"
        "bus = ChangeBus.for_engine(engine)\n"
        "with engine.begin() as conn:\n"
        "    bus.publish(conn, 42, 9)\n"
        "bus.close()\n"
    )
    done = run_in_another_process(store, code)
    assert done.returncode == 0, done.stderr
    assert sub.wait(2.0) == 9


def test_every_subscriber_for_a_person_wakes(store, bus):
    waiting = [bus.subscribe(5) for _ in range(20)]
    idle = [bus.subscribe(5) for _ in range(2000)]
    results: list[int | None] = []
    lock = threading.Lock()

    def wait(sub):
        version = sub.wait(3.0)
        with lock:
            results.append(version)

    threads = [threading.Thread(target=wait, args=(s,)) for s in waiting]
    for t in threads:
        t.start()
    publish(store, bus, 5, 11)
    for t in threads:
        t.join(5)
    assert results == [11] * 20
    # Subscribers that weren't waiting yet still find the change when they next wait.
    assert all(s.wait(0.5) == 11 for s in idle)
    assert bus.subscriber_count(5) == 2020


def test_closed_subscription_is_forgotten(store, bus):
    sub = bus.subscribe(3)
    assert bus.subscriber_count(3) == 1
    sub.close()
    assert bus.subscriber_count(3) == 0
    assert sub.wait(0.1) is None


def test_close_stops_the_listener_and_releases_waiters(store):
    bus = ChangeBus.for_engine(store.engine, poll_interval=0.02)
    sub = bus.subscribe(1)
    assert bus.is_running
    returned = []
    waiter = threading.Thread(target=lambda: returned.append(sub.wait(30)))
    waiter.start()
    began = time.monotonic()
    bus.close()
    waiter.join(5)
    assert returned == [None] and time.monotonic() - began < 2
    assert not bus.is_running
    with pytest.raises(RuntimeError):
        bus.subscribe(1)


def test_sqlite_prunes_changes_older_than_ten_minutes(sqlite_url):
    store = Store(sqlite_url)
    store.migrate()
    with store.write() as conn:
        conn.execute(
            text("INSERT INTO changes (person_id, version, at) VALUES (1, 1, :old), (1, 2, :new)"),
            {"old": time.time() - 700, "new": time.time() - 10},
        )
    bus = ChangeBus.for_engine(store.engine, poll_interval=0.02)
    try:
        bus.subscribe(1)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            with store.read() as conn:
                versions = conn.execute(text("SELECT version FROM changes ORDER BY seq")).scalars().all()
            if versions == [2]:
                break
            time.sleep(0.05)
        assert versions == [2]
    finally:
        bus.close()
        store.dispose()


@pytest.mark.postgres
def test_postgres_listener_reconnects_after_its_connection_is_killed(postgres_url):
    store = Store(postgres_url)
    bus = ChangeBus.for_engine(store.engine)
    try:
        sub = bus.subscribe(6)
        with store.write() as conn:
            killed = (
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
                    )
                )
                .scalars()
                .all()
            )
        assert killed == [True]
        # Changes made while it reconnects are lost (subscribers re-read on timeout);
        # once it is back, changes flow again.
        deadline, seen, version = time.monotonic() + 10, None, 0
        while seen is None and time.monotonic() < deadline:
            version += 1
            publish(store, bus, 6, version)
            seen = sub.wait(0.3)
        assert seen is not None and seen >= 1
        # Its stream is told to re-read (what was sent while it was away is gone), once.
        assert sub.may_have_missed() is True
        assert sub.may_have_missed() is False
    finally:
        bus.close()
        store.dispose()


def test_a_quiet_subscription_has_missed_nothing(store, bus):
    """A stream's heartbeat needs no database read while the bus delivered everything."""
    sub = bus.subscribe(8)
    publish(store, bus, 8, 1)
    assert sub.wait(2.0) == 1
    assert sub.wait(0.2) is None
    assert sub.may_have_missed() is False
    sub.close()


def test_works_under_gevent_monkey_patching(store):
    """gunicorn's gevent workers patch threading and sockets before anything else runs."""
    code = (
        "from gevent import monkey; monkey.patch_all()\n"
        "import os, time, gevent\n"
        "from sqlalchemy import create_engine\n"
        "from shared_content.bus import ChangeBus\n"
        "engine = create_engine(os.environ['BUS_TEST_URL'])\n"
        "bus = ChangeBus.for_engine(engine, poll_interval=0.02)\n"
        "subs = [bus.subscribe(4) for _ in range(3)]\n"
        "got = []\n"
        "waiters = [gevent.spawn(lambda s=s: got.append(s.wait(3.0))) for s in subs]\n"
        "ticks = []\n"
        "ticker = gevent.spawn(lambda: [ticks.append(gevent.sleep(0.01)) for _ in range(20)])\n"
        "gevent.sleep(0.05)\n"
        "with engine.begin() as conn:\n"
        "    bus.publish(conn, 4, 8)\n"
        "gevent.joinall(waiters + [ticker], timeout=5)\n"
        "bus.close()\n"
        "assert not bus.is_running\n"
        "print(sorted(got), len(ticks))\n"
    )
    done = run_in_another_process(store, code)
    assert done.returncode == 0, done.stderr
    # All three waiters woke, and other greenlets kept running meanwhile (the hub was never blocked).
    assert done.stdout.split() == ["[8,", "8,", "8]", "20"]
