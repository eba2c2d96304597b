"""End-to-end fixtures: real server processes (tests/e2e/servers.py) and real Chromium.

Under CI=true a server, database or browser that cannot start FAILS the test; elsewhere a
missing browser or PostgreSQL skips it with the reason.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # `tests.e2e.servers` importable however pytest was started
    sys.path.insert(0, str(REPO_ROOT))

from tests.e2e.servers import start_server  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.e2e)


def _cannot(reason: str):
    if IN_CI:
        pytest.fail(f"CI=true: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def e2e_browser(chromium):
    """The run's one headless Debian Chromium (tests/conftest.py)."""
    return chromium


@pytest.fixture
def phone_context(e2e_browser):
    """A fresh phone: its own cookies, a phone-sized viewport."""
    context = e2e_browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def server_factory(tmp_path):
    """start(database_url=None, workers=2, mode="dev") -> ServerProcess; all are stopped at teardown."""
    started = []

    def start(database_url: str | None = None, workers: int = 2, mode: str = "dev"):
        server = start_server(
            tmp_path / f"server{len(started)}", mode=mode, workers=workers, database_url=database_url
        )
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def e2e_database_url(request) -> str:
    """A SQLite file, then a fresh PostgreSQL database (tests/conftest.py's postgres_url)."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def server(e2e_database_url, server_factory):
    """`psoas-coach serve --dev --workers 2` in its own process, on each database.

    (The database fixture comes first, so it is torn down after the server has stopped.)
    """
    srv = server_factory(e2e_database_url, workers=2)
    yield srv
    srv.stop()
