"""A person's settings (pain check-ins on/off, the red-flag screen, time zone, the pending before
check-in, the next-visit follow-up) and the notes kept about the run in progress (devices used,
exercises skipped). Every function runs in the caller's transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, text, update

from shared_content.store.tables import person_settings, run_notes


@dataclass(frozen=True)
class Settings:
    checkins_on: bool = True
    screen_answered_at: float | None = None
    screen_flags: tuple[str, ...] = ()
    time_zone: str | None = None
    pending_before: int | None = None
    followup_done_at: float | None = None


# Built once: a statement built per call pays for its cache key every time.
_GET = select(person_settings).where(person_settings.c.person_id == bindparam("b_person"))
_NOTES_OF_RUN = select(run_notes.c.kind, run_notes.c.value).where(
    run_notes.c.person_id == bindparam("b_person"), run_notes.c.run_started_at == bindparam("b_run")
)
_DROP_NOTES = delete(run_notes).where(run_notes.c.person_id == bindparam("b_person"))
_CREATE = text("INSERT INTO person_settings (person_id) VALUES (:p) ON CONFLICT (person_id) DO NOTHING")


def get(conn: Connection, person_id: int) -> Settings:
    row = conn.execute(_GET, {"b_person": person_id}).first()
    if row is None:
        return Settings()
    return Settings(
        bool(row.checkins_on),
        row.screen_answered_at,
        tuple(json.loads(row.screen_flags or "[]")),
        row.time_zone,
        row.pending_before,
        row.followup_done_at,
    )


def put(conn: Connection, person_id: int, **values: Any) -> None:
    """Set some columns of the person's settings row, creating it with defaults first if missing."""
    if "screen_flags" in values:
        values["screen_flags"] = json.dumps(list(values["screen_flags"]))
    if "checkins_on" in values:
        values["checkins_on"] = int(bool(values["checkins_on"]))
    conn.execute(_CREATE, {"p": person_id})
    conn.execute(update(person_settings).where(person_settings.c.person_id == person_id).values(**values))


# SQL text, not Core's insert().on_conflict_do_nothing(): SQLAlchemy cannot cache a dialect INSERT
# with ON CONFLICT, so that one was compiled again on every command (bench/README.md). SQLite and
# PostgreSQL spell this statement alike.
_NOTE = text(
    "INSERT INTO run_notes (person_id, run_started_at, kind, value) VALUES (:p, :run, :kind, :value)"
    " ON CONFLICT (person_id, run_started_at, kind, value) DO NOTHING"
)


def note(conn: Connection, person_id: int, run_started_at: float, kind: str, value: str) -> None:
    """Remember that the run used this device / skipped this exercise (once per value)."""
    conn.execute(_NOTE, {"p": person_id, "run": run_started_at, "kind": kind, "value": value})


def take_notes(conn: Connection, person_id: int, run_started_at: float) -> dict[str, tuple[str, ...]]:
    """The run's notes by kind, removed: they now live on its history row."""
    rows = conn.execute(_NOTES_OF_RUN, {"b_person": person_id, "b_run": run_started_at}).all()
    conn.execute(_DROP_NOTES, {"b_person": person_id})
    out: dict[str, list[str]] = {}
    for kind, value in rows:
        out.setdefault(kind, []).append(value)
    return {kind: tuple(sorted(values)) for kind, values in out.items()}


__all__ = ["Settings", "get", "put", "note", "take_notes"]
