"""The one live session per person, stored as the engine's state dict (JSON).

The store does not interpret the state: it keeps the dict and the version beside it, so
compare-and-set is a plain `UPDATE ... WHERE version = :old` in SQL. Every function runs in the
caller's transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from shared_content.store.tables import sessions


@dataclass(frozen=True)
class StoredSession:
    version: int
    state: dict[str, Any]  # SessionState.to_dict()


def load(conn: Connection, person_id: int) -> StoredSession | None:
    row = conn.execute(
        select(sessions.c.version, sessions.c.state).where(sessions.c.person_id == person_id)
    ).first()
    if row is None:
        return None
    return StoredSession(int(row.version), json.loads(row.state))


def version(conn: Connection, person_id: int) -> int | None:
    """The person's session version, or None when they have no session."""
    value = conn.execute(select(sessions.c.version).where(sessions.c.person_id == person_id)).scalar()
    return None if value is None else int(value)


def create(conn: Connection, person_id: int, state: dict[str, Any], now: float) -> None:
    """The person's first session. Raises IntegrityError when a concurrent first start won the insert."""
    conn.execute(
        insert(sessions).values(
            person_id=person_id,
            routine_id=str(state["routine_id"]),
            version=int(state["version"]),
            state=json.dumps(state),
            updated_at=now,
        )
    )


def compare_and_set(
    conn: Connection, person_id: int, expected_version: int, state: dict[str, Any], now: float
) -> bool:
    """Replace the session only if it is still at `expected_version`; False when another writer won."""
    updated = conn.execute(
        update(sessions)
        .where(sessions.c.person_id == person_id, sessions.c.version == expected_version)
        .values(
            routine_id=str(state["routine_id"]),
            version=int(state["version"]),
            state=json.dumps(state),
            updated_at=now,
        )
    ).rowcount
    return updated == 1


__all__ = ["StoredSession", "load", "version", "create", "compare_and_set"]
