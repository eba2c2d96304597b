"""Progress: richer history rows, graded pain reports, person settings, run notes, push subscriptions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("history") as batch:
        batch.add_column(sa.Column("pain_before", sa.Integer, nullable=True))
        batch.add_column(sa.Column("pain_after", sa.Integer, nullable=True))
        batch.add_column(sa.Column("exercises_done", sa.Text, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("exercises_skipped", sa.Text, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("pace", sa.Float, nullable=False, server_default="1.0"))
        batch.add_column(sa.Column("devices", sa.Text, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("time_zone", sa.String(64), nullable=True))
    with op.batch_alter_table("pain_reports") as batch:
        batch.add_column(sa.Column("score", sa.Integer, nullable=True))
        batch.add_column(sa.Column("side", sa.String(8), nullable=True))
        batch.add_column(sa.Column("rep", sa.Integer, nullable=True))
        batch.add_column(sa.Column("red_flags", sa.Text, nullable=False, server_default="[]"))
    op.create_table(
        "person_settings",
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("checkins_on", sa.Integer, nullable=False, server_default="1"),
        sa.Column("screen_answered_at", sa.Float, nullable=True),
        sa.Column("screen_flags", sa.Text, nullable=False, server_default="[]"),
        sa.Column("time_zone", sa.String(64), nullable=True),
        sa.Column("pending_before", sa.Integer, nullable=True),
        sa.Column("followup_done_at", sa.Float, nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_person_settings_person_id_people", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", name="pk_person_settings"),
    )
    op.create_table(
        "run_notes",
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("run_started_at", sa.Float, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_run_notes_person_id_people", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("person_id", "run_started_at", "kind", "value", name="uq_run_notes_person_id"),
    )
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("endpoint", sa.Text, nullable=False),
        sa.Column("p256dh", sa.String(200), nullable=False),
        sa.Column("auth", sa.String(100), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("daily_at", sa.String(5), nullable=True),
        sa.Column("sitting_minutes", sa.Integer, nullable=True),
        sa.Column("last_sent_at", sa.Float, nullable=True),
        sa.Column("last_nudge_at", sa.Float, nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_push_subscriptions_person_id_people", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_push_subscriptions"),
        sa.UniqueConstraint("endpoint", name="uq_push_subscriptions_endpoint"),
    )
    op.create_index("ix_push_subscriptions_person_id", "push_subscriptions", ["person_id"])
    op.create_table(
        "push_lease",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("until", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_push_lease"),
    )


def downgrade() -> None:
    op.drop_table("push_lease")
    op.drop_index("ix_push_subscriptions_person_id", "push_subscriptions")
    op.drop_table("push_subscriptions")
    op.drop_table("run_notes")
    op.drop_table("person_settings")
    with op.batch_alter_table("pain_reports") as batch:
        for name in ("red_flags", "rep", "side", "score"):
            batch.drop_column(name)
    with op.batch_alter_table("history") as batch:
        for name in (
            "time_zone",
            "devices",
            "pace",
            "exercises_skipped",
            "exercises_done",
            "pain_after",
            "pain_before",
        ):
            batch.drop_column(name)
