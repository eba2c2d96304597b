"""Private by design, in the store: "forget me" and SkillDisabled delete the whole person (a linked
phone's data included), deleted data does not linger in SQLite's files, one export covers every
person table, and a person's live streams hear at once that the person is gone."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from shared_content.bus import ENDED, ChangeBus
from shared_content.service import Coach
from shared_content.store import person_data
from shared_content.store import push as push_db
from shared_content.store.person_data import PERSON_TABLES, SECRET_PRESENT
from shared_content.store.tables import people

ROUTINE = "quick-release"
SPEAKER = "amzn1.ask.account.PRIVACY-SPEAKER"
PHONE_TOKEN = "phone-token-privacy-0123456789"


@pytest.fixture
def coach_(store, catalogue, clock):
    coach = Coach(store, catalogue, ChangeBus.for_engine(store.engine), clock=clock)
    yield coach
    coach.bus.close()


def _linked_household(coach: Coach) -> int:
    """A speaker, and a phone that had its own runs before it was linked to it (so merged)."""
    speaker = coach.person_for_device("alexa", SPEAKER).id
    phone = coach.person_for_device("phone", PHONE_TOKEN, label="Kitchen phone").id
    coach.command(phone, "start", routine_id=ROUTINE, safety_acknowledged=True)
    coach.clock.advance(5)
    assert coach.command(phone, "pain").finished  # the phone's own history and pain report
    assert coach.redeem_pairing_code(PHONE_TOKEN, coach.create_pairing_code(speaker), "192.0.2.9").ok
    assert coach.person(phone) is None  # folded into the speaker
    return speaker


def _rows(store, person_id: int) -> dict[str, int]:
    with store.read() as conn:
        exported = person_data.export_person(conn, person_id)
    if exported is None:
        return {}
    return {name: len(t["rows"]) for name, t in exported["tables"].items()}


def test_skill_disabled_deletes_the_speakers_person_and_every_linked_phone(coach_, store):
    speaker = _linked_household(coach_)
    assert _rows(store, speaker)["history"] == 1 and _rows(store, speaker)["devices"] == 2
    assert coach_.forget_device("alexa", SPEAKER)  # AlexaSkillEvent.SkillDisabled
    assert coach_.person(speaker) is None
    assert _rows(store, speaker) == {}
    with store.read() as conn:
        for entry in PERSON_TABLES:
            left = conn.execute(entry.table.select().where(entry.table.c.person_id == speaker)).all()
            assert [r for r in left if getattr(r, "version", None) != ENDED] == [], entry.name
    # The phone starts afresh as a new, empty person on its next visit.
    again = coach_.person_for_device("phone", PHONE_TOKEN)
    assert again.id != speaker
    assert coach_.history(again.id) == []


def test_forget_person_says_what_went_and_is_a_no_op_for_an_unknown_person(coach_, store):
    speaker = _linked_household(coach_)
    deleted = coach_.forget_person(speaker)
    assert deleted is not None
    assert deleted["people"] == 1 and deleted["devices"] == 2 and deleted["history"] == 1
    assert deleted["pain_reports"] == 1
    assert coach_.forget_person(speaker) is None


def test_the_export_covers_every_person_table_and_every_column_without_secrets(coach_, store):
    speaker = _linked_household(coach_)
    coach_.command(speaker, "start", routine_id=ROUTINE, safety_acknowledged=True)
    coach_.command(speaker, "pause")  # a run note: the device used
    coach_.create_pairing_code(speaker)
    coach_.set_checkins(speaker, False)  # the person's settings row
    with store.write() as conn:  # a push subscription as the phone would save it
        push_db.save(conn, speaker, "https://push.test/sub-1", "p256dh-key", "auth-key", 1.0, "08:00", None)
    exported = coach_.export_person(speaker)
    assert exported is not None
    assert set(exported["tables"]) == {entry.name for entry in PERSON_TABLES}
    assert exported["person"]["id"] == speaker
    for entry in PERSON_TABLES:
        rows = exported["tables"][entry.name]["rows"]
        if entry.name != "changes" or store.dialect == "sqlite":  # PostgreSQL's bus keeps no rows
            assert rows, f"{entry.name} holds this person's data but the export shows none"
        for row in rows:
            assert set(row) == set(entry.table.c.keys()), entry.name  # every column, generically
            for column in entry.secret:  # an empty secret (a device with no account) shows as None
                assert row[column] == SECRET_PRESENT or (
                    row[column] is None and entry.table.c[column].nullable
                )
    text = json.dumps(exported)  # serialisable as it is
    assert "sha256:" not in text and PHONE_TOKEN not in text
    with store.read() as conn:
        hashes = conn.execute(person_data.pairing_codes.select()).all()
    assert all(h.code_hash not in text for h in hashes)


def test_every_column_named_like_a_hash_or_external_id_is_declared_secret():
    for entry in PERSON_TABLES:
        for name in entry.table.c.keys():
            if "hash" in name or name == "external_id":
                assert name in entry.secret, f"{entry.name}.{name} would be exported raw"


def test_a_persons_streams_hear_at_once_that_the_person_is_deleted(coach_):
    person = coach_.person_for_device("phone", PHONE_TOKEN).id
    with coach_.subscribe(person) as sub:
        started = time.monotonic()
        coach_.forget_person(person)
        assert sub.wait(5.0) == ENDED
        assert sub.ended
        assert time.monotonic() - started < 2.0


def test_a_merged_phones_streams_hear_at_once_that_it_is_gone(coach_):
    speaker = coach_.person_for_device("alexa", SPEAKER).id
    phone = coach_.person_for_device("phone", PHONE_TOKEN).id
    with coach_.subscribe(phone) as sub:
        assert coach_.redeem_pairing_code(PHONE_TOKEN, coach_.create_pairing_code(speaker), "192.0.2.9").ok
        assert sub.wait(5.0) == ENDED


def test_a_rolled_back_delete_ends_no_stream(coach_, store):
    person = coach_.person_for_device("phone", PHONE_TOKEN).id
    with coach_.subscribe(person) as sub:
        with pytest.raises(RuntimeError), store.write() as conn:
            coach_._delete_person(conn, person)
            raise RuntimeError("abort")
        assert sub.wait(0.5) is None
    assert coach_.person(person) is not None


MARKER = "ZQXMARKER-7f3e-private"


def test_deleted_data_does_not_linger_in_the_sqlite_files(coach, tmp_path):
    person = coach.person_for_device("phone", PHONE_TOKEN, label=MARKER).id
    coach.command(person, "start", routine_id=ROUTINE, safety_acknowledged=True)
    files = [Path(str(coach.store.url.database) + suffix) for suffix in ("", "-wal", "-shm")]

    def raw() -> bytes:
        return b"".join(f.read_bytes() for f in files if f.exists())

    assert MARKER.encode() in raw()  # the test can see it while it is stored
    # A reader mid-transaction holds the WAL's checkpoint back: "forget me" still returns at once
    # (the checkpoint waits for the reader off the caller's path), and the data goes when it ends.
    reader = sqlite3.connect(str(coach.store.url.database))
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM people").fetchone()
    try:
        assert coach.forget_person(person) is not None
        assert coach.last_checkpoint.is_alive(), "the caller waited for the checkpoint"
    finally:
        reader.rollback()
        reader.close()
    coach.last_checkpoint.join(10.0)
    assert not coach.last_checkpoint.is_alive()
    assert MARKER.encode() not in raw()
    with coach.store.read() as conn:
        assert conn.execute(people.select().where(people.c.id == person)).first() is None


def test_skill_disabled_deletes_every_recognised_voice_on_the_account(coach_, store):
    """Alexa names only the account when the skill is disabled: each voice it recognised there is
    a person of its own, and all of them go, with the account's own person; another account stays."""
    anna = coach_.person_for_speaker(SPEAKER, "amzn1.ask.person.ANNA").id
    ben = coach_.person_for_speaker(SPEAKER, "amzn1.ask.person.BEN").id
    household = coach_.person_for_speaker(SPEAKER, None).id  # a voice Alexa did not recognise
    neighbour = coach_.person_for_speaker("amzn1.ask.account.NEIGHBOUR", "amzn1.ask.person.ANNA").id
    assert len({anna, ben, household, neighbour}) == 4
    for person_id in (anna, ben):
        coach_.command(person_id, "start", routine_id=ROUTINE, safety_acknowledged=True)
    assert coach_.forget_device("alexa", SPEAKER)
    assert [coach_.person(p) for p in (anna, ben, household)] == [None, None, None]
    assert coach_.person(neighbour) is not None
    with store.read() as conn:
        exported = person_data.export_person(conn, neighbour)
    (device,) = exported["tables"]["devices"]["rows"]
    assert device["account"] == SECRET_PRESENT and device["external_id"] == SECRET_PRESENT
    # Only voices were ever seen: disabling still finds them.
    only_voice = coach_.person_for_speaker("amzn1.ask.account.VOICES-ONLY", "amzn1.ask.person.C").id
    assert coach_.forget_device("alexa", "amzn1.ask.account.VOICES-ONLY")
    assert coach_.person(only_voice) is None
    assert not coach_.forget_device("alexa", "amzn1.ask.account.NEVER-SEEN")
