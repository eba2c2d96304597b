"""Every table that holds a person's data, declared once, and the three operations that must reach
all of them: merging two people (a phone links to a speaker), deleting a person (the skill is
disabled, "forget me", the last device unlinked) and exporting everything stored about a person.

A new table with a person reference goes into PERSON_TABLES with its merge rule; until it does,
`tests/unit/test_person_data.py` fails (it enumerates the migrated schema), so no linking phone can
silently delete its rows through the cascade.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, delete, exists, select, update
from sqlalchemy.engine import Inspector

from shared_content.store.tables import (
    changes,
    devices,
    history,
    pain_reports,
    pairing_codes,
    people,
    person_settings,
    push_subscriptions,
    run_notes,
    sessions,
)

PERSON_COLUMN = "person_id"


class Merge(enum.Enum):
    """What happens to the absorbed person's rows of a table when two people become one."""

    REPOINT = "re-point"  # every row moves to the surviving person
    DEDUPE = "dedupe"  # rows move unless the survivor has one with the same `key`; duplicates go
    KEEP_SURVIVORS = "keep the survivor's"  # one row per person: the survivor's wins, else the row moves
    DROP = "drop"  # meaningless for anyone else: the absorbed person's rows are deleted


@dataclass(frozen=True)
class PersonTable:
    table: Table
    merge: Merge
    why: str
    key: tuple[str, ...] = ()  # DEDUPE: the columns that say "the same thing" under either person
    # Hashes of secrets (a phone's login token, a pairing code): an export says only that they exist.
    secret: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.table.name


PERSON_TABLES: tuple[PersonTable, ...] = (
    PersonTable(
        devices,
        Merge.REPOINT,
        "every device of either person reaches the merged person",
        secret=("external_id", "account"),
    ),
    PersonTable(
        sessions, Merge.KEEP_SURVIVORS, "one live session per person: the speaker's, else the phone's"
    ),
    PersonTable(
        history,
        Merge.DEDUPE,
        "a run both recorded (same start) is the same run, kept once",
        key=("session_started_at",),
    ),
    PersonTable(pain_reports, Merge.REPOINT, "every report is kept"),
    PersonTable(
        person_settings, Merge.KEEP_SURVIVORS, "one settings row per person: the speaker's, else the phone's"
    ),
    PersonTable(
        run_notes,
        Merge.DEDUPE,
        "notes about a run both recorded are the same notes",
        key=("run_started_at", "kind", "value"),
    ),
    PersonTable(
        push_subscriptions,
        Merge.REPOINT,
        "the phone keeps its push subscription",
        secret=("endpoint", "p256dh", "auth"),
    ),
    PersonTable(pairing_codes, Merge.DROP, "a code names the person who asked for it", secret=("code_hash",)),
    PersonTable(changes, Merge.DROP, "bus notices about the absorbed person; nobody listens to them now"),
)


def merge_person(conn: Connection, from_id: int, into_id: int) -> bool:
    """Fold person `from_id` into `into_id` table by table (PERSON_TABLES), then delete `from_id`.

    The safety notice counts as heard if either heard it; the survivor keeps its pace. Runs in the
    caller's transaction. Returns True when the absorbed person's session moved to the survivor.
    """
    session_moved = False
    for entry in PERSON_TABLES:
        moved = _merge_table(conn, entry, from_id, into_id)
        if entry.table is sessions:
            session_moved = moved > 0
    _fold_person_row(conn, from_id, into_id)
    delete_person(conn, from_id)
    return session_moved


def _merge_table(conn: Connection, entry: PersonTable, from_id: int, into_id: int) -> int:
    """Apply the table's rule; the number of rows moved to the survivor."""
    table = entry.table
    ref = table.c[PERSON_COLUMN]
    if entry.merge is Merge.DROP:
        return 0  # delete_person removes them
    move = update(table).where(ref == from_id).values({PERSON_COLUMN: into_id})
    if entry.merge in (Merge.DEDUPE, Merge.KEEP_SURVIVORS):
        theirs = table.alias("survivor")
        same = [theirs.c[PERSON_COLUMN] == into_id] + [theirs.c[k] == table.c[k] for k in entry.key]
        move = move.where(~exists(select(theirs.c[PERSON_COLUMN]).where(*same)))
    return int(conn.execute(move).rowcount)


def _fold_person_row(conn: Connection, from_id: int, into_id: int) -> None:
    heard = conn.execute(
        select(people.c.safety_heard_at).where(people.c.id.in_([from_id, into_id]))
    ).scalars()
    times = [t for t in heard if t is not None]
    if times:
        conn.execute(update(people).where(people.c.id == into_id).values(safety_heard_at=min(times)))


def delete_person(conn: Connection, person_id: int) -> dict[str, int]:
    """Everything stored about the person goes: every declared table's rows, then the person.

    Explicit rather than left to ON DELETE CASCADE, so tables without a foreign key (the bus's
    `changes`) are reached too. Runs in the caller's transaction. Returns the rows deleted per
    table (the person's own row under "people"), for telling the person what went.
    """
    deleted: dict[str, int] = {}
    for entry in reversed(PERSON_TABLES):
        gone = conn.execute(delete(entry.table).where(entry.table.c[PERSON_COLUMN] == person_id))
        deleted[entry.name] = int(gone.rowcount)
    deleted[people.name] = int(conn.execute(delete(people).where(people.c.id == person_id)).rowcount)
    return deleted


EXPORT_FORMAT = "psoas-coach-person-data"
EXPORT_VERSION = 1
SECRET_PRESENT = "present"
SECRET_NOTE = (
    "Columns listed under 'secret' hold one-way hashes of secrets (the phone's login token, pairing "
    "codes); the export says only that a value is present, so a copy of this file cannot log anyone in."
)


def export_person(conn: Connection, person_id: int) -> dict[str, Any] | None:
    """Every row stored about the person, table by table (PERSON_TABLES), all columns as stored.

    Generic over columns, so a column added to a table appears without editing this. Secret
    columns are written as "present" (or None when empty). None when there is no such person.
    """
    person = conn.execute(select(people).where(people.c.id == person_id)).mappings().first()
    if person is None:
        return None
    tables: dict[str, Any] = {}
    for entry in PERSON_TABLES:
        table = entry.table
        order = list(table.primary_key.columns)
        rows = conn.execute(select(table).where(table.c[PERSON_COLUMN] == person_id).order_by(*order))
        tables[entry.name] = {
            "what": entry.why,
            "secret": list(entry.secret),
            "rows": [_exported_row(dict(row), entry.secret) for row in rows.mappings()],
        }
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "note": SECRET_NOTE,
        "person": dict(person),
        "tables": tables,
    }


def _exported_row(row: dict[str, Any], secret: tuple[str, ...]) -> dict[str, Any]:
    for column in secret:
        if column in row:
            row[column] = None if row[column] is None else SECRET_PRESENT
    return row


def person_referencing_tables(inspector: Inspector) -> set[str]:
    """Tables in a live database that refer to a person: a `person_id` column or a foreign key to people."""
    found = set()
    for name in inspector.get_table_names():
        columns = {c["name"] for c in inspector.get_columns(name)}
        keys = inspector.get_foreign_keys(name)
        if PERSON_COLUMN in columns or any(fk["referred_table"] == people.name for fk in keys):
            found.add(name)
    return found


def undeclared(table_names: Iterable[str]) -> set[str]:
    """Those of `table_names` that PERSON_TABLES does not cover."""
    return set(table_names) - {entry.name for entry in PERSON_TABLES}


__all__ = [
    "Merge",
    "PersonTable",
    "PERSON_TABLES",
    "merge_person",
    "delete_person",
    "export_person",
    "EXPORT_FORMAT",
    "SECRET_PRESENT",
    "person_referencing_tables",
    "undeclared",
]
