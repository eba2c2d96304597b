"""Security: remembered Alexa request ids (replay protection); an index for purging idle people;
person ids that are never reused on SQLite.

SQLite hands out max(id) + 1, so deleting the newest person gave the next newcomer the same id,
and a stale live stream of the deleted (or merged) person could then show a stranger's session.
AUTOINCREMENT never reuses an id. Turning it on means rebuilding `people`, and every table that
references it has to be rebuilt first (pointing at the new table), because with foreign keys on,
which cannot be switched off inside the migration's transaction, dropping the old `people` would
cascade-delete every row that references it. PostgreSQL's serial ids are never reused already.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seen_requests",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_seen_requests"),
    )
    op.create_index("ix_seen_requests_expires_at", "seen_requests", ["expires_at"])
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_people_autoincrement()
    op.create_index("ix_people_created_at", "people", ["created_at"])


_REFERENCES_PEOPLE = re.compile(r'REFERENCES\s+"?people"?\s*\(', re.IGNORECASE)


def _sqlite_people_autoincrement() -> None:
    bind = op.get_bind()
    rows = bind.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all()
    tables: dict[str, str] = {str(name): str(sql or "") for name, sql in rows}
    op.create_table(
        "people_new",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("pace", sa.Float, nullable=False),
        sa.Column("safety_heard_at", sa.Float, nullable=True),
        sa.Column("mode", sa.String(8), nullable=False, server_default="lead"),  # from 0002
        sqlite_autoincrement=True,
    )
    bind.exec_driver_sql(
        "INSERT INTO people_new (id, created_at, pace, safety_heard_at, mode) "
        "SELECT id, created_at, pace, safety_heard_at, mode FROM people"
    )
    children = sorted(name for name, sql in tables.items() if sql and _REFERENCES_PEOPLE.search(sql))
    for name in children:
        indexes = [
            sql
            for (sql,) in bind.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                (name,),
            ).all()
        ]
        temporary = f"_rebuild_{name}"
        create = _REFERENCES_PEOPLE.sub("REFERENCES people_new (", tables[name])
        create = re.sub(rf'^CREATE TABLE\s+"?{name}"?', f"CREATE TABLE {temporary}", create, count=1)
        bind.exec_driver_sql(create)
        bind.exec_driver_sql(f"INSERT INTO {temporary} SELECT * FROM {name}")
        bind.exec_driver_sql(f"DROP TABLE {name}")
        bind.exec_driver_sql(f"ALTER TABLE {temporary} RENAME TO {name}")
        for sql in indexes:
            bind.exec_driver_sql(sql)
    bind.exec_driver_sql("DROP TABLE people")  # nothing references it any more: no cascade
    bind.exec_driver_sql("ALTER TABLE people_new RENAME TO people")  # references follow the rename


def downgrade() -> None:
    op.drop_index("ix_people_created_at", table_name="people")
    op.drop_index("ix_seen_requests_expires_at", table_name="seen_requests")
    op.drop_table("seen_requests")
