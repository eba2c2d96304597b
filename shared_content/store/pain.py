"""Pain reports: when it hurt, during which exercise, said to which front end.

Never logged. Every function runs in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from shared_content.store.tables import pain_reports


@dataclass(frozen=True)
class PainReport:
    at: float
    exercise_id: str | None
    source: str  # "phone" | "voice"


def record(conn: Connection, person_id: int, at: float, exercise_id: str | None, source: str) -> None:
    conn.execute(
        insert(pain_reports).values(person_id=person_id, at=at, exercise_id=exercise_id, source=source)
    )


def for_person(conn: Connection, person_id: int) -> list[PainReport]:
    """The person's reports, oldest first."""
    rows = conn.execute(
        select(pain_reports.c.at, pain_reports.c.exercise_id, pain_reports.c.source)
        .where(pain_reports.c.person_id == person_id)
        .order_by(pain_reports.c.at, pain_reports.c.id)
    ).all()
    return [PainReport(r.at, r.exercise_id, r.source) for r in rows]


__all__ = ["PainReport", "record", "for_person"]
