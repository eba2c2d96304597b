"""Housekeeping forgets people nobody uses (30 idle days, nothing kept) and nobody else."""

from __future__ import annotations

from sqlalchemy import func, select

from shared_content import housekeeping
from shared_content.store.tables import people

DAY = 86400.0


def _ids(store) -> set[int]:
    with store.read() as conn:
        return set(conn.execute(select(people.c.id)).scalars())


def test_only_idle_people_with_nothing_stored_are_purged(any_coach, clock):
    coach = any_coach
    idle = coach.person_for_device("phone", "flood-browser")  # loaded a page once
    with_history = coach.person_for_device("phone", "finished-a-run")
    coach.command(
        with_history.id, "start", routine_id="morning-stretch", source="phone", safety_acknowledged=True
    )
    coach.command(with_history.id, "finish", source="phone")
    with_session = coach.person_for_device("alexa", "amzn1.ask.account.MID-SESSION")
    coach.command(
        with_session.id, "start", routine_id="morning-stretch", source="voice", safety_acknowledged=True
    )
    clock.advance(31 * DAY)
    recently_seen = coach.person_for_device("phone", "back-today")  # created now: too young
    assert housekeeping.purge_idle_people(coach.store, clock()) == 1
    assert _ids(coach.store) == {with_history.id, with_session.id, recently_seen.id}
    assert idle.id not in _ids(coach.store)
    assert housekeeping.purge_idle_people(coach.store, clock()) == 0


def test_a_device_seen_recently_keeps_its_person(any_coach, clock):
    coach = any_coach
    person = coach.person_for_device("phone", "daily-user")
    clock.advance(20 * DAY)
    coach.person_for_device("phone", "daily-user")  # seen again
    clock.advance(20 * DAY)
    assert housekeeping.purge_idle_people(coach.store, clock()) == 0
    assert person.id in _ids(coach.store)


def test_purge_works_in_batches(any_coach, clock):
    coach = any_coach
    for i in range(25):
        coach.person_for_device("phone", f"flood-{i}")
    clock.advance(31 * DAY)
    assert housekeeping.purge_idle_people(coach.store, clock(), batch=10) == 25
    with coach.store.read() as conn:
        assert conn.execute(select(func.count()).select_from(people)).scalar_one() == 0
