"""Sends the phone's push reminders: the daily one at the person's chosen local time, and the
desk-break nudge after their chosen sitting time (daytime only).

One background thread per process (`PushScheduler.start()`), off the request path. Every tick each
process tries to claim the database lease (`store.push.claim_lease`); only its holder sends, so a
reminder goes out once however many processes run. A subscription the push service calls gone
(404/410) is removed.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from shared_content import webpush
from shared_content.progress import zone
from shared_content.store import Store
from shared_content.store import push as push_db

LEASE = "push-sender"
TICK_SECONDS = 60.0
LEASE_SECONDS = 3 * TICK_SECONDS  # a crashed sender is replaced within three ticks
NUDGE_HOURS = range(8, 20)  # local hours in which a desk-break nudge may be sent

Kind = Literal["daily", "nudge"]
MESSAGES: dict[Kind, dict[str, str]] = {
    "daily": {
        "title": "Psoas Coach",
        "body": "Time for today's stretch. Move gently, and stop on sharp pain.",
    },
    "nudge": {
        "title": "Time for a desk break",
        "body": "You've been sitting a while: stand up and try a hip flexor stretch.",
    },
}


def _local(epoch: float, tz_name: str | None) -> datetime:
    try:
        return datetime.fromtimestamp(epoch, zone(tz_name or "UTC"))
    except ValueError:
        return datetime.fromtimestamp(epoch, zone("UTC"))


def due(row: push_db.PushRow, now: float) -> list[Kind]:
    """Which messages this subscription should get now."""
    out: list[Kind] = []
    local = _local(now, row.time_zone)
    if row.daily_at:
        hour, minute = (int(part) for part in row.daily_at.split(":"))
        today = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        since = row.last_sent_at if row.last_sent_at is not None else row.created_at
        if local >= today and since < today.timestamp():
            out.append("daily")
    if row.sitting_minutes and local.hour in NUDGE_HOURS:
        since = max(row.created_at, row.last_nudge_at or 0.0)
        if now - since >= timedelta(minutes=row.sitting_minutes).total_seconds():
            out.append("nudge")
    return out


@dataclass
class PushScheduler:
    store: Store
    keys: webpush.VapidKeys
    clock: Callable[[], float]
    holder: str = ""
    allow_loopback_http: bool = False  # tests: a plain-HTTP stand-in push service on 127.0.0.1

    def __post_init__(self) -> None:
        self.holder = self.holder or f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> int:
        """Send what is due if this process holds the lease; the number of messages sent."""
        now = self.clock()
        with self.store.write() as conn:
            if not push_db.claim_lease(conn, LEASE, self.holder, now, LEASE_SECONDS):
                return 0
            rows = push_db.all_with_zone(conn)
        sent = 0
        for row in rows:
            for kind in due(row, now):
                sent += self._send(row, kind, now)
        return sent

    def _send(self, row: push_db.PushRow, kind: Kind, now: float) -> int:
        try:
            sub = webpush.Subscription.from_json(
                {"endpoint": row.endpoint, "keys": {"p256dh": row.p256dh, "auth": row.auth}},
                allow_loopback_http=self.allow_loopback_http,
            )
        except webpush.PushConfigError:
            with self.store.write() as conn:
                push_db.remove(conn, row.endpoint)
            return 0
        result = webpush.send(sub, {**MESSAGES[kind], "url": "/"}, self.keys, now=now, topic=kind)
        with self.store.write() as conn:
            if result.status == "gone":
                push_db.remove(conn, row.endpoint)
            elif result.status in ("sent", "rejected"):
                push_db.mark_sent(conn, row.id, kind, now)  # rejected: retrying the same push cannot help
        return int(result.status == "sent")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="push-scheduler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - a failed tick is retried next minute; never log endpoints
                continue

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


__all__ = ["PushScheduler", "due", "MESSAGES"]
