"""Migration 0003 on a SQLite database that already holds people: nothing is lost, foreign keys
still hold and cascade, and from then on a deleted person's id is never handed out again."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from shared_content.store import _MIGRATIONS, Store


def _upgrade(store: Store, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with store.engine.connect() as conn:
        with conn.begin():
            config.attributes["connection"] = conn
            command.upgrade(config, revision)


def test_upgrading_a_populated_sqlite_database_keeps_everything(sqlite_url):
    store = Store(sqlite_url)
    _upgrade(store, "0002")
    with store.write() as conn:
        for pid in (1, 2, 3):
            conn.execute(text("INSERT INTO people (id, created_at, pace) VALUES (:i, 1.0, 1.0)"), {"i": pid})
            conn.execute(
                text(
                    "INSERT INTO devices (person_id, kind, external_id, label, created_at, last_seen_at) "
                    "VALUES (:i, 'phone', :e, 'Phone', 1.0, 1.0)"
                ),
                {"i": pid, "e": f"sha256:{pid}"},
            )
            conn.execute(
                text(
                    "INSERT INTO history (person_id, routine_id, session_started_at, finished_at, outcome) "
                    "VALUES (:i, 'morning-stretch', 1.0, 2.0, 'completed')"
                ),
                {"i": pid},
            )
        conn.execute(text("UPDATE people SET mode = 'wait' WHERE id = 2"))
    store.migrate()
    with store.read() as conn:
        modes = dict(conn.execute(text("SELECT id, mode FROM people")).all())
        counts = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("people", "devices", "history")
        }
        schema = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'people'")).scalar_one()
        stale = conn.execute(
            text("SELECT count(*) FROM sqlite_master WHERE sql LIKE '%people_new%'")
        ).scalar_one()
    assert counts == {"people": 3, "devices": 3, "history": 3}
    assert modes == {1: "lead", 2: "wait", 3: "lead"}  # the person's "wait for me" survives the rebuild
    assert "AUTOINCREMENT" in schema and stale == 0
    with store.write() as conn:
        conn.execute(text("DELETE FROM people WHERE id = 3"))  # cascades to its device and history
        assert conn.execute(text("SELECT count(*) FROM devices")).scalar_one() == 2
        new_id = conn.execute(
            text("INSERT INTO people (created_at, pace) VALUES (1.0, 1.0) RETURNING id")
        ).scalar_one()
        assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    assert new_id == 4
    store.dispose()
