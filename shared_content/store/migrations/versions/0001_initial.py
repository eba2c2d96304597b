"""Initial schema: people, devices, sessions, history, pain reports, pairing codes, rate limits, changes.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("pace", sa.Float, nullable=False),
        sa.Column("safety_heard_at", sa.Float, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("last_seen_at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_devices"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], ondelete="CASCADE", name="fk_devices_person_id_people"
        ),
        sa.UniqueConstraint("kind", "external_id", name="uq_devices_kind_external_id"),
    )
    op.create_index("ix_devices_person_id", "devices", ["person_id"])
    op.create_table(
        "sessions",
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("routine_id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("person_id", name="pk_sessions"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], ondelete="CASCADE", name="fk_sessions_person_id_people"
        ),
    )
    op.create_table(
        "history",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("routine_id", sa.String(200), nullable=False),
        sa.Column("session_started_at", sa.Float, nullable=False),
        sa.Column("finished_at", sa.Float, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_history"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], ondelete="CASCADE", name="fk_history_person_id_people"
        ),
        sa.UniqueConstraint(
            "person_id", "session_started_at", name="uq_history_person_id_session_started_at"
        ),
    )
    op.create_table(
        "pain_reports",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("exercise_id", sa.String(100), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pain_reports"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], ondelete="CASCADE", name="fk_pain_reports_person_id_people"
        ),
    )
    op.create_index("ix_pain_reports_person_id", "pain_reports", ["person_id"])
    op.create_table(
        "pairing_codes",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("used_at", sa.Float, nullable=True),
        sa.Column("wrong_tries", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pairing_codes"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], ondelete="CASCADE", name="fk_pairing_codes_person_id_people"
        ),
    )
    op.create_index("ix_pairing_codes_code_hash", "pairing_codes", ["code_hash"])
    op.create_index("ix_pairing_codes_person_id", "pairing_codes", ["person_id"])
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("window_start", sa.Float, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_rate_limits"),
    )
    op.create_table(
        "changes",
        sa.Column("seq", sa.Integer, autoincrement=True),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_changes"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_changes_person_id_seq", "changes", ["person_id", "seq"])


def downgrade() -> None:
    for name in (
        "changes",
        "rate_limits",
        "pairing_codes",
        "pain_reports",
        "history",
        "sessions",
        "devices",
        "people",
    ):
        op.drop_table(name)
