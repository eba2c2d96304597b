"""Pain reports: when it hurt, during which exercise, said to which front end.

Never logged. Runs in the caller's transaction (the pain command's), so a report is stored exactly
when the session stops for it.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert

from shared_content.store.tables import pain_reports


def record(conn: Connection, person_id: int, at: float, exercise_id: str | None, source: str) -> None:
    conn.execute(
        insert(pain_reports).values(person_id=person_id, at=at, exercise_id=exercise_id, source=source)
    )


__all__ = ["record"]
