"""People and their devices: first sight, lookup, moving a device, merging and deleting people.

Every function here runs inside a transaction the caller opened (`Store.write()`), so a caller
can combine them (pairing links a phone and merges two people in one transaction).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, delete, func, insert, select, update

from shared_content.store.tables import devices, history, pain_reports, people, sessions

DEVICE_KINDS = ("alexa", "phone")
DEFAULT_LABELS = {"alexa": "Alexa device", "phone": "Phone"}
MAX_EXTERNAL_ID_LENGTH = 255


def check_device(kind: str, external_id: str) -> None:
    if kind not in DEVICE_KINDS:
        raise ValueError(f"Device kind must be one of {DEVICE_KINDS}, not {kind!r}.")
    if not isinstance(external_id, str) or not external_id.strip():
        raise ValueError(f"A {kind} device needs a non-empty id.")
    if len(external_id) > 1000:
        raise ValueError(f"A {kind} device id is too long.")


def stored_external_id(kind: str, external_id: str) -> str:
    """What the devices table keeps. A phone's browser token is its login, so only a hash is stored;
    Alexa user ids are not secrets but can exceed any sane column width, so long ones are hashed too."""
    if kind == "phone" or len(external_id) > MAX_EXTERNAL_ID_LENGTH:
        return "sha256:" + hashlib.sha256(external_id.encode("utf-8")).hexdigest()
    return external_id


def find_device(conn: Connection, kind: str, external_id: str):
    """The device row for (kind, raw id), or None."""
    return conn.execute(
        select(devices).where(
            devices.c.kind == kind, devices.c.external_id == stored_external_id(kind, external_id)
        )
    ).first()


def create_person(conn: Connection, now: float) -> int:
    return conn.execute(
        insert(people).values(created_at=now, pace=1.0, safety_heard_at=None).returning(people.c.id)
    ).scalar_one()


def add_device(
    conn: Connection, person_id: int, kind: str, external_id: str, now: float, label: str | None = None
) -> int:
    return conn.execute(
        insert(devices)
        .values(
            person_id=person_id,
            kind=kind,
            external_id=stored_external_id(kind, external_id),
            label=(label or DEFAULT_LABELS[kind])[:100],
            created_at=now,
            last_seen_at=now,
        )
        .returning(devices.c.id)
    ).scalar_one()


def device_count(conn: Connection, person_id: int) -> int:
    return conn.execute(
        select(func.count()).select_from(devices).where(devices.c.person_id == person_id)
    ).scalar_one()


def delete_person(conn: Connection, person_id: int) -> None:
    """Everything stored about the person goes (foreign keys cascade to devices, sessions, history...)."""
    conn.execute(delete(people).where(people.c.id == person_id))


def merge_person(conn: Connection, from_id: int, into_id: int) -> bool:
    """Fold a solo phone person into the speaker's person, then delete it.

    History moves over except runs the speaker already has (same session_started_at: the same run,
    recorded once). Pain reports move. The safety notice counts as heard if either heard it. The
    phone's session survives only if the speaker has none. Returns True when a session moved.
    """
    already = select(history.c.session_started_at).where(history.c.person_id == into_id).scalar_subquery()
    conn.execute(
        update(history)
        .where(history.c.person_id == from_id, history.c.session_started_at.not_in(already))
        .values(person_id=into_id)
    )
    conn.execute(update(pain_reports).where(pain_reports.c.person_id == from_id).values(person_id=into_id))

    heard = conn.execute(
        select(people.c.id, people.c.safety_heard_at).where(people.c.id.in_([from_id, into_id]))
    ).all()
    times = [t for _, t in heard if t is not None]
    if times:
        conn.execute(update(people).where(people.c.id == into_id).values(safety_heard_at=min(times)))

    moved = False
    speaker_has_session = (
        conn.execute(select(sessions.c.person_id).where(sessions.c.person_id == into_id)).first() is not None
    )
    if not speaker_has_session:
        moved = (
            conn.execute(
                update(sessions).where(sessions.c.person_id == from_id).values(person_id=into_id)
            ).rowcount
            > 0
        )
    delete_person(conn, from_id)
    return moved


def set_mode(conn: Connection, person_id: int, mode: str) -> bool:
    """Store the person's session mode ("lead" | "wait"); False when there is no such person."""
    return conn.execute(update(people).where(people.c.id == person_id).values(mode=mode)).rowcount == 1


def touch_device(conn: Connection, device_id: int, now: float) -> None:
    conn.execute(update(devices).where(devices.c.id == device_id).values(last_seen_at=now))


def move_device(conn: Connection, device_id: int, person_id: int, now: float) -> None:
    conn.execute(
        update(devices).where(devices.c.id == device_id).values(person_id=person_id, last_seen_at=now)
    )


__all__ = [
    "DEVICE_KINDS",
    "check_device",
    "stored_external_id",
    "find_device",
    "create_person",
    "add_device",
    "device_count",
    "delete_person",
    "merge_person",
    "touch_device",
    "move_device",
    "set_mode",
]
