"""The push scheduler against the local stand-in push service: the daily reminder at the person's
local time, once; the desk-break nudge; one sender among several processes; gone subscriptions."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from shared_content.push_scheduler import MESSAGES, PushScheduler
from shared_content.webpush import VapidKeys
from tests.unit.test_webpush import SUBJECT, Browser, PushService, verify_vapid

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def service():
    server = PushService()
    yield server
    server.close()


def _at(hour: int, minute: int = 0) -> float:
    return datetime(2026, 6, 2, hour, minute, tzinfo=LONDON).timestamp()


def _subscribe(coach, service, daily="08:00", sitting=None) -> Browser:
    browser = Browser(service.origin + "/push/abc")
    person = coach.person_for_device("phone", "phone-token").id
    coach.set_time_zone(person, "Europe/London")
    # the stand-in is plain HTTP on loopback; Coach accepts only https, so store via the scheduler's view
    from shared_content.store import push as push_db
    from shared_content.webpush import b64url

    with coach.store.write() as conn:
        push_db.save(
            conn,
            person,
            browser.json["endpoint"],
            b64url(browser.subscription.p256dh),
            b64url(browser.subscription.auth),
            coach.clock(),
            daily,
            sitting,
        )
    return browser


def test_the_daily_reminder_goes_once_at_the_local_time(coach, clock, service) -> None:
    clock.now = _at(7, 0)
    _subscribe(coach, service)
    keys = VapidKeys.generate(SUBJECT)
    sender = PushScheduler(coach.store, keys, clock, allow_loopback_http=True)
    assert sender.tick() == 0  # 07:00 in London: not yet
    clock.now = _at(8, 1)
    assert sender.tick() == 1
    assert sender.tick() == 0  # once a day
    [push] = service.received
    headers = {k.lower(): v for k, v in push["headers"].items()}
    verify_vapid(headers["authorization"], service.origin, clock.now)
    assert int(headers["ttl"]) > 0 and headers["content-encoding"] == "aes128gcm"


def test_only_the_lease_holder_sends(coach, clock, service) -> None:
    clock.now = _at(7, 0)
    _subscribe(coach, service)
    clock.now = _at(8, 5)
    keys = VapidKeys.generate(SUBJECT)
    first = PushScheduler(coach.store, keys, clock, holder="a", allow_loopback_http=True)
    second = PushScheduler(coach.store, keys, clock, holder="b", allow_loopback_http=True)
    assert first.tick() + second.tick() == 1
    assert len(service.received) == 1


def test_the_desk_break_nudge_after_the_sitting_time(coach, clock, service) -> None:
    clock.now = _at(10, 0)
    _subscribe(coach, service, daily=None, sitting=45)
    sender = PushScheduler(coach.store, VapidKeys.generate(SUBJECT), clock, allow_loopback_http=True)
    clock.now = _at(10, 30)
    assert sender.tick() == 0
    clock.now = _at(10, 46)
    assert sender.tick() == 1
    assert sender.tick() == 0
    assert MESSAGES["nudge"]["title"] == "Time for a desk break"


def test_a_gone_subscription_is_removed(coach, clock, service) -> None:
    clock.now = _at(7, 0)
    _subscribe(coach, service)
    clock.now = _at(8, 5)
    service.status = 410
    sender = PushScheduler(coach.store, VapidKeys.generate(SUBJECT), clock, allow_loopback_http=True)
    assert sender.tick() == 0
    from shared_content.store import push as push_db

    with coach.store.read() as conn:
        assert push_db.all_with_zone(conn) == []


def test_coach_refuses_a_malformed_subscription(coach) -> None:
    person = coach.person_for_device("phone", "phone-token").id
    with pytest.raises(ValueError):
        coach.save_push_subscription(person, {"endpoint": "http://evil.example/"}, "08:00", None)
