"""A live stream ends when its person is merged away or deleted, and person ids are never reused,
so a stale stream can never show a stranger's session."""

from __future__ import annotations

import time

from shared_content.store import person_data
from webapp import session as session_module


def _events(response, limit: int = 20) -> list[str]:
    out = []
    for chunk in response.response:
        out.append(chunk.decode() if isinstance(chunk, bytes) else chunk)
        if len(out) >= limit or "event: ended" in out[-1]:
            break
    return out


def test_the_stream_of_a_merged_phone_ends(phone, coach, monkeypatch):
    monkeypatch.setattr(session_module, "HEARTBEAT_SECONDS", 0.2)
    phone.get("/session")
    solo = phone.person.id
    response = phone.get("/session/events", buffered=False)
    speaker = coach.person_for_device("alexa", "amzn1.ask.account.MERGE-TARGET")
    with phone.client.session_transaction() as s:
        token = s["browser"]
    assert coach.redeem_pairing_code(token, coach.create_pairing_code(speaker.id), "192.0.2.1").ok
    assert coach.person(solo) is None  # folded into the speaker
    events = _events(response)
    response.close()
    assert "event: ended" in events[-1]
    # reconnecting, the phone is the speaker's person
    assert phone.person.id == speaker.id


def _events_within(response, seconds: float) -> list[str]:
    """The stream's next chunks until "event: ended"; failing if that took longer than `seconds`
    (a stream left to its 15 s heartbeat would send ": heartbeat" first)."""
    started = time.monotonic()
    events = _events(response, limit=2)
    assert time.monotonic() - started < seconds, f"the stream took over {seconds} s to end: {events}"
    return events


def test_the_stream_of_a_deleted_person_ends_at_once(phone, coach):
    # The default 15 s heartbeat: only the bus's "ended" notice can end the stream this quickly.
    assert session_module.HEARTBEAT_SECONDS >= 10
    phone.start()
    person_id = phone.person.id
    response = phone.get("/session/events", buffered=False)
    first = next(iter(response.response))  # the stream is open (and subscribed)
    assert first
    started = time.monotonic()
    assert coach.forget_person(person_id) is not None
    events = _events_within(response, 5.0)
    response.close()
    assert "event: ended" in events[-1]
    assert time.monotonic() - started < 3.0


def test_the_stream_of_a_merged_phone_ends_at_once(phone, coach):
    phone.get("/session")
    response = phone.get("/session/events", buffered=False)
    assert next(iter(response.response))
    speaker = coach.person_for_device("alexa", "amzn1.ask.account.MERGE-AT-ONCE")
    with phone.client.session_transaction() as s:
        token = s["browser"]
    assert coach.redeem_pairing_code(token, coach.create_pairing_code(speaker.id), "192.0.2.1").ok
    events = _events_within(response, 5.0)
    response.close()
    assert "event: ended" in events[-1]


def test_person_ids_are_never_reused(any_coach):
    first = any_coach.person_for_device("phone", "first-browser")
    last = any_coach.person_for_device("phone", "newest-browser")
    with any_coach.store.write() as conn:
        person_data.delete_person(conn, last.id)  # the highest id: SQLite's rowid would hand it out again
    newcomer = any_coach.person_for_device("phone", "a-stranger")
    assert newcomer.id not in (first.id, last.id)
    assert newcomer.id > last.id
