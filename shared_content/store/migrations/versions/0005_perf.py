"""Indexes for housekeeping: old rows are found by an index range, never a table scan.

- changes.at: the SQLite change bus prunes rows older than ten minutes (bus.py `_prune`).
- pairing_codes.expires_at: expired codes are deleted on every "link my phone", and a wrong
  guess counts against the live codes (`expires_at > now`).
- rate_limits.window_start: windows that ended a day ago are deleted on every wrong guess.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_INDEXES = (
    ("ix_changes_at", "changes", ["at"]),
    ("ix_pairing_codes_expires_at", "pairing_codes", ["expires_at"]),
    ("ix_rate_limits_window_start", "rate_limits", ["window_start"]),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
