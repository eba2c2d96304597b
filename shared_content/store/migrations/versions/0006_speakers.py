"""Recognised voices on a shared speaker: devices.account links each voice to its Alexa account.

Alexa names the speaker (context.System.person.personId) when it recognises their voice; each such
person is a device of their own, so their sessions, pace and history are theirs. Disabling the skill
names only the account, so the account's hash is kept beside each voice to find and delete them all.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("account", sa.String(80), nullable=True))
    op.create_index("ix_devices_account", "devices", ["account"])


def downgrade() -> None:
    op.drop_index("ix_devices_account", table_name="devices")
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("account")
