"""Finished sessions, one row per run. Every function runs in the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Row, bindparam, select, text, update

from shared_content.store.tables import history


@dataclass(frozen=True)
class RunDetails:
    """What the progress page and exports show about a run, beyond its routine and outcome."""

    exercises_done: tuple[str, ...] = ()
    exercises_skipped: tuple[str, ...] = ()
    pace: float = 1.0
    devices: tuple[str, ...] = ()
    time_zone: str | None = None
    pain_before: int | None = None


@dataclass(frozen=True)
class HistoryRow:
    routine_id: str
    session_started_at: float
    finished_at: float
    outcome: str  # "completed" | "stopped" | "pain"
    details: RunDetails = field(default_factory=RunDetails)
    pain_after: int | None = None


# SQL text: SQLAlchemy cannot cache a dialect INSERT with ON CONFLICT (it was compiled on every
# call); SQLite and PostgreSQL spell this one alike.
_RECORD_ONCE = text(
    "INSERT INTO history (person_id, routine_id, session_started_at, finished_at, outcome,"
    " exercises_done, exercises_skipped, pace, devices, time_zone, pain_before)"
    " VALUES (:p, :routine, :started, :finished, :outcome, :done, :skipped, :pace, :devices, :zone, :before)"
    " ON CONFLICT (person_id, session_started_at) DO NOTHING"
)


def record_once(
    conn: Connection,
    person_id: int,
    routine_id: str,
    started_at: float,
    finished_at: float,
    outcome: str,
    details: RunDetails | None = None,
) -> bool:
    """Record a finished run; True when this call wrote it.

    The unique (person, run start) key with ON CONFLICT DO NOTHING keeps it to one row per run even
    when two devices finish the same run at once, and it commits or rolls back with the caller's
    session change.
    """
    d = details or RunDetails()
    values = {
        "p": person_id,
        "routine": routine_id,
        "started": started_at,
        "finished": finished_at,
        "outcome": outcome,
        "done": json.dumps(list(d.exercises_done)),
        "skipped": json.dumps(list(d.exercises_skipped)),
        "pace": d.pace,
        "devices": json.dumps(list(d.devices)),
        "zone": d.time_zone,
        "before": d.pain_before,
    }
    written = conn.execute(_RECORD_ONCE, values).rowcount
    return bool(written == 1)


def set_pain_after(conn: Connection, person_id: int, score: int | None) -> bool:
    """The after check-in goes on the person's latest run; False when they have none."""
    latest = conn.execute(
        select(history.c.id)
        .where(history.c.person_id == person_id)
        .order_by(history.c.finished_at.desc(), history.c.id.desc())
        .limit(1)
    ).scalar()
    if latest is None:
        return False
    conn.execute(update(history).where(history.c.id == latest).values(pain_after=score))
    return True


def _strings(raw: str | None) -> tuple[str, ...]:
    value = json.loads(raw or "[]")
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


_ROUTINE_IDS = select(history.c.routine_id).where(history.c.person_id == bindparam("b_person")).distinct()


def routine_ids(conn: Connection, person_id: int) -> set[str]:
    """The routines of the person's finished runs (one small query, built once: the voice asks on
    every led response which exercises the person has done before)."""
    return {str(r) for r in conn.execute(_ROUTINE_IDS, {"b_person": person_id}).scalars()}


_NEWEST_FIRST = (history.c.finished_at.desc(), history.c.id.desc())
_FOR_PERSON = select(history).where(history.c.person_id == bindparam("b_person")).order_by(*_NEWEST_FIRST)
_LATEST = _FOR_PERSON.limit(1)
_RECENT_ROUTINE_IDS = (
    select(history.c.routine_id)
    .where(history.c.person_id == bindparam("b_person"))
    .order_by(*_NEWEST_FIRST)
    .limit(bindparam("b_limit"))
)


def for_person(conn: Connection, person_id: int) -> list[HistoryRow]:
    """The person's finished runs, newest first."""
    return _rows(conn.execute(_FOR_PERSON, {"b_person": person_id}).all())


def latest(conn: Connection, person_id: int) -> HistoryRow | None:
    """The person's newest finished run (one row, whatever the length of their history)."""
    rows = _rows(conn.execute(_LATEST, {"b_person": person_id}).all())
    return rows[0] if rows else None


def recent_routine_ids(conn: Connection, person_id: int, limit: int) -> list[str]:
    """The routines of the person's newest `limit` runs, newest first."""
    return [
        str(r) for r in conn.execute(_RECENT_ROUTINE_IDS, {"b_person": person_id, "b_limit": limit}).scalars()
    ]


def _rows(rows: Sequence[Row[Any]]) -> list[HistoryRow]:
    return [
        HistoryRow(
            r.routine_id,
            r.session_started_at,
            r.finished_at,
            r.outcome,
            RunDetails(
                _strings(r.exercises_done),
                _strings(r.exercises_skipped),
                r.pace,
                _strings(r.devices),
                r.time_zone,
                r.pain_before,
            ),
            r.pain_after,
        )
        for r in rows
    ]


__all__ = [
    "HistoryRow",
    "RunDetails",
    "record_once",
    "set_pain_after",
    "for_person",
    "latest",
    "recent_routine_ids",
    "routine_ids",
]
