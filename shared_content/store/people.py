"""People and their devices: first sight, lookup, preferences, moving and removing devices.

Every function here runs inside a transaction the caller opened (`Store.write()`), so a caller
can combine them (pairing links a phone and merges two people in one transaction). Merging and
deleting people live in `person_data`, beside the declaration of every table they must reach.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from shared_content.store.tables import devices, people

DEVICE_KINDS = ("alexa", "phone")
DEFAULT_LABELS = {"alexa": "Alexa device", "phone": "Phone"}
MAX_EXTERNAL_ID_LENGTH = 255
MAX_RAW_ID_LENGTH = 1000
MAX_LABEL_LENGTH = 100


@dataclass(frozen=True)
class PersonRow:
    id: int
    pace: float
    safety_heard_at: float | None
    mode: str  # "lead" (lead me through) | "wait" (wait for me after each exercise)


@dataclass(frozen=True)
class DeviceRow:
    id: int
    person_id: int
    kind: str
    label: str
    created_at: float
    last_seen_at: float


def check_device(kind: str, external_id: str) -> None:
    if kind not in DEVICE_KINDS:
        raise ValueError(f"Device kind must be one of {DEVICE_KINDS}, not {kind!r}.")
    if not isinstance(external_id, str) or not external_id.strip():
        raise ValueError(f"A {kind} device needs a non-empty id.")
    if len(external_id) > MAX_RAW_ID_LENGTH:
        raise ValueError(f"A {kind} device id is too long.")


def stored_external_id(kind: str, external_id: str) -> str:
    """What the devices table keeps. A phone's browser token is its login, so only a hash is stored;
    Alexa user ids are not secrets but can exceed any sane column width, so long ones are hashed too."""
    if kind == "phone" or len(external_id) > MAX_EXTERNAL_ID_LENGTH:
        return "sha256:" + hashlib.sha256(external_id.encode("utf-8")).hexdigest()
    return external_id


def account_key(alexa_user_id: str) -> str:
    """What `devices.account` keeps for a recognised voice: the hash of its Alexa account's user id,
    the only thing a SkillDisabled event names."""
    return "sha256:" + hashlib.sha256(alexa_user_id.encode("utf-8")).hexdigest()


def speaker_external_id(alexa_user_id: str, alexa_person_id: str) -> str:
    """The device id of one recognised voice on an Alexa account (stored hashed: it is long)."""
    return f"{alexa_user_id}#{alexa_person_id}"


_DEVICE_COLUMNS = (
    devices.c.id,
    devices.c.person_id,
    devices.c.kind,
    devices.c.label,
    devices.c.created_at,
    devices.c.last_seen_at,
)


# Built once with bound parameters: these run on every request (see store/sessions.py).
_FIND_DEVICE = select(*_DEVICE_COLUMNS).where(
    devices.c.kind == bindparam("b_kind"), devices.c.external_id == bindparam("b_external")
)
_PERSON_COLUMNS = (people.c.id, people.c.pace, people.c.safety_heard_at, people.c.mode)
_FIND_PERSON = select(*_PERSON_COLUMNS).where(people.c.id == bindparam("b_person"))
# The device and its person in one round trip (every request starts with it).
_DEVICE_AND_PERSON = (
    select(*_DEVICE_COLUMNS, *_PERSON_COLUMNS)
    .join_from(devices, people, devices.c.person_id == people.c.id)
    .where(devices.c.kind == bindparam("b_kind"), devices.c.external_id == bindparam("b_external"))
)
_SET_PACE = update(people).where(people.c.id == bindparam("b_person")).values(pace=bindparam("b_pace"))
_TOUCH_DEVICE = (
    update(devices).where(devices.c.id == bindparam("b_device")).values(last_seen_at=bindparam("b_now"))
)


def find_device(conn: Connection, kind: str, external_id: str) -> DeviceRow | None:
    """The device for (kind, raw id), or None."""
    params = {"b_kind": kind, "b_external": stored_external_id(kind, external_id)}
    row = conn.execute(_FIND_DEVICE, params).first()
    return None if row is None else DeviceRow(*row)


def find_device_and_person(
    conn: Connection, kind: str, external_id: str
) -> tuple[DeviceRow, PersonRow] | None:
    """The device for (kind, raw id) and its person, or None when the device is unknown."""
    params = {"b_kind": kind, "b_external": stored_external_id(kind, external_id)}
    row = conn.execute(_DEVICE_AND_PERSON, params).first()
    if row is None:
        return None
    n = len(_DEVICE_COLUMNS)
    return DeviceRow(*row[:n]), PersonRow(*row[n:])


def devices_of(conn: Connection, person_id: int) -> list[DeviceRow]:
    """The person's devices, oldest first."""
    rows = conn.execute(
        select(*_DEVICE_COLUMNS)
        .where(devices.c.person_id == person_id)
        .order_by(devices.c.created_at, devices.c.id)
    ).all()
    return [DeviceRow(*r) for r in rows]


def find_person(conn: Connection, person_id: int) -> PersonRow | None:
    row = conn.execute(_FIND_PERSON, {"b_person": person_id}).first()
    return None if row is None else PersonRow(*row)


def create_person(conn: Connection, now: float) -> int:
    new_id = conn.execute(
        insert(people).values(created_at=now, pace=1.0, safety_heard_at=None).returning(people.c.id)
    ).scalar_one()
    return int(new_id)


def set_pace(conn: Connection, person_id: int, pace: float) -> None:
    conn.execute(_SET_PACE, {"b_person": person_id, "b_pace": pace})


def mark_safety_heard(conn: Connection, person_id: int, now: float) -> None:
    """Record when the person first took in the safety notice (later calls keep the first time)."""
    conn.execute(
        update(people)
        .where(people.c.id == person_id, people.c.safety_heard_at.is_(None))
        .values(safety_heard_at=now)
    )


def add_device(
    conn: Connection,
    person_id: int,
    kind: str,
    external_id: str,
    now: float,
    label: str | None = None,
    *,
    account: str | None = None,
) -> int:
    new_id = conn.execute(
        insert(devices)
        .values(
            person_id=person_id,
            kind=kind,
            external_id=stored_external_id(kind, external_id),
            label=(label or DEFAULT_LABELS[kind])[:MAX_LABEL_LENGTH],
            created_at=now,
            last_seen_at=now,
            account=account,
        )
        .returning(devices.c.id)
    ).scalar_one()
    return int(new_id)


def people_of_account(conn: Connection, account: str) -> list[int]:
    """The people behind the recognised voices of one Alexa account (by `account_key`)."""
    rows = conn.execute(
        select(devices.c.person_id)
        .where(devices.c.account == account)
        .distinct()
        .order_by(devices.c.person_id)
    )
    return [int(person_id) for (person_id,) in rows]


def device_count(conn: Connection, person_id: int) -> int:
    count = conn.execute(
        select(func.count()).select_from(devices).where(devices.c.person_id == person_id)
    ).scalar_one()
    return int(count)


def remove_device(conn: Connection, device_id: int, person_id: int) -> bool:
    """Delete the device if it is this person's; False (nothing changed) otherwise."""
    gone = conn.execute(
        delete(devices).where(devices.c.id == device_id, devices.c.person_id == person_id)
    ).rowcount
    return bool(gone)


def set_mode(conn: Connection, person_id: int, mode: str) -> bool:
    """Store the person's session mode ("lead" | "wait"); False when there is no such person."""
    return conn.execute(update(people).where(people.c.id == person_id).values(mode=mode)).rowcount == 1


def touch_device(conn: Connection, device_id: int, now: float) -> None:
    conn.execute(_TOUCH_DEVICE, {"b_device": device_id, "b_now": now})


def move_device(conn: Connection, device_id: int, person_id: int, now: float) -> None:
    conn.execute(
        update(devices).where(devices.c.id == device_id).values(person_id=person_id, last_seen_at=now)
    )


__all__ = [
    "DEVICE_KINDS",
    "PersonRow",
    "DeviceRow",
    "check_device",
    "stored_external_id",
    "account_key",
    "speaker_external_id",
    "people_of_account",
    "find_device",
    "find_device_and_person",
    "devices_of",
    "find_person",
    "create_person",
    "set_pace",
    "mark_safety_heard",
    "add_device",
    "device_count",
    "remove_device",
    "touch_device",
    "move_device",
    "set_mode",
]
