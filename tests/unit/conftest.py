"""Fixtures for the unit tests (the databases, clock and catalogue come from tests/conftest.py)."""

from __future__ import annotations

import pytest

from shared_content.store import Store


@pytest.fixture
def store(database_url):
    """A migrated Store on each configured database (SQLite file, PostgreSQL), disposed afterwards."""
    s = Store(database_url)
    s.migrate()  # creates every table, the `changes` one the SQLite bus uses too
    yield s
    s.dispose()
