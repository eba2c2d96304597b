"""Seed a big store before a bench run: N people (each with one Alexa device) and M history rows.

    .venv/bin/python bench/seed_store.py sqlite:///tmp/x.db --people 100000 --history 1000000

Used by `sync_latency.py --seed-people/--seed-history` so the figures are measured with a store the
size issue 15 asks for ("the cost does not grow with the number of people"). Rows are inserted
in batches with executemany inside a few transactions; the schema must be migrated already.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text  # noqa: E402

from shared_content.store import Store  # noqa: E402
from shared_content.store.tables import devices, history, people  # noqa: E402

BATCH = 20_000
ROUTINES = ("quick-release", "morning-stretch", "core-strength", "desk-break", "full-relief")
OUTCOMES = ("completed", "completed", "completed", "stopped", "pain")


def seed(database_url: str, n_people: int, n_history: int, seed: int = 1) -> dict[str, float]:
    rng = random.Random(seed)
    store = Store(database_url)
    now = time.time()
    t = time.monotonic()
    try:
        with store.write() as conn:
            first = conn.execute(insert(people).values(created_at=now, pace=1.0).returning(people.c.id))
            base = int(first.scalar_one())
        ids = list(range(base, base + n_people))
        for start in range(1, n_people, BATCH):
            rows = [
                {"id": base + i, "created_at": now, "pace": 1.0}
                for i in range(start, min(n_people, start + BATCH))
            ]
            with store.write() as conn:
                conn.execute(insert(people), rows)
        for start in range(0, n_people, BATCH):
            rows = [
                {
                    "person_id": base + i,
                    "kind": "alexa",
                    "external_id": f"amzn1.ask.account.seed-{seed}-{i}",
                    "label": "Alexa device",
                    "created_at": now,
                    "last_seen_at": now,
                }
                for i in range(start, min(n_people, start + BATCH))
            ]
            with store.write() as conn:
                conn.execute(insert(devices), rows)
        if store.dialect == "postgresql":
            # The people were given explicit ids: move the id sequence past them, or the server's
            # next new person collides with a seeded one.
            with store.write() as conn:
                conn.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence('people', 'id'), (SELECT max(id) FROM people))"
                    )
                )
        for start in range(0, n_history, BATCH):
            rows = []
            for j in range(start, min(n_history, start + BATCH)):
                began = now - 86400 * 365 + j * 7.0  # unique per person: (person, started) is unique
                rows.append(
                    {
                        "person_id": ids[j % n_people],
                        "routine_id": rng.choice(ROUTINES),
                        "session_started_at": began,
                        "finished_at": began + 300,
                        "outcome": rng.choice(OUTCOMES),
                    }
                )
            with store.write() as conn:
                conn.execute(insert(history), rows)
    finally:
        store.dispose()
    return {"people": n_people, "history": n_history, "seconds": round(time.monotonic() - t, 1)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("database_url")
    p.add_argument("--people", type=int, default=100_000)
    p.add_argument("--history", type=int, default=1_000_000)
    args = p.parse_args(argv)
    print(seed(args.database_url, args.people, args.history))
    return 0


if __name__ == "__main__":
    sys.exit(main())
