"""Finished sessions, one row per run. Every function runs in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from shared_content.store.dialect import upsert_insert
from shared_content.store.tables import history


@dataclass(frozen=True)
class HistoryRow:
    routine_id: str
    session_started_at: float
    finished_at: float
    outcome: str  # "completed" | "stopped" | "pain"


def record_once(
    conn: Connection, person_id: int, routine_id: str, started_at: float, finished_at: float, outcome: str
) -> bool:
    """Record a finished run; True when this call wrote it.

    The unique (person, run start) key with ON CONFLICT DO NOTHING keeps it to one row per run even
    when two devices finish the same run at once, and it commits or rolls back with the caller's
    session change.
    """
    written = conn.execute(
        upsert_insert(conn, history)
        .values(
            person_id=person_id,
            routine_id=routine_id,
            session_started_at=started_at,
            finished_at=finished_at,
            outcome=outcome,
        )
        .on_conflict_do_nothing(index_elements=[history.c.person_id, history.c.session_started_at])
    ).rowcount
    return written == 1


def for_person(conn: Connection, person_id: int) -> list[HistoryRow]:
    """The person's finished runs, newest first."""
    rows = conn.execute(
        select(history.c.routine_id, history.c.session_started_at, history.c.finished_at, history.c.outcome)
        .where(history.c.person_id == person_id)
        .order_by(history.c.finished_at.desc(), history.c.id.desc())
    ).all()
    return [HistoryRow(r.routine_id, r.session_started_at, r.finished_at, r.outcome) for r in rows]


__all__ = ["HistoryRow", "record_once", "for_person"]
