""" "next" means the next side, set or exercise, now, however far the stored timeline has got.

The voice counts a whole set (and often its rest) in one reply. A person who says "next"
before the engine's timeline reaches the end of that set (barging in during the count on a
speaker, typing at once in the console) finds the engine still holding: one engine "next"
would only end the set and start its rest. The voice then applies "next" twice in one turn
(holding -> resting -> next block), each with the version it expects, and speaks the next
block. In a rest, one "next" moves on as before. The engine and the phone's Next are unchanged.

`voice.listen = False` keeps the fake clock still while a reply "is spoken", so "next"
arrives mid-count; advancing the clock by hand puts it in the rest or after it.
"""

from __future__ import annotations

import re

import pytest

from shared_content.engine import plan_for
from skill.handlers import flow
from skill.speech.ssml import estimate_seconds

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


def count_starts(ssml: str) -> list[float]:
    """Seconds into the speech at which each spoken "1" (the first count word of a rep) begins."""
    body = ssml[len("<speak>") :]
    return [
        estimate_seconds(body[: m.start()], tail=False)
        for m in re.finditer(r"(?<=[\s>])1(?=\s*<break)", body)
    ]


def test_next_mid_count_goes_to_the_right_side_in_one_turn(voice, coach, clock, published):
    first = start(voice, "quick-release", "quick release")
    assert (
        "Rest for 10 seconds" in first.text or "Take a 10 second rest" in first.text
    )  # the count and its rest
    person = pid(coach, voice)
    before = coach.current(person)
    assert before.state.phase == "holding" and before.position.side == "left"
    del published[:]

    asked_at = clock.now
    reply = voice.say("NextIntent")  # at once: the stored set is still running

    assert reply.text.startswith(MOVING_ON), reply.text
    assert "right side" in reply.text.split(" 1 ")[0].lower()
    assert "rest" not in reply.text.split(" 1 ")[0].lower()  # no second rest before the right side
    knee = coach.catalogue.exercise("knee-to-chest")
    assert reply.text.count(" 1 2 3 4 5 ") == knee.repetitions
    view = coach.current(person)
    assert (view.position.exercise.id, view.position.side, view.state.phase) == (
        "knee-to-chest",
        "right",
        "holding",
    )
    # two commands, chained: holding -> resting -> the right side; both published for the phone
    assert view.state.version == before.state.version + 2
    assert published == [before.state.version + 1, before.state.version + 2]
    assert reply.attributes["v"] == view.state.version
    # the right side's stored timeline starts when the voice says its first "1"
    starts = count_starts(reply.ssml)
    cycle = view.position.hold_seconds + knee.rep_gap_seconds
    assert len(starts) == knee.repetitions
    for k, spoken in enumerate(starts):
        assert (
            abs(asked_at + flow.SPEECH_START_DELAY + spoken - (view.state.phase_started_at + k * cycle)) < 0.3
        )


def test_next_mid_count_goes_to_the_next_set(voice, coach):
    start(voice, "morning-stretch", "morning stretch")
    reply = voice.say("NextIntent")
    assert reply.text.startswith(MOVING_ON)
    assert "Set 2 of 3." in reply.text
    view = coach.current(pid(coach, voice))
    assert (view.position.exercise.id, view.position.set_no, view.state.phase) == (
        "pelvic-tilt",
        2,
        "holding",
    )


def test_next_mid_count_on_an_exercise_s_last_block_goes_to_the_next_exercise(voice, coach):
    start(voice, "quick-release", "quick release")
    voice.say("NextIntent")  # right side of knee to chest, counting
    reply = voice.say("NextIntent")  # at once again
    bolster = coach.catalogue.exercise("bolster-psoas-stretch")
    assert reply.text.startswith(MOVING_ON)
    assert bolster.name in reply.text and bolster.steps[0] in reply.text and bolster.hold_cue in reply.text
    view = coach.current(pid(coach, voice))
    assert (view.position.exercise.id, view.position.side, view.state.phase) == (
        bolster.id,
        "left",
        "holding",
    )


def test_yes_mid_count_means_next_too(voice, coach):
    start(voice, "morning-stretch", "morning stretch")
    reply = voice.say("YesIntent")
    assert "Set 2 of 3." in reply.text
    assert coach.current(pid(coach, voice)).position.set_no == 2


@pytest.mark.parametrize("into_rest,left", [(3.0, "rest running"), (40.0, "rest over")])
def test_next_in_a_rest_moves_on_once(into_rest, left, voice, coach, clock, published):
    first = start(voice, "quick-release", "quick release")
    person = pid(coach, voice)
    view = coach.current(person)
    p = view.position
    set_ends = (
        view.state.phase_started_at + p.reps * p.hold_seconds + (p.reps - 1) * p.exercise.rep_gap_seconds
    )
    clock.now = set_ends + into_rest
    resting = coach.current(person)
    assert resting.state.phase == "resting"
    assert (
        (resting.position.seconds_left_in_phase or 0) > 0
        if into_rest < 10
        else not resting.position.seconds_left_in_phase
    )
    del published[:]

    reply = voice.say("NextIntent")

    assert not reply.text.startswith(MOVING_ON), left
    assert "right side" in reply.text.split(" 1 ")[0].lower()
    after = coach.current(person)
    assert (after.position.side, after.state.phase) == ("right", "holding")
    assert after.state.version == resting.state.version + 1 and published == [after.state.version]
    assert first.attributes["v"] == resting.state.version


def test_a_next_the_phone_already_made_is_not_made_twice(voice, coach, published):
    start(voice, "quick-release", "quick release")
    person = pid(coach, voice)
    spoken = coach.current(person).state.version
    phone = coach.command(
        person, "next", spoken, source="phone"
    )  # the phone's Next: the set ends, rest starts
    assert phone.applied and phone.view.state.phase == "resting"
    del published[:]

    reply = voice.say("NextIntent")  # sent with the version the voice last spoke

    assert "phone" in reply.text  # "Your phone is a step ahead, so I've caught up."
    view = coach.current(person)
    assert view.state.version == phone.view.state.version and published == []
    assert (view.position.side, view.state.phase) == ("left", "resting")
    assert "right side" in reply.text and reply.attributes["v"] == view.state.version


def test_the_phone_moving_between_the_two_steps_is_joined_not_doubled(voice, coach, monkeypatch):
    """The second command carries the version the first one made: if the phone's Next lands in
    between, the voice's second "next" is a duplicate and the voice joins the phone's block."""
    start(voice, "morning-stretch", "morning stretch")
    person = pid(coach, voice)
    real = coach.command
    calls = []

    def racing(person_id, name, expected_version=None, **kw):
        calls.append((name, expected_version))
        outcome = real(person_id, name, expected_version, **kw)
        if kw.get("source") == "voice" and name == "next" and len(calls) == 1:
            real(person_id, "next", outcome.view.state.version, source="phone")  # phone: rest -> set 2
        return outcome

    monkeypatch.setattr(coach, "command", racing)
    reply = voice.say("NextIntent")
    first_v = calls[0][1]
    assert calls[:2] == [("next", first_v), ("next", first_v + 1)]
    view = coach.current(person)
    assert (view.position.set_no, view.state.phase) == (2, "holding")
    assert view.state.version in (first_v + 2, first_v + 3)  # phone's set 2 (+ the voice's own re-timing)
    assert "phone" in reply.text and "Set 2 of 3." in reply.text


def test_next_mid_count_on_the_last_block_finishes_once(voice, coach, clock):
    voice.launch()
    reply = voice.say("StartRoutineIntent", {"routine": ("quick release", "quick-release")})
    person = pid(coach, voice)
    view = coach.current(person)
    last = len(plan_for(view.routine, coach.catalogue, view.state.pace)) - 1
    while coach.current(person).state.block_index < last - 1:
        reply = voice.say("NextIntent")  # listening: each "next" comes after the reply
    voice.listen = False
    reply = voice.say("NextIntent")  # the last block, counted
    assert coach.current(person).state.block_index == last
    assert "Say next to finish" in reply.text
    assert coach.current(person).state.phase == "holding"

    done = voice.say("NextIntent")  # mid-count: the person is finished

    assert done.ends_session and not done.text.startswith(MOVING_ON)
    assert "complete" in done.text or "You've finished" in done.text
    view = coach.current(person)
    assert (view.state.phase, view.state.outcome) == ("done", "completed")
    assert [(h.routine_id, h.outcome) for h in coach.history(person)] == [("quick-release", "completed")]
    voice.say("NextIntent")
    voice.say("YesIntent")
    assert len(coach.history(person)) == 1


def test_next_after_a_split_count_still_continues_the_set(voice, coach, monkeypatch):
    """ "Say next to keep going" after a count too long for one reply: "next" carries on counting."""
    monkeypatch.setattr(flow, "RESPONSE_BUDGET_SECONDS", 75.0)
    first = start(voice, "core-strength", "core strength")
    stopped_after = int(re.search(r"That's rep (\d+) of 10\. Say next to keep going", first.text).group(1))
    reply = voice.say("NextIntent")
    assert not reply.text.startswith(MOVING_ON)
    assert re.search(rf"[Rr]ep {stopped_after + 1} of 10\b", reply.text.split(" 1 ")[0])
    assert coach.current(pid(coach, voice)).position.exercise.id == "pelvic-floor-squeeze"
