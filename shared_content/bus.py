"""Cross-process change bus: "person P's session is now at version V", delivered to waiting
front ends in every process (gunicorn workers, the voice endpoint, the phone's live view).

    bus = ChangeBus.for_engine(engine)
    with engine.begin() as conn:          # the caller's write transaction
        ...update the session...
        bus.publish(conn, person_id, version)   # delivered only if this commits
    sub = bus.subscribe(person_id); sub.wait(25.0) -> newest version | None; sub.close()

SQLite has no notifications, so publishing inserts a row into `changes` and one poller
thread per process reads new rows every `poll_interval`. PostgreSQL publishes with
pg_notify (sent on commit, dropped on rollback) and one dedicated connection per process
LISTENs. Either way, one background thread fans out to in-process subscribers through a
dict person_id -> subscriptions, so thousands of waiting phones cost one Condition each.

Only `threading` primitives are used: under gevent monkey-patching they become greenlet
friendly, and psycopg switches to gevent-aware waiting by itself. No asyncio.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

CHANNEL = "psoas_changes"
READY_TIMEOUT = 5.0  # how long subscribe() waits for the listener to be in place
PRUNE_AFTER_SECONDS = 600.0  # SQLite: change rows older than this are deleted
PRUNE_EVERY_SECONDS = 60.0
MAX_BACKOFF_SECONDS = 5.0
# Published as the version when a person is deleted or merged into another: their live streams end
# at once instead of at their next heartbeat. Session versions start at 1, so it never collides.
ENDED = -1


# Built once: publish runs inside every session change's transaction.
_INSERT_CHANGE = text("INSERT INTO changes (person_id, version, at) VALUES (:p, :v, :at)")
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")
# The oldest rows first, found by ix_changes_at; at 200 changes/s a minute is 12,000 rows.
_PRUNE_BATCH = text(
    "DELETE FROM changes WHERE seq IN (SELECT seq FROM changes WHERE at < :cutoff ORDER BY at LIMIT :n)"
)
PRUNE_BATCH_ROWS = 2000
PRUNE_MAX_BATCHES = 50  # the rest waits for the next round


class Subscription:
    """Waits for changes to one person's session. Cheap: a Condition and an int."""

    def __init__(self, bus: ChangeBus, person_id: int):
        self.person_id = person_id
        self._bus = bus
        self._cond = threading.Condition(threading.Lock())
        self._pending: int | None = None
        self._closed = False
        self.ended = False  # the person was deleted or merged: nothing more will come
        self._gaps_seen = bus.gaps

    def _offer(self, version: int) -> None:
        with self._cond:
            self.ended = self.ended or version == ENDED
            self._pending = ENDED if self.ended else version
            self._cond.notify_all()

    def wait(self, timeout: float) -> int | None:
        """The newest version published since the last wait (or subscribe); None on timeout or close."""
        with self._cond:
            self._cond.wait_for(lambda: self._pending is not None or self._closed, timeout)
            version, self._pending = self._pending, None
            return version

    def may_have_missed(self) -> bool:
        """True once after the bus may have dropped a notification (the listener reconnected, or
        a poll failed) since subscribing or the last True: re-read the state then. A quiet stream
        otherwise needs no database read on its heartbeat (issue 15)."""
        gaps = self._bus.gaps
        if gaps == self._gaps_seen:
            return False
        self._gaps_seen = gaps
        return True

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._bus._unregister(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ChangeBus:
    """Base: subscriber bookkeeping and the listener thread's life cycle."""

    def __init__(self, engine: Engine, poll_interval: float = 0.05):
        self.engine = engine
        self.poll_interval = poll_interval
        self._subs: dict[int, set[Subscription]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        # Counts the moments a notification could have been lost (see Subscription.may_have_missed).
        self.gaps = 0

    def _gap(self) -> None:
        self.gaps += 1  # an int bumped by one thread, read by others: a stale read only delays a re-read

    @staticmethod
    def for_engine(engine: Engine, poll_interval: float = 0.05) -> ChangeBus:
        backend = engine.dialect.name
        if backend == "sqlite":
            return SqliteChangeBus(engine, poll_interval)
        if backend == "postgresql":
            return PostgresChangeBus(engine, poll_interval)
        raise ValueError(f"No change bus for database {backend!r}: use SQLite or PostgreSQL.")

    # --- the public surface

    def publish(self, conn: Connection, person_id: int, version: int) -> None:
        raise NotImplementedError

    def publish_ended(self, conn: Connection, person_id: int) -> None:
        """The person is gone (deleted, or merged into another): in the caller's transaction, after
        the delete, so their waiting streams wake (with ENDED) only if it commits."""
        self.publish(conn, person_id, ENDED)

    def subscribe(self, person_id: int) -> Subscription:
        """Start listening for `person_id`; changes committed after this returns are delivered."""
        self._ensure_listening()
        sub = Subscription(self, person_id)
        with self._lock:
            self._subs.setdefault(person_id, set()).add(sub)
        return sub

    def close(self) -> None:
        """Stop the listener thread and wake every waiting subscriber (their wait returns None)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)
        with self._lock:
            subs = [s for group in self._subs.values() for s in group]
            self._subs.clear()
        for sub in subs:
            sub.close()

    @property
    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def subscriber_count(self, person_id: int | None = None) -> int:
        with self._lock:
            if person_id is not None:
                return len(self._subs.get(person_id, ()))
            return sum(len(group) for group in self._subs.values())

    # --- for the listener thread

    def _deliver(self, person_id: int, version: int) -> None:
        with self._lock:
            subs = list(self._subs.get(person_id, ()))
        for sub in subs:
            sub._offer(version)

    def _unregister(self, sub: Subscription) -> None:
        with self._lock:
            group = self._subs.get(sub.person_id)
            if group is not None:
                group.discard(sub)
                if not group:
                    del self._subs[sub.person_id]

    def _ensure_listening(self) -> None:
        """Start the listener on first use, and again in a forked child (threads don't survive fork)."""
        if self._stop.is_set():
            raise RuntimeError("the change bus is closed")
        with self._lock:
            if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
                return
            self._pid = os.getpid()
            self._ready = threading.Event()
            self._thread = threading.Thread(
                target=self._run, name=f"{type(self).__name__}-listener", daemon=True
            )
            self._thread.start()
        if not self._ready.wait(READY_TIMEOUT):
            log.warning("change bus listener not ready after %.0f s; live updates may lag", READY_TIMEOUT)

    def _run(self) -> None:
        raise NotImplementedError

    def _backoff(self, delay: float) -> float:
        """Sleep `delay` (or until closed) and return the next, longer delay."""
        self._stop.wait(delay)
        return min(MAX_BACKOFF_SECONDS, delay * 2)


class SqliteChangeBus(ChangeBus):
    """Polls the `changes` table (created by the store's migration)."""

    def __init__(self, engine: Engine, poll_interval: float = 0.05, clock: Callable[[], float] = time.time):
        super().__init__(engine, poll_interval)
        self._clock = clock

    def publish(self, conn: Connection, person_id: int, version: int) -> None:
        conn.execute(_INSERT_CHANGE, {"p": person_id, "v": version, "at": self._clock()})

    def _run(self) -> None:
        last_seq: int | None = None
        next_prune = 0.0
        delay = self.poll_interval
        while not self._stop.is_set():
            try:
                with self.engine.connect() as conn:
                    if last_seq is None:
                        # Only changes after the listener started matter: subscribers re-read state on start.
                        last_seq = conn.execute(
                            text("SELECT COALESCE(MAX(seq), 0) FROM changes")
                        ).scalar_one()
                        self._ready.set()
                    rows = conn.execute(
                        text("SELECT seq, person_id, version FROM changes WHERE seq > :last ORDER BY seq"),
                        {"last": last_seq},
                    ).all()
                    conn.rollback()  # end the read transaction so WAL checkpoints aren't held back
                for seq, person_id, version in rows:
                    last_seq = seq
                    self._deliver(person_id, version)
                if time.monotonic() >= next_prune:
                    next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
                    self._prune()
                delay = self.poll_interval
                self._stop.wait(self.poll_interval)
            except Exception:  # noqa: BLE001 - a poller must outlive a locked or missing database
                # The next poll resumes after last_seq, so nothing is lost unless pruned meanwhile;
                # subscribers re-read anyway, which is cheap next to a failing database.
                self._gap()
                log.exception("change bus poll failed; retrying")
                delay = self._backoff(max(delay, self.poll_interval))

    def _prune(self) -> None:
        """Delete old change rows in small batches by the `at` index (migration 0005), each its
        own short write transaction, so the write lock is never held for a table scan."""
        cutoff = self._clock() - PRUNE_AFTER_SECONDS
        try:
            for _ in range(PRUNE_MAX_BATCHES):
                with self.engine.begin() as conn:
                    gone = conn.execute(_PRUNE_BATCH, {"cutoff": cutoff, "n": PRUNE_BATCH_ROWS}).rowcount
                if gone < PRUNE_BATCH_ROWS or self._stop.is_set():
                    break
        except Exception:  # noqa: BLE001 - pruning is housekeeping; another process may hold the lock
            log.debug("change bus prune skipped", exc_info=True)


class PostgresChangeBus(ChangeBus):
    """LISTEN/NOTIFY on channel `psoas_changes`, payload "<person_id>:<version>"."""

    NOTIFY_TIMEOUT = 0.25  # how often the listener looks up to see if it should stop

    def publish(self, conn: Connection, person_id: int, version: int) -> None:
        conn.execute(_NOTIFY, {"channel": CHANNEL, "payload": f"{int(person_id)}:{int(version)}"})

    def _conninfo(self) -> str:
        # SQLAlchemy's "postgresql+psycopg://" is not a libpq URI; plain "postgresql://" is.
        return self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def _run(self) -> None:
        import psycopg

        delay = 0.1
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo(), autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    if self._ready.is_set():
                        self._gap()  # notifications sent while we were away are gone
                    self._ready.set()
                    delay = 0.1
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=self.NOTIFY_TIMEOUT):
                            self._handle(note.payload)
            except Exception:  # noqa: BLE001 - reconnect on any connection failure
                if self._stop.is_set():
                    break
                log.warning(
                    "change bus lost its PostgreSQL connection; reconnecting in %.1f s", delay, exc_info=True
                )
                delay = self._backoff(delay)

    def _handle(self, payload: str) -> None:
        try:
            person, version = payload.split(":")
            self._deliver(int(person), int(version))
        except ValueError:
            log.warning("ignoring malformed change notification %r", payload)
