"""Every table holding a person's data is declared once (store/person_data.py), and merging two
people (a phone links) and deleting a person both reach every declared table."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, func, inspect, select

from shared_content.bus import ENDED
from shared_content.service import Coach
from shared_content.store import people as people_db
from shared_content.store import person_data
from shared_content.store.person_data import PERSON_TABLES, Merge
from shared_content.store.tables import (
    changes,
    history,
    people,
    push_subscriptions,
)

ROUTINE = "quick-release"


def test_every_table_referring_to_a_person_is_declared(store):
    found = person_data.person_referencing_tables(inspect(store.engine))
    assert found, "the inspector found no person tables at all"
    assert person_data.undeclared(found) == set(), "declare these in store/person_data.py PERSON_TABLES"
    assert {entry.name for entry in PERSON_TABLES} <= found  # nothing declared that the schema lacks


def test_the_schema_check_notices_a_new_person_table():
    # A table a newcomer might add: a foreign key to people under another name, and a person_id one.
    meta = MetaData()
    Table("people", meta, Column("id", Integer, primary_key=True))
    Table("notes", meta, Column("id", Integer, primary_key=True), Column("author", ForeignKey("people.id")))
    Table("streaks", meta, Column("person_id", Integer, primary_key=True))
    Table("settings", meta, Column("key", Integer, primary_key=True))

    from sqlalchemy import create_engine

    engine = create_engine("sqlite://")
    meta.create_all(engine)
    found = person_data.person_referencing_tables(inspect(engine))
    assert person_data.undeclared(found) == {"notes", "streaks"}


def test_every_declared_table_refers_to_the_person_by_person_id():
    for entry in PERSON_TABLES:
        assert person_data.PERSON_COLUMN in entry.table.c, entry.name
        assert all(k in entry.table.c for k in entry.key), entry.name
        assert (entry.merge is Merge.DEDUPE) == bool(entry.key), entry.name


def _rows(store, person_id: int) -> dict[str, int]:
    """Rows per declared table; the bus's "ended" notice (a person id, kept minutes until pruned so
    every process's streams hear of the deletion) is not the person's data."""
    with store.read() as conn:
        return {
            e.name: conn.execute(
                select(func.count())
                .select_from(e.table)
                .where(
                    e.table.c.person_id == person_id,
                    *([changes.c.version != ENDED] if e.table is changes else []),
                )
            ).scalar_one()
            for e in PERSON_TABLES
        }


def _fill(coach: Coach, kind: str, device: str, *, runs: int) -> int:
    """A person with rows in every declared table: devices, a live session, `runs` finished runs,
    a pain report per run, a pairing code and bus notices."""
    person = coach.person_for_device(kind, device).id
    for _ in range(runs):
        coach.command(person, "start", routine_id=ROUTINE, safety_acknowledged=True)
        coach.clock.advance(5)
        assert coach.command(person, "pain").finished  # a pain report, and a finished run
        coach.clock.advance(5)
    coach.command(person, "start", routine_id=ROUTINE, safety_acknowledged=True)  # the live session
    coach.command(person, "next")  # a run note: which device the live run used
    coach.create_pairing_code(person)
    coach.set_checkins(person, False)
    with coach.store.write() as conn:
        conn.execute(
            push_subscriptions.insert().values(
                person_id=person,
                endpoint=f"https://push.example/{device}",
                p256dh="p",
                auth="a",
                created_at=coach.clock(),
            )
        )
    return person


@pytest.fixture
def coach_(store, catalogue, clock):
    from shared_content.bus import ChangeBus

    bus = ChangeBus.for_engine(store.engine)  # its SQLite form writes `changes` rows per person
    return Coach(store, catalogue, bus, clock=clock)


def test_merging_keeps_every_row_of_every_declared_table(coach_, store):
    speaker = _fill(coach_, "alexa", "speaker", runs=2)
    phone = _fill(coach_, "phone", "phone-token", runs=3)
    with store.write() as conn:  # one run both recorded: the same start time under either person
        start = conn.execute(
            select(history.c.session_started_at).where(history.c.person_id == speaker).limit(1)
        ).scalar_one()
        conn.execute(
            history.insert().values(
                person_id=phone,
                routine_id=ROUTINE,
                session_started_at=start,
                finished_at=start + 1,
                outcome="stopped",
            )
        )
    before_speaker, before_phone = _rows(store, speaker), _rows(store, phone)
    assert all(
        before_speaker[e.name] > 0
        for e in PERSON_TABLES
        if e.table is not changes or store.dialect == "sqlite"
    )
    assert all(
        before_phone[e.name] > 0 for e in PERSON_TABLES if e.table is not changes or store.dialect == "sqlite"
    )

    with store.write() as conn:
        moved = person_data.merge_person(conn, phone, speaker)

    after = _rows(store, speaker)
    assert _rows(store, phone) == {e.name: 0 for e in PERSON_TABLES}
    expected = {
        "devices": before_speaker["devices"] + before_phone["devices"],
        "pain_reports": before_speaker["pain_reports"] + before_phone["pain_reports"],
        "history": before_speaker["history"] + before_phone["history"] - 1,  # the shared run, once
        "sessions": 1,  # the speaker's own live session wins
        "pairing_codes": before_speaker["pairing_codes"],
        "changes": before_speaker["changes"],
        "person_settings": 1,  # the speaker's settings win
        "run_notes": before_speaker["run_notes"] + before_phone["run_notes"],
        "push_subscriptions": before_speaker["push_subscriptions"] + before_phone["push_subscriptions"],
    }
    assert after == expected
    assert moved is False
    with store.read() as conn:
        assert conn.execute(select(people.c.id).where(people.c.id == phone)).first() is None


def test_merging_moves_the_phones_session_when_the_speaker_has_none(coach_, store):
    speaker = coach_.person_for_device("alexa", "speaker").id
    phone = _fill(coach_, "phone", "phone-token", runs=1)
    state = coach_.current(phone).state
    with store.write() as conn:
        assert person_data.merge_person(conn, phone, speaker) is True
    assert coach_.current(speaker).state.started_at == state.started_at


def test_merging_keeps_the_safety_notice_heard_by_either(coach_, store):
    speaker = coach_.person_for_device("alexa", "speaker").id
    phone = coach_.person_for_device("phone", "phone-token").id
    coach_.acknowledge_safety(phone)
    with store.write() as conn:
        person_data.merge_person(conn, phone, speaker)
    assert coach_.person(speaker).safety_heard


def test_deleting_a_person_removes_their_rows_from_every_declared_table_and_only_theirs(coach_, store):
    gone = _fill(coach_, "alexa", "leaving", runs=2)
    kept = _fill(coach_, "alexa", "staying", runs=1)
    kept_before = _rows(store, kept)
    assert coach_.forget_device("alexa", "leaving")  # the skill was disabled
    assert _rows(store, gone) == {e.name: 0 for e in PERSON_TABLES}
    assert _rows(store, kept) == kept_before
    with store.read() as conn:
        assert people_db.find_person(conn, gone) is None


def test_unlinking_the_last_device_deletes_every_declared_row(coach_, store):
    person = _fill(coach_, "phone", "only-phone", runs=1)
    (device,) = coach_.devices(person)
    assert coach_.unlink(person, device.id)
    assert _rows(store, person) == {e.name: 0 for e in PERSON_TABLES}
