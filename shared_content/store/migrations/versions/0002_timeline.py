"""The person's session mode: "lead" (lead me through, the default) or "wait" (wait for me).

Stored session states from the old block engine are converted when read
(SessionState.from_dict), so running sessions survive this upgrade without a data step.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("mode", sa.String(8), nullable=False, server_default="lead"))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("mode")
