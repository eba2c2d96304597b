"""The identity cookie is re-signed when it changes, and otherwise once a day to keep its year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from itsdangerous import TimestampSigner

from webapp import security


def test_an_unchanged_cookie_is_not_sent_again_on_every_page(phone):
    first = phone.get("/session")
    assert "psoas_phone=" in first.headers.get("Set-Cookie", ""), "a new phone gets its identity"
    again = phone.get("/session")
    assert again.status_code == 200 and "Set-Cookie" not in again.headers
    assert "Cookie" in again.headers.get("Vary", ""), "still a personal answer"


def test_a_day_old_cookie_is_sent_again_with_its_expiry_a_year_on(phone, monkeypatch):
    phone.get("/session")
    person = phone.person.id
    later = datetime.now(UTC) + timedelta(days=1, minutes=1)

    class Tomorrow(datetime):
        @classmethod
        def now(cls, tz=None):
            return later

    monkeypatch.setattr(security, "datetime", Tomorrow)
    r = phone.get("/session")
    cookie = r.headers.get("Set-Cookie", "")
    assert "psoas_phone=" in cookie and "Expires=" in cookie
    assert phone.person.id == person, "the same identity, signed again"


def test_a_changed_session_is_always_sent(phone):
    phone.get("/session")
    phone.csrf()  # the token already exists: nothing new
    r = phone.post("/session/start", {"routine_id": "morning-stretch", "safety_ack": "yes"})
    assert r.status_code == 303
    flashed = phone.post("/session/next", {"expected_version": "0"})  # stale: a flashed notice
    assert "psoas_phone=" in flashed.headers.get("Set-Cookie", "")


def _shift_clock(monkeypatch, delta: timedelta) -> None:
    later = datetime.now(UTC) + delta

    class Shifted(datetime):
        @classmethod
        def now(cls, tz=None):
            return later

    monkeypatch.setattr(security, "datetime", Shifted)
    # itsdangerous's own clock, which checks a cookie's age when it is not remembered
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(later.timestamp()))


def test_a_remembered_cookie_still_expires_after_a_year(phone, monkeypatch):
    phone.get("/session")
    person = phone.person.id
    assert phone.get("/session").status_code == 200  # its signature checked and remembered
    _shift_clock(monkeypatch, timedelta(days=366))
    phone.get("/session")
    assert phone.person.id != person, "an expired cookie is a new browser, remembered or not"


def test_a_changed_cookie_is_checked_again(phone, app):
    phone.get("/session")
    person = phone.person.id
    cookie = phone.client.get_cookie("psoas_phone")
    forged = cookie.value[:-2] + ("AA" if not cookie.value.endswith("AA") else "BB")
    phone.client.set_cookie("psoas_phone", forged, domain="localhost", secure=True)
    phone.get("/session")
    assert phone.person.id != person
