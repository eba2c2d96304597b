"""Shared fixtures: real databases (a SQLite file, and a PostgreSQL server when one is configured),
a controllable clock, and a Coach built on them.

PostgreSQL comes from PSOAS_TEST_POSTGRES_URL (set by .ci/run). Under CI=true a missing or
unreachable server fails the PostgreSQL tests; elsewhere they are skipped with the reason.
"""

from __future__ import annotations

import os
import uuid

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_URL = os.environ.get("PSOAS_TEST_POSTGRES_URL", "")


# Tests that mostly wait on real time (browsers playing timelines, servers and processes starting)
# run first, so the scheduler (`--dist load`, one test at a time: Makefile) spreads them over every
# worker and the many quick tests fill in around them, instead of one worker ending alone on them.
REAL_TIME_FIRST = ("tests/browser/test_session_runs_itself.py", "tests/browser/", "tests/e2e/")


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        path = item.nodeid.split("::")[0]
        return next((i for i, p in enumerate(REAL_TIME_FIRST) if path.startswith(p)), len(REAL_TIME_FIRST))

    items.sort(key=rank)  # stable: each module keeps its own order


def unavailable(reason: str):
    """A real part (browser, database) that cannot start: fail under CI, skip with the reason elsewhere."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright, one for the whole run. Browser and e2e tests share it:
    Playwright's sync API allows only one running instance per thread."""
    from tests.chromium import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        unavailable(f"Chromium is not at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        unavailable(f"Playwright is not installed: {exc}")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - any launch failure: fail in CI, skip elsewhere
            unavailable(f"Chromium at {CHROMIUM} did not start: {exc}")
        yield browser
        browser.close()


class FakeClock:
    """A clock the test moves by hand: `clock()` is now, `clock.advance(s)` moves it."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def catalogue():
    from shared_content.catalogue import load_catalogue

    return load_catalogue()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'psoas.db'}"


def _require_postgres():
    if not PG_URL:
        if IN_CI:
            pytest.fail("CI=true but PSOAS_TEST_POSTGRES_URL is not set: .ci/run must start PostgreSQL")
        pytest.skip("PSOAS_TEST_POSTGRES_URL not set (run .ci/run or point it at a server)")


def _drop_database(admin, name: str) -> None:
    """Drop a test database. WITH (FORCE) is refused while an autovacuum worker (another role)
    is attached, so close our own leftovers and retry briefly instead."""
    import time

    import psycopg

    for attempt in range(20):
        try:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND usename = current_user AND pid <> pg_backend_pid()",
                (name,),
            )
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            return
        except (psycopg.errors.ObjectInUse, psycopg.errors.InsufficientPrivilege):
            time.sleep(0.1 * (attempt + 1))
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def _pg_template():
    """A migrated template database, made once per test process; each test copies it."""
    _require_postgres()
    import psycopg
    from sqlalchemy.engine import make_url

    from shared_content.store import Store

    base = make_url(PG_URL)
    name = f"psoas_tmpl_{os.getpid()}"
    try:
        admin = psycopg.connect(
            host=base.host,
            port=base.port or 5432,
            user=base.username,
            password=base.password,
            dbname=base.database,
            autocommit=True,
        )
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL at {base.host}:{base.port} is not reachable: {exc}"
        ) if IN_CI else pytest.skip(str(exc))
    _drop_database(admin, name)
    admin.execute(f'CREATE DATABASE "{name}"')
    store = Store(base.set(database=name).render_as_string(hide_password=False))
    store.migrate()
    store.dispose()
    yield admin, base, name
    _drop_database(admin, name)
    admin.close()


@pytest.fixture
def postgres_url(_pg_template) -> str:
    admin, base, template = _pg_template
    name = f"psoas_t_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield base.set(database=name).render_as_string(hide_password=False)
    _drop_database(admin, name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request) -> str:
    """Run the test once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


def _make_coach(url, clock):
    from shared_content.catalogue import load_catalogue
    from shared_content.service import Coach

    return Coach.from_url(url, clock=clock, catalogue=load_catalogue())


@pytest.fixture
def coach(sqlite_url, clock):
    """A Coach on a fresh SQLite file, with a clock the test controls."""
    c = _make_coach(sqlite_url, clock)
    yield c
    c.close()


@pytest.fixture
def any_coach(database_url, clock):
    """A Coach on each real database in turn (SQLite file, then PostgreSQL)."""
    c = _make_coach(database_url, clock)
    yield c
    c.close()
