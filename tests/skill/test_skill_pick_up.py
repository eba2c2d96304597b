"""After "it hurts" and a mild or moderate score, the voice offers to carry on, ease off or skip, and
leads on from there; after too much pain it offers nothing of the kind."""

from __future__ import annotations

import pytest

from skill import interaction_model as im
from skill.utterance_matcher import UtteranceMatcher

ROUTINE = "morning-stretch"


def hurt_and_score(voice, coach, clock, score: int) -> int:
    person = coach.person_for_device("alexa", voice.user_id).id
    coach.answer_red_flag_screen(person, ())
    coach.set_checkins(person, False)
    voice.listen = False  # the clock moves only as the test says, so each answer lands mid-routine
    voice.say("StartRoutineIntent", {"routine": "morning stretch"})
    clock.advance(45)
    voice.say("PainIntent")
    reply = voice.say("PainScoreIntent", {"score": str(score)})
    return person, reply


def test_mild_pain_offers_carry_on_and_it_picks_up_where_it_stopped_counting(voice, coach, clock) -> None:
    person, reply = hurt_and_score(voice, coach, clock, 2)
    assert "carry on to pick up where you stopped" in reply.text and not reply.ends_session
    hurt_in = coach.pain_reports(person)[0].exercise_id
    reply = voice.say("AMAZON.ResumeIntent")  # "carry on"
    view = coach.current(person)
    assert not view.state.done and view.position.exercise.id == hurt_in
    assert reply.text.startswith("OK, picking up where you stopped.")
    assert "Hold." in reply.text  # and it counts again
    assert [run.outcome for run in coach.history(person)] == ["pain"]


def test_moderate_pain_eases_off_on_yes_and_skips_on_skip(voice, coach, clock) -> None:
    person, reply = hurt_and_score(voice, coach, clock, 5)
    assert "ease off for shorter holds" in reply.text and "carry on" not in reply.text
    pace = coach.person(person).pace
    reply = voice.say("AMAZON.YesIntent")  # the first thing offered: ease off
    assert reply.text.startswith("OK, shorter holds from here.")
    assert coach.current(person).state.pace < pace

    clock.advance(20)
    voice.say("PainIntent")
    voice.say("PainScoreIntent", {"score": "4"})
    hurt_in = coach.current(person).position.exercise_index
    reply = voice.say("SkipExerciseIntent")
    assert reply.text.startswith("OK, moving on to the next exercise.")
    assert coach.current(person).position.exercise_index == hurt_in + 1


def test_too_much_pain_ends_with_the_safety_notice_and_no_offer(voice, coach, clock) -> None:
    person, reply = hurt_and_score(voice, coach, clock, 7)
    assert reply.ends_session and "carry on" not in reply.text.lower()
    stopped = coach.current(person).state
    reply = voice.say("AMAZON.ResumeIntent", new_session=True)
    assert coach.current(person).state.outcome == "pain" and coach.current(person).state == stopped


@pytest.fixture(scope="module")
def matcher():
    return UtteranceMatcher(im.build_model("en-US"))


@pytest.mark.parametrize("said", ["ease off", "take it easy", "make it easier"])
def test_ease_off_said_in_words_eases_off(voice, coach, clock, matcher, said) -> None:
    person, _ = hurt_and_score(voice, coach, clock, 3)
    pace = coach.person(person).pace
    heard = matcher.match(said)
    reply = voice.say(heard.intent, heard.slots or None)
    assert reply.text.startswith("OK, shorter holds from here.") and coach.current(person).state.pace < pace
