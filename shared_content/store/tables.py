"""The database schema as SQLAlchemy Core tables.

Times are float seconds since the epoch (the same numbers the engine uses), so SQLite and
PostgreSQL store them alike and no time-zone conversion can creep in. The Alembic migrations in
`migrations/versions/` create exactly these tables; `tests/unit/test_store.py` checks they agree.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Named constraints, so migrations can refer to them on both databases.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# One person: whoever is behind a set of linked devices (an Echo and phones).
people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", Float, nullable=False),
    Column("pace", Float, nullable=False, default=1.0),  # the person's chosen pace, kept between sessions
    Column("safety_heard_at", Float, nullable=True),  # when the safety notice was read out in full
    # "lead" (lead me through: keep going) or "wait" (wait for me after each exercise)
    Column("mode", String(8), nullable=False, default="lead", server_default="lead"),
)

# A device is how a front end recognises a person: the Alexa user id, or the phone's browser token.
# Phone browser tokens are secrets (they are the phone's identity), so only their hash is stored.
devices = Table(
    "devices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # "alexa" | "phone"
    Column("external_id", String(255), nullable=False),
    Column("label", String(100), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("last_seen_at", Float, nullable=False),
    UniqueConstraint("kind", "external_id", name="uq_devices_kind_external_id"),
)

# The one live session per person. `version` mirrors state["version"] so compare-and-set is a
# plain `UPDATE ... WHERE version = :old`.
sessions = Table(
    "sessions",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("routine_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("state", Text, nullable=False),  # SessionState.to_dict() as JSON
    Column("updated_at", Float, nullable=False),
)

# Finished sessions. The unique key makes the write exactly-once even when two devices race to finish.
history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("routine_id", String(200), nullable=False),
    Column("session_started_at", Float, nullable=False),
    Column("finished_at", Float, nullable=False),
    Column("outcome", String(16), nullable=False),  # "completed" | "stopped" | "pain"
    UniqueConstraint("person_id", "session_started_at", name="uq_history_person_id_session_started_at"),
)

pain_reports = Table(
    "pain_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", Float, nullable=False),
    Column("exercise_id", String(100), nullable=True),
    Column("source", String(16), nullable=False),  # "phone" | "voice"
)

# One-time codes; only a hash of the six digits is kept.
pairing_codes = Table(
    "pairing_codes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code_hash", String(64), nullable=False, index=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("used_at", Float, nullable=True),
    Column("wrong_tries", Integer, nullable=False, default=0),
)

# Fixed-window counters shared by every process (wrong pairing codes per browser, per network).
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("window_start", Float, nullable=False),
    Column("count", Integer, nullable=False),
)

# The SQLite change bus: one row per applied change; pollers read rows with seq > last seen.
changes = Table(
    "changes",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("at", Float, nullable=False),
    # AUTOINCREMENT: never reuse a seq after old rows are pruned, or a poller could miss a change.
    sqlite_autoincrement=True,
)
Index("ix_changes_person_id_seq", changes.c.person_id, changes.c.seq)

# Housekeeping finds old rows by an index range, never by scanning the table (migration 0005).
Index("ix_changes_at", changes.c.at)
Index("ix_pairing_codes_expires_at", pairing_codes.c.expires_at)
Index("ix_rate_limits_window_start", rate_limits.c.window_start)
