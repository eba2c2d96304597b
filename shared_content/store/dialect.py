"""The dialect's own INSERT, for ON CONFLICT clauses (SQLite and PostgreSQL spell them alike)."""

from __future__ import annotations

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_for(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    if dialect == "sqlite":
        return sqlite.insert(table)
    return postgresql.insert(table)


def upsert_insert(conn: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT offering on_conflict_do_nothing()/on_conflict_do_update() on the connection's database."""
    return insert_for(conn.dialect.name, table)


__all__ = ["insert_for", "upsert_insert"]
