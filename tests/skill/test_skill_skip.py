""" "Skip this exercise": the rest of the exercise is left out and the next one starts as usual
("next" only ends a set); after the last exercise the routine is finished."""

from __future__ import annotations

import pytest

from skill import interaction_model as im
from skill.utterance_matcher import UtteranceMatcher

SKIP = "SkipExerciseIntent"


def pid(coach, voice):
    return coach.person_for_device("alexa", voice.user_id).id


def start_by_phone(coach, voice, routine_id: str) -> int:
    person = pid(coach, voice)
    assert coach.command(
        person, "start", safety_acknowledged=True, routine_id=routine_id, source="phone"
    ).applied
    return person


def assert_next_exercise_started(reply, view, catalogue, exercise_id: str):
    """The next exercise is read and counted like any exercise start."""
    exercise = catalogue.exercise(exercise_id)
    assert view.position.exercise.id == exercise_id
    assert exercise.summary in reply.text and all(step in reply.text for step in exercise.steps)
    assert exercise.hold_cue in reply.text and " 1 2 3 " in reply.text
    assert view.state.phase in ("holding", "resting") and not reply.ends_session


def test_skip_while_holding_starts_the_next_exercise(voice, coach, catalogue):
    voice.listen = False
    voice.launch()
    voice.say("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")})
    person = pid(coach, voice)
    assert coach.current(person).state.phase == "holding"
    reply = voice.say(SKIP)
    assert reply.text.startswith(("Skipping Pelvic tilt.", "OK, we'll leave Pelvic tilt for today."))
    view = coach.current(person)
    assert_next_exercise_started(reply, view, catalogue, "knee-to-chest")
    assert "Left side first." in reply.text and view.position.side == "left"
    assert voice.attributes["v"] == view.state.version


def test_skip_while_resting_leaves_out_the_remaining_sets(voice, coach, clock, catalogue):
    person = start_by_phone(coach, voice, "morning-stretch")
    coach.command(person, "next", source="phone")  # pelvic tilt set 1 of 3
    clock.advance(40)  # 5 x 5 s + 4 x 3 s gaps, then resting
    assert coach.current(person).state.phase == "resting"
    reply = voice.say(SKIP)
    assert "Pelvic tilt" in reply.text.split(".")[0]
    assert_next_exercise_started(reply, coach.current(person), catalogue, "knee-to-chest")


def test_skip_at_the_instructions_goes_to_the_next_exercises_instructions(voice, coach, catalogue):
    person = start_by_phone(coach, voice, "morning-stretch")
    assert coach.current(person).state.phase == "instructions"
    reply = voice.say(SKIP)
    assert_next_exercise_started(reply, coach.current(person), catalogue, "knee-to-chest")
    assert catalogue.exercise("pelvic-tilt").summary not in reply.text


def test_skip_a_guidance_item_reads_the_next_one(voice, coach, catalogue):
    person = start_by_phone(coach, voice, "desk-break")
    coach.command(person, "skip", source="phone")  # the squeeze -> sitting posture tips
    reply = voice.say(SKIP)
    view = coach.current(person)
    assert view.position.exercise.id == "neutral-spine" and view.state.phase == "instructions"
    assert catalogue.exercise("neutral-spine").summary in reply.text
    assert f"say next for {catalogue.exercise('standing-walking').name}." in reply.text


def test_skipping_the_last_exercise_finishes_the_routine_once(voice, coach, catalogue):
    person = start_by_phone(coach, voice, "morning-stretch")
    coach.command(person, "skip", source="phone")
    coach.command(person, "skip", source="phone")
    coach.command(person, "next", source="phone")  # holding the last exercise
    voice.launch()
    reply = voice.say(SKIP)
    assert reply.ends_session
    last = catalogue.exercise("bolster-psoas-stretch").name
    assert reply.text.startswith(
        f"Skipping {last}. That was the last exercise, so the Morning stretch is finished."
    )
    view = coach.current(person)
    assert view.state.phase == "done" and view.state.outcome == "completed"
    assert [h.outcome for h in coach.history(person)] == ["completed"]
    again = voice.say(SKIP)  # nothing left to skip
    assert "already finished" in again.text
    assert [h.outcome for h in coach.history(person)] == ["completed"]


def test_a_skip_the_phone_already_did_is_a_duplicate_and_skips_once(voice, coach):
    voice.listen = False
    voice.launch()
    voice.say("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")})
    person = pid(coach, voice)
    spoken = voice.attributes["v"]
    assert coach.command(person, "skip", spoken, source="phone").applied  # phone: skip pelvic tilt
    reply = voice.say(SKIP)  # voice: the same skip
    assert "phone" in reply.text and "Skipping" not in reply.text
    view = coach.current(person)
    assert view.position.exercise.id == "knee-to-chest"  # skipped once, not twice
    assert view.state.phase == "holding"  # the voice joined and counts it
    assert voice.attributes["v"] == view.state.version


def test_skip_without_a_session_offers_a_routine(voice, coach):
    reply = voice.say(SKIP)
    assert "no routine in progress" in reply.text and not reply.ends_session
    assert coach.current(pid(coach, voice)) is None


def test_help_mentions_skipping_while_counting(voice, coach):
    voice.listen = False
    voice.launch()
    voice.say("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")})
    assert "skip this exercise" in voice.say("HelpIntent").text


@pytest.mark.parametrize("locale", im.LOCALES)
def test_the_model_sends_skip_phrases_to_skip_and_next_still_ends_a_set(locale):
    samples = im.samples_for(locale)
    for phrase in (
        "skip this exercise",
        "skip this one",
        "skip it",
        "move on to the next exercise",
        "I don't want to do this one",
    ):
        assert phrase in samples[SKIP]
    assert len(samples[SKIP]) >= 15
    assert not set(samples[SKIP]) & set(samples["AMAZON.NextIntent"])
    matcher = UtteranceMatcher(im.build_model(locale))
    assert matcher.match("skip this exercise").intent == SKIP
    assert matcher.match("I don't want to do this one please").intent == SKIP
    assert matcher.match("next").intent == "AMAZON.NextIntent"
