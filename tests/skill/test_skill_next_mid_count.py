""" "next" means the next side, set or exercise, now, however far the stored timeline has got.

A person who barges in during a led response ("next") finds the engine still running: the
voice applies one engine "next" (the start of the next step), timed to start when "Moving on."
has been said, and leads from there. At a halt (a barrier where the last response stopped, or
a "wait for me" stop) "next" carries on from the halt. The phone's Next is unchanged.

`voice.listen = False` keeps the fake clock still while a reply "is spoken".
"""

from __future__ import annotations

import pytest

MOVING_ON = ("Moving on.", "OK, moving on.")


def pid(coach, voice):
    return coach.person_for_device("alexa", voice.user_id).id


@pytest.fixture
def published(coach, monkeypatch):
    """Every version the Coach publishes on the bus (what the phone's live view follows)."""
    seen: list[int] = []
    original = coach.bus.publish

    def record(conn, person_id, version):
        seen.append(version)
        return original(conn, person_id, version)

    monkeypatch.setattr(coach.bus, "publish", record)
    return seen


def start(voice, routine_id: str, name: str):
    voice.listen = False
    voice.launch()
    return voice.say("StartRoutineIntent", {"routine": (name, routine_id)})


def test_next_mid_count_starts_the_next_step_in_one_turn(voice, coach, clock, published):
    start(voice, "quick-release", "quick release")
    person = pid(coach, voice)
    clock.advance(40)  # in the middle of the led response
    step = coach.current(person).position.step
    published.clear()
    reply = voice.say("NextIntent")
    assert reply.text.startswith(MOVING_ON)
    view = coach.current(person)
    assert view.position.step == step + 1 or view.state.done
    # the next step begins when "Moving on." has been said, not before
    assert view.position.segment_started_at is None or view.position.segment_started_at > clock()
    # the jump and the barrier where this reply stops are written together: the phone is told once,
    # of the version after both
    assert published == [view.state.version]


def test_yes_mid_count_means_next_too(voice, coach, clock):
    start(voice, "quick-release", "quick release")
    clock.advance(40)
    assert voice.say("YesIntent").text.startswith(MOVING_ON)


def test_next_at_the_halt_carries_on_from_there(voice, coach, clock):
    first = start(voice, "morning-stretch", "morning stretch")
    person = pid(coach, voice)
    clock.advance(first.seconds() + 5)
    barrier = coach.timeline(person)["barrier"]
    assert coach.current(person).position.waiting
    reply = voice.say("NextIntent")
    assert not reply.text.startswith(MOVING_ON)  # nothing is skipped: it carries on
    assert coach.timeline(person)["anchor"]["index"] == barrier


def test_a_next_the_phone_already_made_is_not_made_twice(voice, coach, clock):
    start(voice, "quick-release", "quick release")
    person = pid(coach, voice)
    clock.advance(40)
    coach.command(person, "next", source="phone")
    step = coach.current(person).position.step
    reply = voice.say("NextIntent")
    assert reply.text.startswith("You skipped ahead on your phone.")
    assert coach.current(person).position.step == step  # joined where the phone is, not skipped again


def test_next_on_the_last_step_finishes_once(voice, coach, clock, catalogue):
    start(voice, "morning-stretch", "morning stretch")
    person = pid(coach, voice)
    for _ in range(30):
        if coach.current(person).state.done:
            break
        last = coach.current(person).position.step
        reply = voice.say("NextIntent")
        clock.advance(1)
    assert coach.current(person).state.done
    assert reply.ends_session and last >= 0
    assert [h.outcome for h in coach.history(person)] == ["completed"]
