"""Equipment is named when the routine starts, and the routine waits for "ready": nobody is
counted into a foam roller release while still fetching the roller."""

from __future__ import annotations

import pytest

QUICK = {"routine": ("quick release", "quick-release")}  # needs a bolster pillow and a foam roller
CORE = {"routine": ("core strength", "core-strength")}  # needs nothing


@pytest.fixture
def voice(make_voice):
    return make_voice(has_equipment=False)  # hears "say ready when you have them" and answers it


def pid(coach, voice):
    return coach.person_for_device("alexa", voice.user_id).id


def test_the_routine_names_its_equipment_and_waits_for_ready(voice, coach, clock):
    asked = voice.say("StartRoutineIntent", QUICK)
    assert "you'll need a bolster pillow and a foam roller. Say ready when you have them" in asked.text
    assert "Say ready when you have them" in asked.text and not asked.ends_session
    assert asked.reprompt and "ready" in asked.reprompt
    view = coach.current(pid(coach, voice))
    assert view.position.paused and view.position.exercise_index == 0  # the phone shows it waiting
    clock.advance(90)  # fetching the pillow
    assert coach.current(pid(coach, voice)).position.step == 0
    led = voice.say("NextIntent")  # "ready"
    first = coach.catalogue.routine("quick-release").exercises(coach.catalogue)[0]
    assert first.name in led.text and not coach.current(pid(coach, voice)).position.paused


def test_a_routine_without_equipment_starts_at_once(voice, coach):
    reply = voice.say("StartRoutineIntent", CORE)
    assert "you'll need" not in reply.text and not coach.current(pid(coach, voice)).position.paused


def test_saying_what_you_lack_asks_only_for_the_rest_then_leaves_it_out(voice, coach):
    voice.say("StartRoutineIntent", QUICK)
    reply = voice.say("MissingEquipmentIntent", {"equipment": ("foam roller", "foam-roller")})
    assert "still need a bolster pillow" in reply.text and coach.current(pid(coach, voice)).position.paused
    said = [voice.say("YesIntent").text]  # "yes, got it"
    for _ in range(40):
        if coach.current(pid(coach, voice)).state.done:
            break
        said.append(voice.say("NextIntent").text)
    run = coach.history(pid(coach, voice))[0]
    assert "foam-roller-release" in run.details.exercises_skipped
    assert "bolster-psoas-stretch" in run.details.exercises_done
    assert any("Skipping Foam roller release, since it needs a foam roller" in t for t in said)


def test_lacking_everything_starts_the_routine_without_those_exercises(voice, coach):
    voice.say("StartRoutineIntent", QUICK)
    voice.say("MissingEquipmentIntent", {"equipment": ("foam roller", "foam-roller")})
    reply = voice.say("MissingEquipmentIntent", {"equipment": ("bolster", "bolster-pillow")})
    assert "Knee to chest" in reply.text and not coach.current(pid(coach, voice)).position.paused


def test_not_yet_and_a_misheard_answer_keep_waiting(voice, coach):
    voice.say("StartRoutineIntent", QUICK)
    wait = voice.say("NoIntent")
    assert "take your time" in wait.text.lower() and coach.current(pid(coach, voice)).position.paused
    again = voice.say("FallbackIntent")
    assert "Say ready when you're set" in again.text
    assert coach.current(pid(coach, voice)).position.paused
    voice.say("NextIntent")
    assert not coach.current(pid(coach, voice)).position.paused
