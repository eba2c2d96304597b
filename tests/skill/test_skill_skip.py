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


def assert_next_exercise_started(reply, catalogue, skipped_id: str, exercise_id: str):
    """The voice leads on from the next exercise, read and counted like any exercise start, and
    nothing more of the skipped one is said (its remaining sets are left out)."""
    skipped, exercise = catalogue.exercise(skipped_id), catalogue.exercise(exercise_id)
    head, rest = reply.text.split(". ", 1)
    assert skipped.name in head  # "Skipping Pelvic tilt." / "OK, we'll leave Pelvic tilt for today."
    assert rest.startswith(exercise.name) and exercise.summary in rest
    assert skipped.name not in rest and skipped.summary not in rest
    if exercise.kind != "guidance":
        assert "Hold. 2 3 4 5 and release." in rest  # counted like any exercise
    assert "something went wrong" not in reply.text


def test_skip_while_holding_starts_the_next_exercise(voice, coach, catalogue):
    voice.listen = False
    voice.launch()
    voice.say("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")})
    person = pid(coach, voice)
    reply = voice.say(SKIP)
    assert reply.text.startswith(("Skipping Pelvic tilt.", "OK, we'll leave Pelvic tilt for today."))
    view = coach.current(person)
    assert view.position.exercise.id == "knee-to-chest"  # the phone shows where the voice is
    assert_next_exercise_started(reply, catalogue, "pelvic-tilt", "knee-to-chest")
    assert "Left side first." in reply.text
    assert reply.raw["sessionAttributes"]["v"] == view.state.version  # the voice knows what it said


def test_skip_while_resting_leaves_out_the_remaining_sets(voice, coach, clock, catalogue):
    person = start_by_phone(coach, voice, "morning-stretch")
    coach.command(person, "next", source="phone")  # pelvic tilt set 1 of 3
    clock.advance(40)  # the phone runs on: pelvic tilt set 2 of 3 is under way
    assert coach.current(person).position.exercise.id == "pelvic-tilt"
    reply = voice.say(SKIP)
    assert_next_exercise_started(reply, catalogue, "pelvic-tilt", "knee-to-chest")


def test_skip_at_the_instructions_goes_to_the_next_exercises_instructions(voice, coach, catalogue):
    person = start_by_phone(coach, voice, "morning-stretch")
    assert coach.current(person).state.phase == "instructions"
    reply = voice.say(SKIP)
    assert_next_exercise_started(reply, catalogue, "pelvic-tilt", "knee-to-chest")


def test_skip_a_guidance_item_reads_the_next_one(voice, coach, catalogue):
    person = start_by_phone(coach, voice, "desk-break")
    coach.command(person, "skip", source="phone")  # the squeeze -> sitting posture tips
    reply = voice.say(SKIP)
    assert_next_exercise_started(reply, catalogue, "sitting-posture", "neutral-spine")
    # the tips are read, then the voice leads on to the walk
    walk = catalogue.exercise("standing-walking").name
    assert reply.text.index(catalogue.exercise("neutral-spine").summary) < reply.text.index(walk)


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


def test_a_skip_the_phone_already_did_is_a_duplicate_and_skips_once(voice, coach, catalogue):
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
    knee = catalogue.exercise("knee-to-chest")
    assert (
        knee.summary in reply.text and "Hold. 2 3 4 5 and release." in reply.text
    )  # the voice joined and counts it
    assert reply.raw["sessionAttributes"]["v"] == view.state.version  # the voice knows what it said


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
