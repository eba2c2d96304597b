"""The store: schema and migrations, SQLite connection setup, transactions, URLs and the data folder."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
import threading

import pytest
from sqlalchemy import bindparam, inspect, select, text

from shared_content.store import Store, data_dir, default_database_url, head_revisions
from shared_content.store.tables import metadata, rate_limits

TABLES = {
    "people",
    "devices",
    "sessions",
    "history",
    "pain_reports",
    "pairing_codes",
    "rate_limits",
    "changes",
    "seen_requests",
    "person_settings",
    "run_notes",
    "push_subscriptions",
    "push_lease",
}


def _head() -> str:
    from alembic.script import ScriptDirectory

    from shared_content.store import _MIGRATIONS

    return str(ScriptDirectory(str(_MIGRATIONS)).get_current_head())


def test_migrate_creates_every_table_and_is_idempotent(store):
    store.migrate()  # a second run (a restart) changes nothing and does not fail
    names = set(inspect(store.engine).get_table_names())
    assert TABLES <= names
    with store.read() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [_head()]


def test_the_head_read_from_the_files_is_alembics():
    from alembic.script import ScriptDirectory

    from shared_content.store import _MIGRATIONS

    assert head_revisions() == frozenset(ScriptDirectory(str(_MIGRATIONS)).get_heads())


def test_at_head_goes_by_the_revision_the_database_records(store):
    assert store.at_head()
    head = next(iter(head_revisions()))
    with store.write() as conn:  # a database one revision behind: migrate() would run Alembic
        conn.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    assert not store.at_head()
    with store.write() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    assert store.at_head()


def test_a_worker_opening_a_store_at_head_never_loads_alembic(sqlite_url):
    """Each gunicorn worker opens the store; at head that costs no Alembic or Mako import."""
    Store(sqlite_url).migrate()
    code = (
        "import sys\n"
        "from shared_content.store import Store\n"
        f"s = Store({sqlite_url!r})\n"
        "s.migrate()\n"
        "print(sorted(m for m in ('alembic', 'mako') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
    fresh = sqlite_url.replace(".db", "-fresh.db")
    out = subprocess.run(
        [sys.executable, "-c", code.replace(repr(sqlite_url), repr(fresh))],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.strip() == "['alembic', 'mako']"  # a new database is migrated as before


def test_migrations_match_the_table_definitions(store):
    """Tables created by Alembic are the ones the code queries (no drift between tables.py and migrations)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []


def _migrate_in_child(url: str, barrier, errors) -> None:
    try:
        barrier.wait(timeout=30)
        s = Store(url)
        s.migrate()
        s.dispose()
    except Exception as exc:  # reported to the parent, which fails the test
        errors.put(repr(exc))


@pytest.fixture
def fresh_database_url(request, tmp_path):
    """An empty database (not migrated): a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    import uuid

    from sqlalchemy.engine import make_url

    admin_url = request.getfixturevalue("postgres_url")
    base = make_url(admin_url)
    name = f"psoas_fresh_{uuid.uuid4().hex[:10]}"
    admin = Store(admin_url).engine.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.parametrize(
    "fresh_database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_two_processes_migrating_at_once_both_succeed(fresh_database_url):
    ctx = multiprocessing.get_context("spawn")
    barrier, errors = ctx.Barrier(3), ctx.Queue()
    procs = [
        ctx.Process(target=_migrate_in_child, args=(fresh_database_url, barrier, errors)) for _ in range(3)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=90)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert errors.empty(), errors.get()
    s = Store(fresh_database_url)
    try:
        assert TABLES <= set(inspect(s.engine).get_table_names())
        with s.read() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [_head()]
    finally:
        s.dispose()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(sqlite_url):
    s = Store(sqlite_url)
    s.migrate()
    try:
        for _ in range(2):  # every pooled connection, not just the first
            with s.engine.connect() as a, s.engine.connect() as b:
                for conn in (a, b):
                    assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                    assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                    assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    finally:
        s.dispose()


def test_concurrent_read_modify_write_transactions_never_lose_an_update(store):
    """Eight threads each increment one counter 25 times with read-then-write transactions.

    On SQLite this only holds because write transactions begin IMMEDIATE (otherwise two readers
    both try to upgrade and one fails with "database is locked"); on PostgreSQL the row lock does it.
    """
    with store.write() as conn:
        conn.execute(rate_limits.insert().values(key="counter", window_start=0.0, count=0))
    errors: list[BaseException] = []

    def work():
        try:
            for _ in range(25):
                with store.write() as conn:
                    query = select(rate_limits.c.count).where(rate_limits.c.key == "counter")
                    if store.dialect == "postgresql":
                        query = query.with_for_update()
                    n = conn.execute(query).scalar_one()
                    conn.execute(
                        rate_limits.update().where(rate_limits.c.key == "counter").values(count=n + 1)
                    )
        except BaseException as exc:  # collected so the main thread fails the test
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with store.read() as conn:
        assert conn.execute(select(rate_limits.c.count)).scalar_one() == 200


def test_a_failed_write_transaction_leaves_nothing_behind(store):
    with pytest.raises(RuntimeError):
        with store.write() as conn:
            conn.execute(rate_limits.insert().values(key="half-done", window_start=0.0, count=1))
            raise RuntimeError("boom")
    with store.read() as conn:
        assert conn.execute(select(rate_limits)).all() == []


def test_sqlite_foreign_keys_are_enforced(sqlite_url):
    from sqlalchemy.exc import IntegrityError

    from shared_content.store.tables import devices

    s = Store(sqlite_url)
    s.migrate()
    try:
        with pytest.raises(IntegrityError):
            with s.write() as conn:
                conn.execute(
                    devices.insert().values(
                        person_id=999,
                        kind="phone",
                        external_id="x",
                        label="Phone",
                        created_at=0.0,
                        last_seen_at=0.0,
                    )
                )
    finally:
        s.dispose()


def test_describe_url_hides_the_password():
    shown = Store.describe_url("postgresql+psycopg://coach:s3cret-pw@db.example:5432/psoas")
    assert "s3cret-pw" not in shown
    assert "db.example" in shown and "coach" in shown


def test_a_bad_database_url_is_a_clear_error_without_the_password():
    with pytest.raises(ValueError, match="sqlite:///") as info:
        Store("not a url with s3cret-pw")
    assert "s3cret-pw" not in str(info.value)
    with pytest.raises(ValueError, match="SQLite or PostgreSQL"):
        Store("mysql://u:p@host/db")


def test_plain_postgres_urls_get_the_installed_driver():
    s = Store("postgres://u:p@localhost/db")  # no connection is made until used
    assert s.url.drivername == "postgresql+psycopg"
    s.dispose()


def test_default_database_lives_in_the_xdg_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == str(tmp_path / "xdg" / "psoas-coach")
    assert (tmp_path / "xdg" / "psoas-coach").is_dir()
    url = default_database_url()
    assert url == f"sqlite:///{tmp_path / 'xdg' / 'psoas-coach' / 'psoas-coach.db'}"
    s = Store(url)
    s.migrate()
    s.dispose()
    with sqlite3.connect(tmp_path / "xdg" / "psoas-coach" / "psoas-coach.db") as raw:
        assert ("people",) in raw.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()


def test_sqlite_parent_folder_is_created(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'new' / 'nested' / 'coach.db'}")
    s.migrate()
    s.dispose()
    assert (tmp_path / "new" / "nested" / "coach.db").exists()


# --- read_row: one statement read on its own, on the driver's cursor -----------------------------

_COUNT_OF = select(rate_limits.c.count, rate_limits.c.window_start).where(
    rate_limits.c.key == bindparam("b_key")
)


def _put_counter(store, key: str, count: int) -> None:
    with store.write() as conn:
        conn.execute(rate_limits.insert().values(key=key, window_start=1.5, count=count))


def test_read_row_answers_what_a_read_transaction_answers(store):
    _put_counter(store, "a", 3)
    _put_counter(store, "b", 4)
    for key in ("a", "b", "missing"):
        with store.read() as conn:
            expected = conn.execute(_COUNT_OF, {"b_key": key}).first()
        got = store.read_row(_COUNT_OF, {"b_key": key})
        assert got == (None if expected is None else tuple(expected))
    assert store.read_row(_COUNT_OF, {"b_key": "b"}) == (4, 1.5)


def test_read_row_sees_the_last_commit_while_a_write_is_open_and_leaves_writes_atomic(store):
    _put_counter(store, "c", 1)
    with pytest.raises(RuntimeError):
        with store.write() as conn:
            conn.execute(rate_limits.update().where(rate_limits.c.key == "c").values(count=2))
            # another reader, meanwhile: the committed value, not the open transaction's, and no wait
            assert store.read_row(_COUNT_OF, {"b_key": "c"}) == (1, 1.5)
            raise RuntimeError("boom")
    for _ in range(3):  # the pooled connections read_row used are still transactional for writes
        assert store.read_row(_COUNT_OF, {"b_key": "c"}) == (1, 1.5)
        with pytest.raises(RuntimeError):
            with store.write() as conn:
                conn.execute(rate_limits.insert().values(key="half-done", window_start=0.0, count=1))
                raise RuntimeError("boom")
        with store.read() as conn:
            assert conn.execute(select(rate_limits.c.key)).scalars().all() == ["c"]


def test_read_row_raises_sqlalchemys_error_without_the_parameters(store):
    from sqlalchemy import Column, Integer, MetaData, Table
    from sqlalchemy.exc import DBAPIError

    missing = Table("no_such_table", MetaData(), Column("n", Integer))
    query = select(missing.c.n).where(missing.c.n == bindparam("b_secret"))
    with pytest.raises(DBAPIError) as raised:
        store.read_row(query, {"b_secret": 424242})
    assert "no_such_table" in str(raised.value) and "424242" not in str(raised.value)
    assert store.read_row(_COUNT_OF, {"b_key": "x"}) is None  # the pool still serves reads


def test_read_row_reads_on_after_the_server_dropped_its_connections(postgres_url):
    s = Store(postgres_url)
    s.migrate()
    try:
        _put_counter(s, "d", 7)
        assert s.read_row(_COUNT_OF, {"b_key": "d"}) == (7, 1.5)  # leaves a connection kept
        with s.engine.connect() as admin:
            admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            admin.commit()
        assert s.read_row(_COUNT_OF, {"b_key": "d"}) == (7, 1.5)
        assert s.read_row(_COUNT_OF, {"b_key": "d"}) == (7, 1.5)
    finally:
        s.dispose()
