"""The one live session per person, stored as the engine's state dict (JSON).

The store does not interpret the state: it keeps the dict and the version beside it, so
compare-and-set is a plain `UPDATE ... WHERE version = :old` in SQL. Every function runs in the
caller's transaction, except the `read_*` ones: each is one statement, read on its own
(`Store.read_row`).

The statements are built once, at import, with bound parameters: building a Core statement per
call and computing its cache key cost several times the round trip itself (bench/README.md,
"after the engine rewrite").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, insert, select, update

from shared_content.store.people import PersonRow, stored_external_id
from shared_content.store.tables import devices, people, sessions

if TYPE_CHECKING:
    from shared_content.store import Store


@dataclass(frozen=True)
class StoredSession:
    version: int
    text: str  # SessionState.to_dict() as stored (JSON): readers may keep what they decoded by it

    @property
    def state(self) -> dict[str, Any]:
        """SessionState.to_dict(), decoded (a new dict on each call)."""
        decoded: dict[str, Any] = json.loads(self.text)
        return decoded


_LOAD = select(sessions.c.version, sessions.c.state).where(sessions.c.person_id == bindparam("b_person"))
_VERSION = select(sessions.c.version).where(sessions.c.person_id == bindparam("b_person"))
_PERSON_AND_SESSION_COLUMNS = (
    people.c.id,
    people.c.pace,
    people.c.safety_heard_at,
    people.c.mode,
    sessions.c.version,
    sessions.c.state,
)
# The person and their session in one round trip (a command needs both).
_PERSON_AND_SESSION = (
    select(*_PERSON_AND_SESSION_COLUMNS)
    .select_from(people.outerjoin(sessions, sessions.c.person_id == people.c.id))
    .where(people.c.id == bindparam("b_person"))
)
# A device's person and their session in one round trip (the phone's session page needs both).
_DEVICE_PERSON_AND_SESSION = (
    select(devices.c.last_seen_at, *_PERSON_AND_SESSION_COLUMNS)
    .select_from(
        devices.join(people, devices.c.person_id == people.c.id).outerjoin(
            sessions, sessions.c.person_id == people.c.id
        )
    )
    .where(devices.c.kind == bindparam("b_kind"), devices.c.external_id == bindparam("b_external"))
)
_CREATE = insert(sessions).values(
    person_id=bindparam("b_person"),
    routine_id=bindparam("b_routine"),
    version=bindparam("b_version"),
    state=bindparam("b_state"),
    updated_at=bindparam("b_now"),
)
_COMPARE_AND_SET = (
    update(sessions)
    .where(sessions.c.person_id == bindparam("b_person"), sessions.c.version == bindparam("b_expected"))
    .values(
        routine_id=bindparam("b_routine"),
        version=bindparam("b_version"),
        state=bindparam("b_state"),
        updated_at=bindparam("b_now"),
    )
)


def _stored(version: Any, state: Any) -> StoredSession | None:
    return None if version is None else StoredSession(int(version), str(state))


def load(conn: Connection, person_id: int) -> StoredSession | None:
    row = conn.execute(_LOAD, {"b_person": person_id}).first()
    return None if row is None else _stored(row.version, row.state)


def read(store: Store, person_id: int) -> StoredSession | None:
    """`load`, as a read of its own."""
    row = store.read_row(_LOAD, {"b_person": person_id})
    return None if row is None else _stored(row[0], row[1])


def load_with_person(conn: Connection, person_id: int) -> tuple[PersonRow, StoredSession | None] | None:
    """The person and their session (None when they have none); None when there is no such person."""
    row = conn.execute(_PERSON_AND_SESSION, {"b_person": person_id}).first()
    if row is None:
        return None
    person = PersonRow(row.id, row.pace, row.safety_heard_at, row.mode)
    return person, _stored(row.version, row.state)


def load_for_device(
    conn: Connection, kind: str, external_id: str
) -> tuple[float, PersonRow, StoredSession | None] | None:
    """The device's last-seen time, its person and their session (None when they have none);
    None when the device is unknown."""
    params = {"b_kind": kind, "b_external": stored_external_id(kind, external_id)}
    row = conn.execute(_DEVICE_PERSON_AND_SESSION, params).first()
    if row is None:
        return None
    person = PersonRow(row.id, row.pace, row.safety_heard_at, row.mode)
    return float(row.last_seen_at), person, _stored(row.version, row.state)


def read_for_device(
    store: Store, kind: str, external_id: str
) -> tuple[float, PersonRow, StoredSession | None] | None:
    """`load_for_device`, as a read of its own (the phone's session page: one statement)."""
    params = {"b_kind": kind, "b_external": stored_external_id(kind, external_id)}
    row = store.read_row(_DEVICE_PERSON_AND_SESSION, params)
    if row is None:
        return None
    last_seen_at, person_id, pace, safety_heard_at, mode, version, state = row
    person = PersonRow(person_id, pace, safety_heard_at, mode)
    return float(last_seen_at), person, _stored(version, state)


def version(conn: Connection, person_id: int) -> int | None:
    """The person's session version, or None when they have no session."""
    value = conn.execute(_VERSION, {"b_person": person_id}).scalar()
    return None if value is None else int(value)


def _values(person_id: int, state: dict[str, Any], now: float) -> dict[str, Any]:
    return {
        "b_person": person_id,
        "b_routine": str(state["routine_id"]),
        "b_version": int(state["version"]),
        "b_state": json.dumps(state),
        "b_now": now,
    }


def create(conn: Connection, person_id: int, state: dict[str, Any], now: float) -> None:
    """The person's first session. Raises IntegrityError when a concurrent first start won the insert."""
    conn.execute(_CREATE, _values(person_id, state, now))


def compare_and_set(
    conn: Connection, person_id: int, expected_version: int, state: dict[str, Any], now: float
) -> bool:
    """Replace the session only if it is still at `expected_version`; False when another writer won.

    One round trip: the database checks the version and writes in the same statement, and its
    row count says which happened (no RETURNING needed, the new version is ours)."""
    values = _values(person_id, state, now)
    values["b_expected"] = expected_version
    return conn.execute(_COMPARE_AND_SET, values).rowcount == 1


__all__ = [
    "StoredSession",
    "load",
    "load_with_person",
    "load_for_device",
    "read",
    "read_for_device",
    "version",
    "create",
    "compare_and_set",
]
