"""Alembic environment, run programmatically by Store.migrate() on a connection it hands over.

Store.migrate() puts the connection in `config.attributes["connection"]` after taking the
migration lock (SQLite: the write lock; PostgreSQL: an advisory lock), so two processes
starting at once upgrade one after the other.
"""

from __future__ import annotations

from alembic import context

from shared_content.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Run migrations through shared_content.store.Store(url).migrate(), which supplies the connection."
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things in place
)
with context.begin_transaction():
    context.run_migrations()
