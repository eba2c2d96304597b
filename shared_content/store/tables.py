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
    Column("created_at", Float, nullable=False, index=True),  # indexed for housekeeping's purge
    Column("pace", Float, nullable=False, default=1.0),  # the person's chosen pace, kept between sessions
    Column("safety_heard_at", Float, nullable=True),  # when the safety notice was read out in full
    # "lead" (lead me through: keep going) or "wait" (wait for me after each exercise)
    Column("mode", String(8), nullable=False, default="lead", server_default="lead"),
    # AUTOINCREMENT: a deleted person's id is never handed to a newcomer (migration 0003).
    sqlite_autoincrement=True,
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
    # A speaker's recognised voice (Alexa's person id) is a device of its own; `account` is the hash
    # of the Alexa account it belongs to, so disabling the skill finds every voice (migration 0006).
    Column("account", String(80), nullable=True, index=True),
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
    # What the progress page and the exports show about the run (migration 0004).
    Column("pain_before", Integer, nullable=True),  # check-in score 0-10 before the run, if given
    Column("pain_after", Integer, nullable=True),  # check-in score 0-10 after the run, if given
    Column("exercises_done", Text, nullable=False, server_default="[]"),  # JSON list of exercise ids
    Column("exercises_skipped", Text, nullable=False, server_default="[]"),  # JSON list of exercise ids
    Column("pace", Float, nullable=False, server_default="1.0"),
    Column("devices", Text, nullable=False, server_default="[]"),  # JSON list: "phone", "voice"
    Column("time_zone", String(64), nullable=True),  # the person's zone when the run finished
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
    # Graded pain (migration 0004): the score comes after the stop, so it is filled in later.
    Column("score", Integer, nullable=True),  # 0-10, or None when skipped / not yet given
    Column("side", String(8), nullable=True),  # "left" | "right" | None
    Column("rep", Integer, nullable=True),
    Column("red_flags", Text, nullable=False, server_default="[]"),  # JSON list of pain.toml red flag ids
)

# Per person, one row: the pain check-in setting, the red-flag screen and where they live (0003).
person_settings = Table(
    "person_settings",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("checkins_on", Integer, nullable=False, server_default="1"),  # 1/0: both sides ask, or neither
    Column("screen_answered_at", Float, nullable=True),  # the once-only red-flag screen
    Column("screen_flags", Text, nullable=False, server_default="[]"),  # red flag ids ticked then
    Column("time_zone", String(64), nullable=True),  # from the browser; the voice's fallback
    Column("pending_before", Integer, nullable=True),  # the before check-in, until the run is recorded
    Column("followup_done_at", Float, nullable=True),  # the next-visit question was asked
)

# What happened during the run still in progress: devices used, exercises skipped (0003). Folded
# into its history row when it finishes.
run_notes = Table(
    "run_notes",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("run_started_at", Float, nullable=False),
    Column("kind", String(16), nullable=False),  # "device" | "skipped"
    Column("value", String(100), nullable=False),
    UniqueConstraint("person_id", "run_started_at", "kind", "value", name="uq_run_notes_person_id"),
)

# Web Push subscriptions of the installed phone app (0003). The endpoint URL is a bearer secret.
push_subscriptions = Table(
    "push_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("endpoint", Text, nullable=False),
    Column("p256dh", String(200), nullable=False),
    Column("auth", String(100), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("daily_at", String(5), nullable=True),  # "HH:MM" local, the daily reminder
    Column("sitting_minutes", Integer, nullable=True),  # desk-break nudge after this long
    Column("last_sent_at", Float, nullable=True),
    Column("last_nudge_at", Float, nullable=True),
    UniqueConstraint("endpoint", name="uq_push_subscriptions_endpoint"),
)

# Which process sends push messages: a lease row claimed with compare-and-set (0003).
push_lease = Table(
    "push_lease",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("holder", String(64), nullable=False),
    Column("until", Float, nullable=False),
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

# Alexa request ids already answered (SHA-256 hex), until their timestamp window ends: a replay
# sent to any worker or machine is refused (skill.verification.ReplayVerifier).
seen_requests = Table(
    "seen_requests",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("expires_at", Float, nullable=False, index=True),
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
