"""The identity cookie is re-signed when it changes, and otherwise once a day to keep its year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
