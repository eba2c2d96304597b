"""Pairing a phone with the person behind an Alexa device: codes, limits on guessing, merging.

Real SQLite file and real PostgreSQL; the clock is the test's. The change bus is a recorder.
"""

from __future__ import annotations

import logging
import re
import threading

import pytest
from sqlalchemy import func, select

from shared_content import pairing
from shared_content.service import Coach
from shared_content.store.tables import pain_reports, pairing_codes, people

SPEAKER = "amzn1.ask.account.SPEAKER"


class PublishRecorder:
    def __init__(self):
        self.published: list[tuple[int, int]] = []

    def publish(self, conn, person_id, version):
        self.published.append((person_id, version))


@pytest.fixture
def coach_(store, catalogue, clock):
    return Coach(store, catalogue, PublishRecorder(), clock=clock)


@pytest.fixture
def speaker(coach_):
    return coach_.person_for_device("alexa", SPEAKER)


def other_code(code: str) -> str:
    """A well-formed code that is certainly not `code`."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_code_is_six_digits_and_only_its_hash_is_stored(coach_, store, speaker):
    code = coach_.create_pairing_code(speaker.id)
    assert re.fullmatch(r"\d{6}", code)
    with store.read() as conn:
        [row] = conn.execute(select(pairing_codes)).all()
    assert code not in row.code_hash and row.code_hash == pairing.hash_code(code)
    assert row.expires_at - row.created_at == 600


def test_codes_are_random(coach_, speaker):
    codes = {coach_.create_pairing_code(speaker.id) for _ in range(20)}
    assert len(codes) > 15


def test_redeeming_links_the_phone_to_the_speakers_person(coach_, speaker):
    code = coach_.create_pairing_code(speaker.id)
    outcome = coach_.redeem_pairing_code("phone-1", code, "10.0.0.1")
    assert outcome.ok and outcome.person_id == speaker.id
    assert coach_.person_for_device("phone", "phone-1").id == speaker.id
    assert sorted(d.kind for d in coach_.devices(speaker.id)) == ["alexa", "phone"]
    # the phone now drives the speaker's session
    coach_.command(speaker.id, "start", safety_acknowledged=True, routine_id="quick-release", source="voice")
    phone_person = coach_.person_for_device("phone", "phone-1")
    assert coach_.command(phone_person.id, "next").status == "applied"
    assert coach_.current(speaker.id).state.version == 2


@pytest.mark.parametrize(
    "typed", ["{c[0]}{c[1]}{c[2]} {c[3]}{c[4]}{c[5]}", "{c[0]}{c[1]}{c[2]}-{c[3]}{c[4]}{c[5]}", "  {c} "]
)
def test_spaces_and_hyphens_between_digits_are_fine(coach_, speaker, typed):
    code = coach_.create_pairing_code(speaker.id)
    assert coach_.redeem_pairing_code("phone-1", typed.format(c=code), "10.0.0.1").ok


def test_code_expires_after_ten_minutes(coach_, speaker, clock):
    code = coach_.create_pairing_code(speaker.id)
    clock.advance(599)
    assert coach_.redeem_pairing_code("phone-1", code, "10.0.0.1").ok
    late = coach_.create_pairing_code(speaker.id)
    clock.advance(600)
    outcome = coach_.redeem_pairing_code("phone-2", late, "10.0.0.2")
    assert not outcome.ok and "expired" in outcome.message
    assert coach_.person_for_device("phone", "phone-2").id != speaker.id


def test_code_works_once(coach_, speaker):
    code = coach_.create_pairing_code(speaker.id)
    assert coach_.redeem_pairing_code("phone-1", code, "10.0.0.1").ok
    second = coach_.redeem_pairing_code("phone-2", code, "10.0.0.2")
    assert not second.ok
    assert [d.kind for d in coach_.devices(speaker.id)].count("phone") == 1


def test_a_new_code_replaces_the_old_one(coach_, speaker):
    old = coach_.create_pairing_code(speaker.id)
    new = coach_.create_pairing_code(speaker.id)
    if old != new:
        assert not coach_.redeem_pairing_code("phone-1", old, "10.0.0.1").ok
    assert coach_.redeem_pairing_code("phone-2", new, "10.0.0.2").ok


def test_two_phones_racing_for_one_code_link_only_one(coach_, speaker):
    code = coach_.create_pairing_code(speaker.id)
    barrier, results = threading.Barrier(4), []

    def redeem(i):
        barrier.wait()
        results.append(coach_.redeem_pairing_code(f"phone-{i}", code, f"10.0.0.{i}").ok)

    threads = [threading.Thread(target=redeem, args=(i,)) for i in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(results) == [False, False, False, True]
    assert [d.kind for d in coach_.devices(speaker.id)].count("phone") == 1


@pytest.mark.parametrize("typed", ["12345", "1234567", "abcdef", "12345x", "", "١٢٣٤٥٦", None])
def test_badly_formed_codes_are_explained_and_not_counted(coach_, speaker, typed):
    code = coach_.create_pairing_code(speaker.id)
    for _ in range(30):
        outcome = coach_.redeem_pairing_code("phone-1", typed, "10.0.0.1")
        assert (outcome.ok, outcome.message, outcome.limited) == (
            False,
            "Enter the six digits Alexa said.",
            False,
        )
    assert coach_.redeem_pairing_code("phone-1", code, "10.0.0.1").ok


def test_five_wrong_tries_lock_that_browser_out_for_a_while(coach_, speaker, clock):
    code = coach_.create_pairing_code(speaker.id)
    for _ in range(5):
        wrong = coach_.redeem_pairing_code("phone-1", other_code(code), "10.0.0.1")
        assert not wrong.ok and "didn't work" in wrong.message and not wrong.limited
    clock.advance(60)
    locked = coach_.redeem_pairing_code(
        "phone-1", code, "10.0.0.99"
    )  # even the right code, from a new address
    assert not locked.ok and locked.limited and "Wait" in locked.message
    assert locked.retry_after_seconds == 540 and "Wait 9 minutes" in locked.message
    assert coach_.person_for_device("phone", "phone-1").id != speaker.id
    # another phone is not affected, and the code is still good
    assert coach_.redeem_pairing_code("phone-2", code, "10.0.0.2").ok
    # after the window, the first phone may try again
    clock.advance(601)
    fresh = coach_.create_pairing_code(speaker.id)
    assert coach_.redeem_pairing_code("phone-1", fresh, "10.0.0.1").ok


def test_wrong_tries_from_one_network_are_limited_across_browsers(coach_, speaker):
    code = coach_.create_pairing_code(speaker.id)
    for i in range(pairing.IP_WRONG_TRY_LIMIT):
        assert not coach_.redeem_pairing_code(f"guesser-{i}", other_code(code), "203.0.113.7").ok
    locked = coach_.redeem_pairing_code("yet-another-browser", code, "203.0.113.7")
    assert not locked.ok and locked.limited and "network" in locked.message
    assert coach_.redeem_pairing_code("honest-phone", code, "198.51.100.1").ok


def _speakers_with_codes(coach_, n: int) -> list[tuple[int, str]]:
    out = []
    for i in range(n):
        person = coach_.person_for_device("alexa", f"amzn1.ask.account.OTHER-{i}")
        out.append((person.id, coach_.create_pairing_code(person.id)))
    return out


def test_other_peoples_codes_survive_a_guessing_run(coach_, clock):
    others = _speakers_with_codes(coach_, 5)
    live = {code for _, code in others}
    wrong = [f"{n:06d}" for n in range(1000) if f"{n:06d}" not in live]
    # Two addresses, a new browser for every guess, until both are shut out; then more of the same.
    tries = 0
    for i, guess in enumerate(wrong[:200]):
        outcome = coach_.redeem_pairing_code(f"bot-{i}", guess, ("192.0.2.1", "192.0.2.2")[i % 2])
        assert not outcome.ok
        tries += not outcome.limited
        clock.advance(1)
    assert tries == 2 * pairing.IP_WRONG_TRY_LIMIT  # the limit still binds the guessers
    for n, (person_id, code) in enumerate(others):
        outcome = coach_.redeem_pairing_code(f"owner-{n}", code, f"198.51.100.{n + 1}")
        assert outcome.ok, outcome.message
        assert coach_.person_for_device("phone", f"owner-{n}").id == person_id


def test_one_ipv6_64_counts_as_one_network_however_many_addresses_it_uses(coach_, speaker):
    code = coach_.create_pairing_code(speaker.id)
    refused = 0
    for i in range(40):
        outcome = coach_.redeem_pairing_code(f"v6-bot-{i}", other_code(code), f"2001:db8:1:2::{i + 1:x}")
        refused += outcome.limited
    assert refused == 40 - pairing.IP_WRONG_TRY_LIMIT
    # the same machine's next address, even with the right code: still that network
    assert coach_.redeem_pairing_code("v6-new", code, "2001:db8:1:2:ffff::1").limited
    # IPv4 written as an IPv4-mapped IPv6 address is the IPv4 address
    assert pairing.network_scopes("::ffff:192.0.2.9") == {"ip": "192.0.2.9/32"}
    assert pairing.network_scopes("not an address") == {"ip": "unknown"}
    # a neighbour in another /64 links fine
    assert coach_.redeem_pairing_code("neighbour", code, "2001:db8:1:3::1").ok


def test_one_ipv6_48_cannot_walk_through_its_64s(coach_, speaker, clock):
    code = coach_.create_pairing_code(speaker.id)
    checked = 0
    for i in range(200):
        outcome = coach_.redeem_pairing_code(f"walker-{i}", other_code(code), f"2001:db8:7:{i:x}::1")
        checked += not outcome.limited
        clock.advance(2)  # 400 s: well inside one 10-minute window
    assert checked <= pairing.SITE_WRONG_TRY_LIMIT
    assert coach_.redeem_pairing_code("elsewhere", code, "2001:db8:8::1").ok


def test_a_busy_minute_slows_repeat_guessers_but_lets_a_first_try_through(coach_, speaker, clock):
    code = coach_.create_pairing_code(speaker.id)
    for i in range(pairing.GLOBAL_WRONG_TRY_LIMIT):
        assert not coach_.redeem_pairing_code(f"typo-{i}", other_code(code), f"203.0.113.{i + 1}").limited
    # someone who already mistyped this window now waits out the minute...
    busy = coach_.redeem_pairing_code("typo-0", code, "203.0.113.1")
    assert busy.limited and not busy.ok and busy.retry_after_seconds <= pairing.GLOBAL_WINDOW_SECONDS
    assert "Wait a minute" in busy.message
    # ...while a first try goes straight through, and the code is unharmed
    assert coach_.redeem_pairing_code("first-try", code, "198.51.100.50").ok
    clock.advance(pairing.GLOBAL_WINDOW_SECONDS + 1)
    again = coach_.create_pairing_code(speaker.id)
    assert coach_.redeem_pairing_code("typo-0", again, "203.0.113.1").ok


def test_codes_tokens_and_addresses_never_reach_the_logs(coach_, speaker, caplog):
    caplog.set_level(logging.DEBUG)
    code = coach_.create_pairing_code(speaker.id)
    coach_.redeem_pairing_code("very-secret-token", other_code(code), "203.0.113.99")
    coach_.redeem_pairing_code("very-secret-token", code, "203.0.113.99")
    for secret in (code, other_code(code), "very-secret-token", "203.0.113.99"):
        assert secret not in caplog.text


def test_bad_browser_token_is_an_error_and_counts_nothing(coach_, speaker):
    code = coach_.create_pairing_code(speaker.id)
    with pytest.raises(ValueError):
        coach_.redeem_pairing_code("", code, "10.0.0.1")
    assert coach_.redeem_pairing_code("phone-1", code, "10.0.0.1").ok


def test_code_for_unknown_person_is_an_error(coach_, store):
    with pytest.raises(ValueError):
        coach_.create_pairing_code(12345)
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(pairing_codes)).scalar_one() == 0


# --- merging the phone's own data into the speaker's person ---------------------------------------


def _finish(coach_, person_id, routine_id, clock):
    coach_.command(person_id, "start", safety_acknowledged=True, routine_id=routine_id)
    clock.advance(20)
    coach_.command(person_id, "finish")
    clock.advance(20)


def test_merge_keeps_every_run_once(coach_, store, speaker, clock):
    phone = coach_.person_for_device("phone", "phone-1")
    # the same moment on both: one run seen from two sides (it must appear once)
    coach_.command(speaker.id, "start", safety_acknowledged=True, routine_id="quick-release")
    coach_.command(phone.id, "start", safety_acknowledged=True, routine_id="quick-release")
    clock.advance(30)
    coach_.command(speaker.id, "finish")
    coach_.command(phone.id, "finish")
    clock.advance(30)
    _finish(coach_, phone.id, "desk-break", clock)  # only on the phone
    _finish(coach_, speaker.id, "morning-stretch", clock)  # only on the speaker
    coach_.command(phone.id, "start", safety_acknowledged=True, routine_id="core-strength")
    coach_.command(phone.id, "pain", source="phone")  # the phone's pain report must survive too

    assert coach_.redeem_pairing_code("phone-1", coach_.create_pairing_code(speaker.id), "10.0.0.1").ok

    runs = [(h.routine_id, h.started_at) for h in coach_.history(speaker.id)]
    assert sorted(r for r, _ in runs) == ["core-strength", "desk-break", "morning-stretch", "quick-release"]
    assert len(set(runs)) == len(runs)
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(people)).scalar_one() == 1
    assert coach_.person_for_device("phone", "phone-1").id == speaker.id
    assert coach_.history(phone.id) == []
    with store.read() as conn:
        reports = conn.execute(select(pain_reports.c.person_id, pain_reports.c.exercise_id)).all()
    assert len(reports) == 1 and reports[0].person_id == speaker.id


def test_merge_keeps_the_speakers_session_when_it_has_one(coach_, speaker):
    phone = coach_.person_for_device("phone", "phone-1")
    coach_.command(speaker.id, "start", safety_acknowledged=True, routine_id="morning-stretch")
    coach_.command(phone.id, "start", safety_acknowledged=True, routine_id="desk-break")
    assert coach_.redeem_pairing_code("phone-1", coach_.create_pairing_code(speaker.id), "10.0.0.1").ok
    assert coach_.current(speaker.id).routine.id == "morning-stretch"


def test_merge_moves_the_phones_session_when_the_speaker_has_none(coach_, speaker, clock):
    phone = coach_.person_for_device("phone", "phone-1")
    coach_.command(phone.id, "start", safety_acknowledged=True, routine_id="desk-break")
    moved = coach_.command(phone.id, "next").view.state
    clock.advance(1)
    assert coach_.redeem_pairing_code("phone-1", coach_.create_pairing_code(speaker.id), "10.0.0.1").ok
    view = coach_.current(speaker.id)
    assert view.routine.id == "desk-break" and view.state.version == moved.version
    assert (speaker.id, moved.version) in coach_.bus.published  # watchers of the speaker hear about it
    assert coach_.command(speaker.id, "next", source="voice").status == "applied"


def test_merge_counts_the_safety_notice_as_heard_if_either_heard_it(coach_, speaker):
    phone = coach_.person_for_device("phone", "phone-1")
    coach_.acknowledge_safety(phone.id)
    assert coach_.redeem_pairing_code("phone-1", coach_.create_pairing_code(speaker.id), "10.0.0.1").ok
    assert coach_.person_for_device("alexa", SPEAKER).safety_heard is True


def test_moving_a_phone_from_another_household_leaves_that_household_intact(coach_, speaker, clock):
    other = coach_.person_for_device("alexa", "amzn1.ask.account.OTHER")
    assert coach_.redeem_pairing_code("phone-1", coach_.create_pairing_code(other.id), "10.0.0.1").ok
    _finish(coach_, other.id, "quick-release", clock)
    assert coach_.redeem_pairing_code("phone-1", coach_.create_pairing_code(speaker.id), "10.0.0.1").ok
    assert coach_.person_for_device("phone", "phone-1").id == speaker.id
    assert [d.kind for d in coach_.devices(other.id)] == ["alexa"]
    assert len(coach_.history(other.id)) == 1 and coach_.history(speaker.id) == []


def test_redeeming_on_an_already_linked_phone_changes_nothing(coach_, speaker):
    assert coach_.redeem_pairing_code("phone-1", coach_.create_pairing_code(speaker.id), "10.0.0.1").ok
    again = coach_.redeem_pairing_code("phone-1", coach_.create_pairing_code(speaker.id), "10.0.0.1")
    assert again.ok and "already" in again.message
    assert len(coach_.devices(speaker.id)) == 2
