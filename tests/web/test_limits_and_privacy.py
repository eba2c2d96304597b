"""One client cannot take the phone app down or fill the database; personal pages stay private."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, insert, select

from shared_content.store.tables import pain_reports, people
from webapp import create_app
from webapp.limits import LiveStreams, RateLimiter

SECRET = "test-secret-" + "k" * 40
PERSONAL = [
    "/",
    "/session",
    "/history",
    "/devices",
    "/api/session.json",
    "/api/routines/morning-stretch/plan.json",
]


def _people(coach) -> int:
    with coach.store.read() as conn:
        return conn.execute(select(func.count()).select_from(people)).scalar_one()


def test_cookieless_floods_stop_creating_people(app, coach):
    before = _people(coach)
    statuses = [app.test_client().get("/session").status_code for _ in range(120)]
    assert statuses.count(200) <= 45 and statuses[-1] == 429
    assert _people(coach) - before <= 45
    # a browser that already has its identity is not affected
    r = app.test_client().get("/session", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert r.status_code == 200


def test_a_limited_new_browser_is_told_when_to_come_back(app):
    for _ in range(60):
        r = app.test_client().get("/history")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1


def test_returning_phones_are_never_limited(phone):
    phone.get("/session")
    assert all(phone.get(url).status_code == 200 for url in PERSONAL * 15)


def test_offline_queue_batches_are_rate_limited_per_network(phone):
    token = phone.csrf()
    body = json.dumps({"commands": []})
    codes = [
        phone.client.post(
            "/api/session/commands",
            data=body,
            content_type="application/json",
            headers={"X-CSRF-Token": token},
        ).status_code
        for _ in range(30)
    ]
    assert codes[0] < 400 and 429 in codes
    assert codes.count(429) >= 30 - 13


def test_live_streams_are_capped_per_person_network_and_process():
    streams = LiveStreams(per_person=2, per_network=3, total=4)
    assert streams.claim(1, "a") and streams.claim(1, "a")
    assert not streams.claim(1, "b")  # that person's cap
    assert streams.claim(2, "a") and not streams.claim(3, "a")  # that network's cap
    assert streams.claim(3, "b") and not streams.claim(4, "c")  # the process cap: the reserve stays free
    streams.release(1, "a")
    assert streams.claim(4, "c") and streams.live == 4


def test_a_stream_past_the_cap_gets_429_with_retry_after(coach):
    app = create_app(coach=coach, secret_key=SECRET, testing=True)
    app.config["TESTING"] = True
    app.extensions["psoas_live_streams"] = LiveStreams(per_person=1, per_network=5, total=5)
    phone = app.test_client()
    phone.get("/session")
    first = phone.get("/session/events", buffered=False)
    assert first.status_code == 200
    second = phone.get("/session/events", buffered=False)
    assert second.status_code == 429 and second.headers["Retry-After"]
    first.close()  # the stream ends: its slot is free again
    third = phone.get("/session/events", buffered=False)
    assert third.status_code == 200
    third.close()


def test_token_bucket_refills_at_its_rate():
    now = [0.0]
    bucket = RateLimiter(rate=1.0, burst=2, clock=lambda: now[0])
    assert bucket.take("n") == 0 and bucket.take("n") == 0 and bucket.take("n") >= 1
    assert bucket.take("other") == 0
    now[0] += 1.0
    assert bucket.take("n") == 0


@pytest.mark.parametrize("url", PERSONAL)
def test_personal_pages_are_never_stored_by_browsers_or_proxies(phone, url):
    phone.get("/session")
    r = phone.get(url)
    assert r.status_code == 200
    assert "no-store" in r.headers["Cache-Control"]


def test_public_static_files_stay_cacheable(phone):
    r = phone.get("/library")
    assert "no-store" not in r.headers.get("Cache-Control", "")


def test_hsts_outside_dev_only(coach):
    prod = create_app(coach=coach, secret_key=SECRET)
    dev = create_app(coach=coach, secret_key=SECRET, dev=True)
    assert "max-age=31536000" in prod.test_client().get("/safety").headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in dev.test_client().get("/safety").headers


def test_database_errors_never_log_bound_parameters(any_coach, caplog):
    """SQL errors carrying a user id and a pain note (SQLite and PostgreSQL): neither reaches the
    exception's message or the log."""
    from shared_content.store import people as people_db

    caplog.set_level(logging.DEBUG)
    user_id, pain_note = "amzn1.ask.account.SECRET-PERSON-42", "sharp pain in my left hip SECRET"
    person = any_coach.person_for_device("alexa", user_id)
    log = logging.getLogger("psoas_coach.test")
    failures = [
        lambda conn: people_db.add_device(conn, person.id, "alexa", user_id, 1.0),  # unique violation
        lambda conn: conn.execute(  # foreign key violation
            insert(pain_reports).values(person_id=987654, at=1.0, exercise_id=pain_note, source="voice")
        ),
    ]
    for fail in failures:
        with pytest.raises(Exception) as caught:
            with any_coach.store.write() as conn:
                fail(conn)
        log.error("write failed", exc_info=caught.value)
        assert user_id not in str(caught.value) and pain_note not in str(caught.value)
    assert caplog.text.count("write failed") == 2
    assert user_id not in caplog.text and pain_note not in caplog.text
