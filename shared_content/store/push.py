"""Web Push subscriptions and the lease that lets one process send. Runs in the caller's transaction.

The endpoint URL is a bearer capability: never logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, or_, select, update

from shared_content.store.dialect import upsert_insert
from shared_content.store.tables import person_settings, push_lease, push_subscriptions


@dataclass(frozen=True)
class PushRow:
    id: int
    person_id: int
    endpoint: str
    p256dh: str
    auth: str
    daily_at: str | None
    sitting_minutes: int | None
    created_at: float
    last_sent_at: float | None
    last_nudge_at: float | None
    time_zone: str | None


def save(
    conn: Connection,
    person_id: int,
    endpoint: str,
    p256dh: str,
    auth: str,
    now: float,
    daily_at: str | None,
    sitting_minutes: int | None,
) -> None:
    """Add the subscription, or update it (a browser re-subscribing keeps one row per endpoint)."""
    values = {"person_id": person_id, "p256dh": p256dh, "auth": auth, "daily_at": daily_at}
    values["sitting_minutes"] = sitting_minutes
    conn.execute(
        upsert_insert(conn, push_subscriptions)
        .values(endpoint=endpoint, created_at=now, **values)
        .on_conflict_do_update(index_elements=[push_subscriptions.c.endpoint], set_=values)
    )


def remove(conn: Connection, endpoint: str, person_id: int | None = None) -> bool:
    query = delete(push_subscriptions).where(push_subscriptions.c.endpoint == endpoint)
    if person_id is not None:
        query = query.where(push_subscriptions.c.person_id == person_id)
    return bool(conn.execute(query).rowcount)


def all_with_zone(conn: Connection) -> list[PushRow]:
    s, p = push_subscriptions, person_settings
    rows = conn.execute(
        select(s, p.c.time_zone).select_from(s.outerjoin(p, p.c.person_id == s.c.person_id)).order_by(s.c.id)
    ).all()
    return [
        PushRow(
            r.id,
            r.person_id,
            r.endpoint,
            r.p256dh,
            r.auth,
            r.daily_at,
            r.sitting_minutes,
            r.created_at,
            r.last_sent_at,
            r.last_nudge_at,
            r.time_zone,
        )
        for r in rows
    ]


def mark_sent(conn: Connection, sub_id: int, kind: str, now: float) -> None:
    column = "last_sent_at" if kind == "daily" else "last_nudge_at"
    conn.execute(update(push_subscriptions).where(push_subscriptions.c.id == sub_id).values({column: now}))


def claim_lease(conn: Connection, name: str, holder: str, now: float, seconds: float) -> bool:
    """Compare-and-set on the lease row: True when `holder` now holds it (it was free, expired or ours)."""
    conn.execute(
        upsert_insert(conn, push_lease)
        .values(name=name, holder=holder, until=0.0)
        .on_conflict_do_nothing(index_elements=[push_lease.c.name])
    )
    won = conn.execute(
        update(push_lease)
        .where(push_lease.c.name == name, or_(push_lease.c.holder == holder, push_lease.c.until < now))
        .values(holder=holder, until=now + seconds)
    ).rowcount
    return bool(won == 1)


__all__ = ["PushRow", "save", "remove", "all_with_zone", "mark_sent", "claim_lease"]
