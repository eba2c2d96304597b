"""Coach, the service both front ends call: people, sessions, history, pace, pain, devices.

Runs on a real SQLite file and on PostgreSQL. The change bus is replaced by a recorder so the
tests can see what was published (the real bus has its own tests); the store is real.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from shared_content.service import NO_SESSION, Coach
from shared_content.store.tables import devices, history, pain_reports, people, sessions

ROUTINE = "quick-release"


class PublishRecorder:
    """Stands in for ChangeBus: records (person_id, version) published inside a transaction."""

    def __init__(self):
        self.published: list[tuple[int, int]] = []
        self.lock = threading.Lock()

    def publish(self, conn, person_id, version):
        assert conn.in_transaction(), "publish must run inside the writing transaction"
        with self.lock:
            self.published.append((person_id, version))

    def publish_ended(self, conn, person_id):
        assert conn.in_transaction(), "the 'ended' notice must go out with the delete or merge"
        with self.lock:
            self.published.append((person_id, -1))


class FailingBus(PublishRecorder):
    def publish(self, conn, person_id, version):
        raise RuntimeError("bus is down")


@pytest.fixture
def coach_(store, catalogue, clock):
    return Coach(store, catalogue, PublishRecorder(), clock=clock)


def count(store, table, *where) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def walk_to_the_end(coach, person_id, clock, step=7.0, source="phone"):
    """Say "next" until the routine finishes; returns the last outcome."""
    outcome = coach.current(person_id)
    for _ in range(500):
        clock.advance(step)
        outcome = coach.command(person_id, "next", source=source)
        assert outcome.status == "applied", outcome.message
        if outcome.finished:
            return outcome
    raise AssertionError("routine never finished")


# --- people and devices ------------------------------------------------------------------


def test_a_device_gets_the_same_person_every_time(coach_):
    first = coach_.person_for_device("alexa", "amzn1.ask.account.A")
    again = coach_.person_for_device("alexa", "amzn1.ask.account.A")
    other = coach_.person_for_device("alexa", "amzn1.ask.account.B")
    phone = coach_.person_for_device("phone", "amzn1.ask.account.A")  # same string, different kind
    assert first == again
    assert first.pace == 1.0 and first.safety_heard is False
    assert len({first.id, other.id, phone.id}) == 3


def test_last_seen_is_updated(coach_, clock):
    p = coach_.person_for_device("phone", "tok-1")
    clock.advance(3600)
    coach_.person_for_device("phone", "tok-1")
    [device] = coach_.devices(p.id)
    assert device.kind == "phone"
    assert device.last_seen_at == clock.now and device.created_at == clock.now - 3600


def test_phone_tokens_are_not_stored_in_the_clear(coach_, store):
    coach_.person_for_device("phone", "secret-browser-token")
    with store.read() as conn:
        stored = conn.execute(select(devices.c.external_id)).scalars().all()
    assert stored and all("secret-browser-token" not in s for s in stored)


@pytest.mark.parametrize(
    "kind, external_id", [("fax", "x"), ("phone", ""), ("alexa", "   "), ("phone", None)]
)
def test_bad_device_input_is_refused_and_stores_nothing(coach_, store, kind, external_id):
    with pytest.raises(ValueError):
        coach_.person_for_device(kind, external_id)
    assert count(store, people) == 0


def test_first_sight_of_one_device_from_many_threads_makes_one_person(coach_, store):
    barrier = threading.Barrier(6)
    seen, errors = [], []

    def visit():
        try:
            barrier.wait()
            seen.append(coach_.person_for_device("phone", "same-token").id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=visit) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    assert len(set(seen)) == 1
    assert count(store, people) == 1 and count(store, devices) == 1


def test_safety_notice_heard_is_remembered(coach_):
    p = coach_.person_for_device("alexa", "A")
    coach_.acknowledge_safety(p.id)
    assert coach_.person_for_device("alexa", "A").safety_heard is True
    with pytest.raises(ValueError):
        coach_.acknowledge_safety(p.id + 100)


def test_a_first_start_waits_for_the_safety_notice(coach_, store):
    p = coach_.person_for_device("phone", "P")
    refused = coach_.command(p.id, "start", routine_id=ROUTINE)
    assert refused.needs_safety_notice and not refused.applied and "safety" in refused.message.lower()
    assert count(store, sessions) == 0 and coach_.bus.published == []
    assert coach_.person(p.id).safety_heard is False

    started = coach_.command(p.id, "start", routine_id=ROUTINE, safety_acknowledged=True)
    assert started.applied and coach_.person(p.id).safety_heard is True


def test_after_the_notice_later_starts_need_no_acknowledgement(coach_):
    p = coach_.person_for_device("alexa", "A")
    coach_.acknowledge_safety(p.id)  # the voice read it out at launch
    assert coach_.command(p.id, "start", routine_id=ROUTINE).applied
    assert coach_.command(p.id, "start", routine_id="morning-stretch").applied


def test_an_acknowledged_start_of_an_unknown_routine_records_nothing(coach_):
    p = coach_.person_for_device("phone", "P")
    assert (
        coach_.command(p.id, "start", routine_id="handstands", safety_acknowledged=True).status == "illegal"
    )
    assert coach_.person(p.id).safety_heard is False


# --- sessions ------------------------------------------------------------------------------


def test_no_session_means_commands_other_than_start_are_refused(coach_, store):
    p = coach_.person_for_device("alexa", "A")
    assert coach_.current(p.id) is None
    for name in ("next", "pause", "finish", "pain"):
        outcome = coach_.command(p.id, name, source="voice")
        assert (outcome.status, outcome.message, outcome.view) == ("illegal", NO_SESSION, None)
    assert count(store, sessions) == 0 and count(store, pain_reports) == 0
    assert coach_.bus.published == []


def test_unknown_routine_is_refused_and_nothing_is_stored(coach_, store):
    p = coach_.person_for_device("alexa", "A")
    outcome = coach_.command(p.id, "start", safety_acknowledged=True, routine_id="handstands")
    assert outcome.status == "illegal" and "handstands" in outcome.message
    missing = coach_.command(p.id, "start")
    assert missing.status == "illegal"
    assert count(store, sessions) == 0 and coach_.bus.published == []


def test_unknown_command_name_is_refused_without_changing_the_session(coach_):
    p = coach_.person_for_device("alexa", "A")
    started = coach_.command(p.id, "start", safety_acknowledged=True, routine_id=ROUTINE)
    outcome = coach_.command(p.id, "jump")
    assert outcome.status == "illegal"
    assert coach_.current(p.id).state == started.view.state


@pytest.mark.parametrize("kwargs", [{"source": "tv"}, {"expected_version": "1"}, {"at": float("nan")}])
def test_bad_command_arguments_raise_and_change_nothing(coach_, kwargs):
    p = coach_.person_for_device("alexa", "A")
    before = coach_.command(p.id, "start", safety_acknowledged=True, routine_id=ROUTINE).view.state
    published = list(coach_.bus.published)
    with pytest.raises(ValueError):
        coach_.command(p.id, "next", **kwargs)
    assert coach_.current(p.id).state == before
    assert coach_.bus.published == published


def test_walking_a_routine_to_the_end_records_history_once(coach_, store, clock, catalogue):
    p = coach_.person_for_device("alexa", "A")
    start = coach_.command(p.id, "start", safety_acknowledged=True, routine_id=ROUTINE, source="voice")
    assert start.status == "applied"
    assert start.view.position.exercise.id == catalogue.routine(ROUTINE).exercise_ids[0]
    started_at = start.view.state.started_at
    last = walk_to_the_end(coach_, p.id, clock)
    assert last.view.state.done and last.view.state.outcome == "completed"

    [entry] = coach_.history(p.id)
    assert (entry.routine_id, entry.routine_name, entry.outcome) == (
        ROUTINE,
        catalogue.routine(ROUTINE).name,
        "completed",
    )
    assert entry.started_at == started_at and entry.finished_at == clock.now
    # Every applied change was published with the version it produced, in order.
    versions = [v for pid, v in coach_.bus.published if pid == p.id]
    assert versions == list(range(1, last.view.state.version + 1))
    # After the end, "next" is refused and nothing more is written.
    assert coach_.command(p.id, "next").status == "illegal"
    assert count(store, history) == 1


def test_current_is_settled_at_the_clock(coach_, clock):
    p = coach_.person_for_device("phone", "tok")
    coach_.command(p.id, "start", safety_acknowledged=True, routine_id=ROUTINE)
    holding = coach_.command(p.id, "next")
    assert holding.view.position.phase == "holding"
    left = holding.view.position.seconds_left_total
    clock.advance(2)
    view = coach_.current(p.id)
    assert view.position.seconds_left_total < left
    assert view.state.version == holding.view.state.version  # time alone is not a change


def test_starting_again_replaces_an_unfinished_session_and_records_it_stopped(coach_, clock):
    p = coach_.person_for_device("phone", "tok")
    first = coach_.command(p.id, "start", safety_acknowledged=True, routine_id=ROUTINE)
    coach_.command(p.id, "next")
    clock.advance(10)
    second = coach_.command(p.id, "start", safety_acknowledged=True, routine_id="morning-stretch")
    assert second.status == "applied"
    view = coach_.current(p.id)
    assert view.routine.id == "morning-stretch" and view.position.phase == "instructions"
    assert view.state.version > first.view.state.version + 1  # devices watching see a newer version
    [entry] = coach_.history(p.id)  # the abandoned run is in history, as stopped
    assert (entry.routine_id, entry.outcome) == (ROUTINE, "stopped")
    assert entry.started_at == first.view.state.started_at


def test_assembled_routines_can_be_run(coach_, catalogue):
    routine = catalogue.assemble(10, "stretch", {"floor"})
    p = coach_.person_for_device("phone", "tok")
    assert coach_.command(p.id, "start", safety_acknowledged=True, routine_id=routine.id).status == "applied"
    view = coach_.current(p.id)
    assert view.routine.id == routine.id
    assert view.routine.exercise_ids == routine.exercise_ids


def test_stale_expected_version_is_a_duplicate_and_changes_nothing(coach_):
    p = coach_.person_for_device("phone", "tok")
    v1 = coach_.command(p.id, "start", safety_acknowledged=True, routine_id=ROUTINE).view.state.version
    assert coach_.command(p.id, "next", v1).status == "applied"
    stale = coach_.command(p.id, "next", v1)
    assert stale.status == "duplicate"
    assert stale.view.state.version == v1 + 1
    assert coach_.current(p.id).state.version == v1 + 1


def _race(n, action):
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def run(i):
        try:
            barrier.wait()
            results[i] = action()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    return results


def test_concurrent_next_with_the_same_version_advances_once(coach_, clock):
    p = coach_.person_for_device("alexa", "A")
    coach_.command(p.id, "start", safety_acknowledged=True, routine_id="full-relief")
    for _ in range(5):  # several rounds, each a real race between four devices
        before = coach_.current(p.id).state
        outcomes = _race(4, lambda version=before.version: coach_.command(p.id, "next", version))
        assert sorted(o.status for o in outcomes) == ["applied", "duplicate", "duplicate", "duplicate"]
        after = coach_.current(p.id).state
        assert after.version == before.version + 1
        assert all(o.view.state.version == after.version for o in outcomes)
        clock.advance(1)


def test_concurrent_commands_without_versions_all_apply_in_turn(coach_):
    """No expected version: each "repeat" is re-applied on the fresh state after a lost race, none is lost."""
    p = coach_.person_for_device("alexa", "A")
    v = coach_.command(p.id, "start", safety_acknowledged=True, routine_id=ROUTINE).view.state.version
    outcomes = _race(4, lambda: coach_.command(p.id, "repeat"))
    assert [o.status for o in outcomes] == ["applied"] * 4
    assert coach_.current(p.id).state.version == v + 4


def test_racing_finish_writes_exactly_one_history_row(coach_, store, clock):
    p = coach_.person_for_device("alexa", "A")
    coach_.command(p.id, "start", safety_acknowledged=True, routine_id=ROUTINE)
    coach_.command(p.id, "next")
    clock.advance(3)
    outcomes = _race(4, lambda: coach_.command(p.id, "finish"))
    assert sorted(o.status for o in outcomes) == ["applied", "illegal", "illegal", "illegal"]
    assert sum(o.finished for o in outcomes) == 1
    assert count(store, history, history.c.person_id == p.id) == 1
    assert coach_.history(p.id)[0].outcome == "stopped"


def test_pace_changes_this_run_only_until_the_person_keeps_it(coach_, clock):
    p = coach_.person_for_device("alexa", "A")
    coach_.command(p.id, "start", safety_acknowledged=True, routine_id=ROUTINE)
    # pace scales hold times: slower means longer holds
    assert coach_.command(p.id, "slower").view.state.pace == 1.25
    assert coach_.person_for_device("alexa", "A").pace == 1.0  # not stored without a yes
    finished = coach_.command(p.id, "finish").view
    assert coach_.pace_to_offer(finished, coach_.person(p.id)) == 1.25
    clock.advance(60)
    again = coach_.command(p.id, "start", safety_acknowledged=True, routine_id="morning-stretch")
    assert again.view.state.pace == 1.0
    coach_.command(p.id, "faster")
    finished = coach_.command(p.id, "finish").view
    coach_.keep_pace(p.id, finished.state.pace)  # "yes, keep it"
    assert coach_.person(p.id).pace == 0.75 and coach_.pace_to_offer(finished, coach_.person(p.id)) is None
    clock.advance(60)
    assert coach_.command(p.id, "start", safety_acknowledged=True, routine_id=ROUTINE).view.state.pace == 0.75
    with pytest.raises(ValueError, match="pace must be one of"):
        coach_.keep_pace(p.id, 0.1)
    assert coach_.person(p.id).pace == 0.75


def test_a_run_stopped_for_pain_offers_no_pace_to_keep(coach_):
    p = coach_.person_for_device("alexa", "A")
    coach_.command(p.id, "start", safety_acknowledged=True, routine_id=ROUTINE)
    coach_.command(p.id, "slower")
    stopped = coach_.command(p.id, "pain").view
    assert coach_.pace_to_offer(stopped, coach_.person(p.id)) is None


def test_pain_stops_the_session_and_stores_a_report(coach_, store, clock, catalogue):
    p = coach_.person_for_device("alexa", "A")
    coach_.command(p.id, "start", safety_acknowledged=True, routine_id=ROUTINE)
    doing = coach_.command(p.id, "next").view.position.exercise.id
    clock.advance(2)
    outcome = coach_.command(p.id, "pain", source="voice")
    assert outcome.status == "applied" and outcome.finished
    assert outcome.view.state.outcome == "pain"
    with store.read() as conn:
        [report] = conn.execute(select(pain_reports)).all()
    assert (report.person_id, report.exercise_id, report.source, report.at) == (
        p.id,
        doing,
        "voice",
        clock.now,
    )
    assert [h.outcome for h in coach_.history(p.id)] == ["pain"]


def test_a_failure_inside_the_transaction_leaves_the_session_unchanged(store, catalogue, clock):
    ok = Coach(store, catalogue, PublishRecorder(), clock=clock)
    p = ok.person_for_device("alexa", "A")
    ok.command(p.id, "start", safety_acknowledged=True, routine_id=ROUTINE)
    ok.command(p.id, "next")
    before = ok.current(p.id).state
    broken = Coach(store, catalogue, FailingBus(), clock=clock)
    for name in ("finish", "pain", "slower"):
        with pytest.raises(RuntimeError, match="bus is down"):
            broken.command(p.id, name, source="voice")
    assert ok.current(p.id).state == before
    assert count(store, history) == 0 and count(store, pain_reports) == 0
    assert ok.person_for_device("alexa", "A").pace == 1.0


def test_history_is_newest_first(coach_, clock):
    p = coach_.person_for_device("alexa", "A")
    for routine_id in ("quick-release", "morning-stretch", "desk-break"):
        coach_.command(p.id, "start", safety_acknowledged=True, routine_id=routine_id)
        clock.advance(30)
        coach_.command(p.id, "finish")
        clock.advance(30)
    assert [h.routine_id for h in coach_.history(p.id)] == ["desk-break", "morning-stretch", "quick-release"]


# --- unlinking and forgetting --------------------------------------------------------------------


def _linked_pair(coach_):
    speaker = coach_.person_for_device("alexa", "A")
    code = coach_.create_pairing_code(speaker.id)
    assert coach_.redeem_pairing_code("phone-tok", code, "10.0.0.1").ok
    return speaker


def test_unlinked_phone_starts_afresh_and_history_stays_with_the_person(coach_, clock):
    speaker = _linked_pair(coach_)
    coach_.command(speaker.id, "start", safety_acknowledged=True, routine_id=ROUTINE)
    coach_.command(speaker.id, "finish")
    assert coach_.person_for_device("phone", "phone-tok").id == speaker.id
    phone = next(d for d in coach_.devices(speaker.id) if d.kind == "phone")

    assert coach_.unlink(speaker.id, phone.id) is True
    assert [d.kind for d in coach_.devices(speaker.id)] == ["alexa"]
    newcomer = coach_.person_for_device("phone", "phone-tok")
    assert newcomer.id != speaker.id
    assert coach_.history(newcomer.id) == [] and coach_.current(newcomer.id) is None
    assert len(coach_.history(speaker.id)) == 1


def test_unlinking_someone_elses_device_changes_nothing(coach_):
    speaker = _linked_pair(coach_)
    stranger = coach_.person_for_device("alexa", "B")
    [their_device] = coach_.devices(stranger.id)
    assert coach_.unlink(speaker.id, their_device.id) is False
    assert len(coach_.devices(stranger.id)) == 1 and len(coach_.devices(speaker.id)) == 2


def test_unlinking_the_last_device_deletes_the_persons_data(coach_, store):
    p = coach_.person_for_device("phone", "tok")
    coach_.command(p.id, "start", safety_acknowledged=True, routine_id=ROUTINE)
    coach_.command(p.id, "finish")
    [device] = coach_.devices(p.id)
    assert coach_.unlink(p.id, device.id)
    assert count(store, people) == 0 and count(store, history) == 0 and count(store, sessions) == 0


def test_forget_device_deletes_everything_when_it_was_the_only_device(coach_, store):
    p = coach_.person_for_device("alexa", "A")
    coach_.command(p.id, "start", safety_acknowledged=True, routine_id=ROUTINE)
    coach_.command(p.id, "pain", source="voice")
    coach_.create_pairing_code(p.id)
    assert coach_.forget_device("alexa", "A") is True
    for table in (people, devices, sessions, history, pain_reports):
        assert count(store, table) == 0, table.name
    assert coach_.forget_device("alexa", "A") is False


def test_forget_device_deletes_the_person_with_every_linked_phone(coach_):
    """SkillDisabled deletes the person the speaker belongs to, the linked phone's device and runs
    included; the phone starts again as a new, empty person."""
    speaker = _linked_pair(coach_)
    coach_.command(speaker.id, "start", safety_acknowledged=True, routine_id=ROUTINE)
    coach_.command(speaker.id, "finish")
    assert coach_.forget_device("alexa", "A") is True
    assert coach_.person(speaker.id) is None
    fresh = coach_.person_for_device("phone", "phone-tok")
    assert fresh.id != speaker.id and coach_.history(fresh.id) == []


def test_from_url_migrates_and_publishes_on_the_real_bus(any_coach):
    """The conftest's Coach (Coach.from_url on each database, real ChangeBus): a subscriber hears a start."""
    p = any_coach.person_for_device("alexa", "A")
    sub = any_coach.bus.subscribe(p.id)
    try:
        version = any_coach.command(
            p.id, "start", safety_acknowledged=True, routine_id=ROUTINE
        ).view.state.version
        assert sub.wait(10) == version
    finally:
        sub.close()
