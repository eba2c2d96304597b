"""Pain reports: when it hurt, during which exercise (side, rep), how much, any red flags, said to
which front end.

Never logged. `record` runs in the pain command's transaction, so a report is stored exactly when
the session stops for it; the graded score comes after (`grade_latest`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from shared_content.store.tables import pain_reports


@dataclass(frozen=True)
class PainRow:
    at: float
    exercise_id: str | None
    source: str
    score: int | None
    side: str | None
    rep: int | None
    red_flags: tuple[str, ...]


def record(
    conn: Connection,
    person_id: int,
    at: float,
    exercise_id: str | None,
    source: str,
    *,
    side: str | None = None,
    rep: int | None = None,
) -> None:
    conn.execute(
        insert(pain_reports).values(
            person_id=person_id, at=at, exercise_id=exercise_id, source=source, side=side, rep=rep
        )
    )


_LATEST = (
    select(pain_reports)
    .where(pain_reports.c.person_id == bindparam("b_person"))
    .order_by(pain_reports.c.at.desc(), pain_reports.c.id.desc())
    .limit(1)
)


def latest(conn: Connection, person_id: int) -> PainRow | None:
    row = conn.execute(_LATEST, {"b_person": person_id}).first()
    return None if row is None else _pain_row(row)


def grade_latest(
    conn: Connection, person_id: int, since: float, score: int | None, red_flags: tuple[str, ...]
) -> bool:
    """Give the person's latest report (made at or after `since`) its score and red flags."""
    row_id = conn.execute(
        select(pain_reports.c.id)
        .where(pain_reports.c.person_id == person_id, pain_reports.c.at >= since)
        .order_by(pain_reports.c.at.desc(), pain_reports.c.id.desc())
        .limit(1)
    ).scalar()
    if row_id is None:
        return False
    conn.execute(
        update(pain_reports)
        .where(pain_reports.c.id == row_id)
        .values(score=score, red_flags=json.dumps(list(red_flags)))
    )
    return True


def for_person(conn: Connection, person_id: int, limit: int | None = None) -> list[PainRow]:
    """The person's reports, newest first."""
    query = (
        select(pain_reports)
        .where(pain_reports.c.person_id == person_id)
        .order_by(pain_reports.c.at.desc(), pain_reports.c.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [_pain_row(r) for r in conn.execute(query).all()]


def _pain_row(r: Row[Any]) -> PainRow:
    return PainRow(
        r.at, r.exercise_id, r.source, r.score, r.side, r.rep, tuple(json.loads(r.red_flags or "[]"))
    )


__all__ = ["PainRow", "record", "latest", "grade_latest", "for_person"]
