"""Persistence: one SQLAlchemy engine per process, the schema, and migrations shipped in the package.

SQLite (the default, a file in the user data folder) is set up on every connection for many
readers and serialised writers: WAL journal, foreign keys on, a busy timeout, and write
transactions that start with BEGIN IMMEDIATE. Taking the write lock up front means two
processes writing at once queue on the busy timeout instead of one failing mid-transaction
with "database is locked" when it tries to upgrade a read lock.

PostgreSQL is used when DATABASE_URL says so (`postgresql+psycopg://...`).
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Select, Table, TextClause, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, StatementError

from shared_content import private_errors
from shared_content.paths import data_dir, default_database_url
from shared_content.store import tables
from shared_content.store.dialect import insert_for

__all__ = ["Store", "default_database_url", "data_dir", "tables"]

SQLITE_BUSY_TIMEOUT_MS = 5000
# Two processes migrating at once: the second waits for the first, which may take a while.
MIGRATION_BUSY_TIMEOUT_MS = 60000
WAL_SWITCH_ATTEMPTS = 40  # about 16 s of retries in all
# Arbitrary but fixed: every process of this app agrees on it ("psoas" in ASCII).
PG_MIGRATION_LOCK_KEY = 0x70736F6173
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_WRITE_OPTION = "psoas_write"
# PostgreSQL connections per process (gunicorn worker): a request holds one only while it runs a
# transaction; live streams hold none while they wait (the bus has its own LISTEN connection).
# So the pool bounds concurrent transactions, not phones: with 2 workers, 2 x (10 + 10) + 2
# listeners = 42 of PostgreSQL's default 100 connections. Override per deployment with
# PSOAS_DB_POOL_SIZE / PSOAS_DB_MAX_OVERFLOW (keep workers x (size + overflow + 1) < max_connections).
PG_POOL_SIZE = 10
PG_MAX_OVERFLOW = 10
# A request waits this long for a connection (queued behind others) before failing.
PG_POOL_TIMEOUT_SECONDS = 10.0
# Connections Store.read_row keeps between its reads (per process), out of the pool's count above.
READERS_KEPT = 2


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < 0:
        raise ValueError(f"{name} must not be negative.")
    return value


_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str] | None:
    """The migrations' head revisions, read from their files as Alembic would find them (a test
    checks they agree); None when a file names its parents in a way this reading does not know."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((_MIGRATIONS / "versions").glob("*.py")):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        revision, parent = found.get("revision", ""), found.get("down_revision", "")
        if not re.fullmatch(r"[\"'][\w-]+[\"']", revision):
            return None
        revisions.add(revision[1:-1])
        if parent != "None":
            if not re.fullmatch(r"[\"'][\w-]+[\"']", parent):
                return None
            parents.add(parent[1:-1])
    return frozenset(revisions - parents) or None


def _normalise_url(url: str | URL) -> URL:
    """Parse `url`; plain postgres URLs get the psycopg (v3) driver, the only one installed."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(
            "The database URL is not a SQLAlchemy URL. Use sqlite:///path/to/file.db "
            "or postgresql+psycopg://user:password@host/dbname."
        ) from None
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"Unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL.")
    return parsed


def _switch_to_wal(cursor: Any) -> None:
    """PRAGMA journal_mode=WAL, retried: processes opening a new file together can be told "database
    is locked" at once by the mode switch (SQLite does not wait on the busy timeout for it)."""
    for attempt in range(WAL_SWITCH_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == WAL_SWITCH_ATTEMPTS - 1:
                raise
            time.sleep(0.02 * (attempt + 1))


class Store:
    """Owns the engine. Use `read()` and `write()` for transactions."""

    def __init__(self, url: str | URL | None = None) -> None:
        parsed = _normalise_url(url or default_database_url())
        self.url = parsed
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            self.engine = self._sqlite_engine(parsed)
        else:
            self.engine = create_engine(
                parsed,
                pool_pre_ping=True,
                pool_size=_env_int("PSOAS_DB_POOL_SIZE", PG_POOL_SIZE),
                max_overflow=_env_int("PSOAS_DB_MAX_OVERFLOW", PG_MAX_OVERFLOW),
                pool_timeout=PG_POOL_TIMEOUT_SECONDS,
                hide_parameters=True,
            )
        private_errors.install(self.engine)  # no person's data in error messages (PostgreSQL's DETAIL)
        # read_row's statements compiled for this engine: id(statement) -> (statement, SQL, names)
        self._compiled: dict[int, tuple[Select[Any] | TextClause, str, tuple[str, ...]]] = {}
        self._positional = bool(self.engine.dialect.positional)
        # Pool connections read_row keeps checked out between its reads (see _reader).
        self._readers: list[Any] = []

    @staticmethod
    def _sqlite_engine(parsed: URL) -> Engine:
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, hide_parameters=True
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event below issue BEGIN, not the sqlite3 module.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            _switch_to_wal(cursor)
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; durable up to the last checkpoint
            cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are zeroed, not left in free pages
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            immediate = conn.get_execution_options().get(_WRITE_OPTION)
            # On the driver's connection: through SQLAlchemy's execution path (exec_driver_sql) this
            # one-word statement cost about as much as a query, and every transaction has one.
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A transaction for reading (SQLite: no lock taken until something is written)."""
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    def read_row(self, statement: Select[Any], params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row of one SELECT, or None: a read of one statement, outside `read()`.

        One statement reads one consistent snapshot on its own (SQLite's implicit read
        transaction, PostgreSQL's statement snapshot), so it runs in autocommit: no BEGIN and
        COMMIT around it. It runs on the driver's cursor with SQL compiled once per statement,
        skipping SQLAlchemy's execution layer (cache key, execution context, result wrapping),
        which cost more than the query itself on the phone's hot page (bench/README.md,
        page_cost). So `statement` must be built once (at import), and its parameters and
        columns must need no type conversion (integers, floats, strings). A read of several
        statements that must agree with each other uses `read()`.

        Driver errors are raised as SQLAlchemy's (OperationalError, ...), scrubbed as the
        engine's are (private_errors); a lost connection is dropped from the pool, and when it
        was one kept from an earlier read (see _reader) the read is tried once more.
        """
        row = self._one_statement(statement, params, fetch=True)
        assert row is None or isinstance(row, tuple)
        return row

    def write_one(self, statement: TextClause, params: Mapping[str, Any]) -> int:
        """Run one writing statement on its own (it is its own transaction: atomic, committed
        when this returns) and return its row count: `read_row`'s driver path for a write that
        needs no other statement with it, such as the replay check's remembered request id.
        The same rules as read_row for `statement` (built once) and its parameters."""
        count = self._one_statement(statement, params, fetch=False)
        assert isinstance(count, int)
        return count

    def _one_statement(
        self, statement: Select[Any] | TextClause, params: Mapping[str, Any], *, fetch: bool
    ) -> tuple[Any, ...] | int | None:
        sql, names = self._driver_sql(statement)
        args: tuple[Any, ...] | dict[str, Any] = (
            tuple(params[n] for n in names) if self._positional else {n: params[n] for n in names}
        )
        proxied, parked = self._reader()
        try:
            out = self._run_one(proxied, sql, args, fetch)
        except DBAPIError as exc:
            proxied.close()
            if not (parked and exc.connection_invalidated):
                raise
            # A kept connection skipped the pool's pre-ping (PostgreSQL): after a restart of the
            # server the others are gone too. Drop them, and run once more on a checked one.
            self._close_readers()
            proxied = self.engine.raw_connection()
            try:
                out = self._run_one(proxied, sql, args, fetch)
            except BaseException:
                proxied.close()
                raise
        except BaseException:  # say a timeout mid-read: the pool's reset on checkin deals with it
            proxied.close()
            raise
        self._keep_reader(proxied)
        return out

    def _reader(self) -> tuple[Any, bool]:
        """A pool connection for read_row, and whether it was one kept from an earlier read.

        Checking a connection out of SQLAlchemy's pool and back in cost four times the query
        (its queue's locks, events and reset), so read_row keeps a few checked out: each is
        used by one read at a time (list.pop and append are atomic), between reads it holds no
        transaction, and `dispose` closes them."""
        try:
            return self._readers.pop(), True
        except IndexError:
            return self.engine.raw_connection(), False

    def _keep_reader(self, proxied: Any) -> None:
        if len(self._readers) < READERS_KEPT:
            self._readers.append(proxied)
        else:
            proxied.close()  # back to the pool

    def _close_readers(self) -> None:
        while self._readers:
            try:
                self._readers.pop().close()
            except IndexError:  # taken by a read meanwhile
                break

    def _run_one(self, proxied: Any, sql: str, args: Any, fetch: bool) -> tuple[Any, ...] | int | None:
        """One statement on the driver's cursor in autocommit: its first row, or its row count."""
        driver = proxied.dbapi_connection
        cursor = None
        try:
            if self.dialect == "postgresql":
                # Otherwise psycopg opens a transaction, and the pool's reset on checkin pays a
                # ROLLBACK round trip for it. Idle after one statement: it can be switched back.
                driver.autocommit = True
                try:
                    cursor = driver.cursor()
                    cursor.execute(sql, args)
                    out: tuple[Any, ...] | int | None = cursor.fetchone() if fetch else cursor.rowcount
                finally:
                    driver.autocommit = False
            else:  # SQLite: the driver is in autocommit already (isolation_level None, _on_connect)
                cursor = driver.cursor()
                cursor.execute(sql, args)
                out = cursor.fetchone() if fetch else cursor.rowcount
        except self.engine.dialect.loaded_dbapi.Error as exc:
            raise self._wrapped(exc, sql, proxied, cursor) from exc
        finally:
            if cursor is not None:
                cursor.close()
        return out

    def _driver_sql(self, statement: Select[Any] | TextClause) -> tuple[str, tuple[str, ...]]:
        """`statement` compiled for this database, once: its SQL and its parameters' names in
        the order the driver takes them."""
        found = self._compiled.get(id(statement))
        if found is not None and found[0] is statement:
            return found[1], found[2]
        compiled = statement.compile(dialect=self.engine.dialect)
        sql = compiled.string
        if "POSTCOMPILE" in sql:  # an IN list or a literal_execute parameter: rendered per call
            raise ValueError("read_row and write_one take statements whose SQL is fixed when compiled")
        names = tuple(compiled.positiontup or ()) if self._positional else tuple(compiled.binds)
        self._compiled[id(statement)] = (statement, sql, names)  # kept alive: ids are not reused
        return sql, names

    def _wrapped(self, exc: Any, sql: str, proxied: Any, cursor: Any) -> StatementError:
        """A driver error as SQLAlchemy raises it from `Connection.execute`."""
        dialect = self.engine.dialect
        lost = dialect.is_disconnect(exc, proxied.dbapi_connection, cursor)
        if lost:
            proxied.invalidate(exc)
        wrapped: StatementError = DBAPIError.instance(
            sql,
            None,
            exc,
            dialect.loaded_dbapi.Error,
            hide_parameters=True,
            connection_invalidated=lost,
            dialect=dialect,
        )
        private_errors.scrub_exception(exc)
        private_errors.scrub_exception(wrapped)
        return wrapped

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that will write: committed on success, rolled back on any exception."""
        with self.engine.connect() as conn:
            conn.execution_options(**{_WRITE_OPTION: True})
            with conn.begin():
                yield conn

    def insert(self, table: Table) -> postgresql.Insert | sqlite.Insert:
        """A dialect INSERT, which offers on_conflict_do_nothing()/on_conflict_do_update() on both databases."""
        return insert_for(self.dialect, table)

    def at_head(self) -> bool:
        """Whether the schema is already at the newest revision (read without loading Alembic)."""
        heads = head_revisions()
        if heads is None:
            return False
        try:
            with self.engine.connect() as conn:
                found = {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
        except DBAPIError:  # no alembic_version table yet: a new database
            return False
        return found == heads

    def migrate(self) -> None:
        """Upgrade the schema to the newest revision. Idempotent; safe when processes start together.

        A schema already at head is left alone without importing Alembic and Mako: every server
        worker opens the store, and those modules would cost each of them about 10 MB for nothing."""
        if self.at_head():
            return
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        with self.engine.connect() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_MIGRATION_LOCK_KEY})
                conn.commit()  # the advisory lock is held by the session, across transactions
                try:
                    with conn.begin():
                        config.attributes["connection"] = conn
                        command.upgrade(config, "head")
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_MIGRATION_LOCK_KEY})
                    conn.commit()
            else:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={MIGRATION_BUSY_TIMEOUT_MS}")
                conn.commit()
                conn.execution_options(**{_WRITE_OPTION: True})
                try:
                    # The whole upgrade runs inside one BEGIN IMMEDIATE: a second process waits here,
                    # then finds the schema at head and does nothing.
                    with conn.begin():
                        config.attributes["connection"] = conn
                        command.upgrade(config, "head")
                finally:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
                    conn.commit()

    def checkpoint(self) -> bool:
        """SQLite: copy the WAL into the database and truncate it, so deleted rows' old page images
        do not linger in the -wal file. True when complete (no reader held it back); PostgreSQL: True."""
        if self.dialect != "sqlite":
            return True
        with self.engine.connect() as conn:
            # On the raw connection: outside any transaction, which a checkpoint needs.
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            finally:
                cursor.close()
        return int(busy) == 0

    def dispose(self) -> None:
        self._close_readers()
        self.engine.dispose()

    @staticmethod
    def describe_url(url: str | URL) -> str:
        """The URL with any password hidden, fit for logs and messages."""
        try:
            return make_url(url).render_as_string(hide_password=True)
        except ArgumentError:
            return "<not a database URL>"

    def __repr__(self) -> str:
        return f"Store({self.describe_url(self.url)!r})"
