"""Housekeeping that runs off the request path: forgetting people nobody uses.

A person is idle when they were created more than 30 days ago and have no device seen in the
last 30 days, no live session, no history and no pain reports: typically a browser that loaded a
page once (or a cookieless flood). Their rows go (devices and codes cascade). What is lost is at
most a chosen pace and "safety notice heard", which a returning person sets again in seconds.

`purge_idle_people` deletes in small batches, each its own short write transaction, driven by the
index on people.created_at; `run_forever` calls it about once an hour (psoas_coach.server starts
it in every worker process, as a background greenlet).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable

from sqlalchemy import delete, exists, select

from shared_content.store import Store
from shared_content.store.tables import devices, history, pain_reports, people, sessions

log = logging.getLogger(__name__)

IDLE_SECONDS = 30 * 86400
BATCH = 500
MAX_BATCHES_PER_RUN = 200
RUN_EVERY_SECONDS = 3600


def purge_idle_people(
    store: Store, now: float, idle_seconds: float = IDLE_SECONDS, batch: int = BATCH
) -> int:
    """Delete idle people (see module docstring); returns how many went."""
    cutoff = now - idle_seconds
    idle = (
        select(people.c.id)
        .where(
            people.c.created_at < cutoff,
            ~exists().where(devices.c.person_id == people.c.id, devices.c.last_seen_at >= cutoff),
            ~exists().where(sessions.c.person_id == people.c.id),
            ~exists().where(history.c.person_id == people.c.id),
            ~exists().where(pain_reports.c.person_id == people.c.id),
        )
        .order_by(people.c.created_at)
        .limit(batch)
    )
    total = 0
    for _ in range(MAX_BATCHES_PER_RUN):
        with store.write() as conn:
            ids = list(conn.execute(idle).scalars())
            if ids:
                conn.execute(delete(people).where(people.c.id.in_(ids)))
        total += len(ids)
        if len(ids) < batch:
            break
    return total


def run_forever(
    store: Store,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    every: float = RUN_EVERY_SECONDS,
) -> None:
    """Purge now and then, forever; workers start at random offsets so they rarely run together."""
    sleep(random.uniform(30, 120))
    while True:
        try:
            gone = purge_idle_people(store, clock())
            if gone:
                log.info("housekeeping: forgot %d idle people", gone)
        except Exception:  # never let housekeeping kill its worker; try again next time
            log.exception("housekeeping failed; will try again")
        sleep(every)
