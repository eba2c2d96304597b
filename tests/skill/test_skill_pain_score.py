"""Graded pain by voice: "it hurts" stops the count, "how bad, zero to ten?", then pain.toml's advice,
word for word as the phone shows it; check-ins, their opt-out, the follow-up and the spoken screen."""

from __future__ import annotations

import pytest

from shared_content.pain import load_pain_guide
from skill.speech.ssml import escape

GUIDE = load_pain_guide()
ROUTINE = "morning-stretch"


def one_run_done(voice, coach) -> int:
    """The screen and the before check-in come from the second run on (checkins.gate)."""
    person = coach.person_for_device("alexa", voice.user_id).id
    coach.command(person, "start", routine_id=ROUTINE, source="voice", safety_acknowledged=True)
    coach.command(person, "finish", source="voice")
    return person


def hurt(voice, coach):
    person = coach.person_for_device("alexa", voice.user_id).id
    coach.answer_red_flag_screen(person, ())
    coach.set_checkins(person, False)
    voice.say("StartRoutineIntent", {"routine": "morning stretch"})
    reply = voice.say("PainIntent")
    assert coach.current(person).state.outcome == "pain"  # stopped before the question
    assert "How bad is it, from zero to ten?" in reply.text
    assert not reply.ends_session
    return person


@pytest.mark.parametrize("score", [0, 3, 4, 5, 6, 10])
def test_each_score_gets_its_bands_advice(voice, coach, score) -> None:
    person = hurt(voice, coach)
    reply = voice.say("PainScoreIntent", {"score": str(score)})
    assert GUIDE.band_for(score).advice in reply.text
    assert coach.pain_reports(person)[0].score == score
    assert reply.ends_session is (score >= 6)


def test_skip_gives_no_score_and_the_safety_notice(voice, coach) -> None:
    person = hurt(voice, coach)
    reply = voice.say("AMAZON.NextIntent")  # "skip"
    assert "no score" in reply.text
    assert reply.ends_session
    assert coach.pain_reports(person)[0].score is None


def test_a_number_off_the_scale_is_asked_again(voice, coach) -> None:
    hurt(voice, coach)
    reply = voice.say("PainScoreIntent", {"score": "42"})
    assert "number from zero to ten" in reply.text and not reply.ends_session
    assert voice.attributes.get("pending") == "painscore"


def test_the_phone_and_the_voice_give_the_same_red_flag_text(voice, coach) -> None:
    # The voice has no free-text slot: a red flag comes from the spoken screen's "yes".
    person = one_run_done(voice, coach)
    voice.say("StartRoutineIntent", {"routine": "morning stretch"})
    assert voice.attributes["pending"].startswith("screen:")
    reply = voice.say("AMAZON.YesIntent")
    assert GUIDE.red_flags.advice.format(flag=GUIDE.red_flags.any_flag) in reply.text
    assert reply.ends_session and coach.current(person).state.phase == "done"  # no new routine today
    assert coach.red_flag_screen(person)[0] is not None


def test_the_screen_once_then_the_before_check_in_then_the_routine(voice, coach) -> None:
    person = one_run_done(voice, coach)
    voice.say("StartRoutineIntent", {"routine": "morning stretch"})
    reply = voice.say("AMAZON.NoIntent")
    assert "how is your back right now" in reply.text
    reply = voice.say("PainScoreIntent", {"score": "4"})
    assert "Starting the" in reply.text
    assert coach.settings(person).pending_before == 4
    voice.say("AMAZON.StopIntent")
    voice.say("StartRoutineIntent", {"routine": "morning stretch"}, new_session=True)
    assert voice.attributes["pending"].startswith("checkin:before:")  # no second screen


def test_stop_asking_about_my_pain_turns_check_ins_off_on_both_sides(voice, coach) -> None:
    person = one_run_done(voice, coach)
    coach.answer_red_flag_screen(person, ())
    reply = voice.say("CheckinsOffIntent")
    assert "won't ask about your pain" in reply.text
    assert coach.settings(person).checkins_on is False
    reply = voice.say("StartRoutineIntent", {"routine": "morning stretch"})
    assert "Starting the" in reply.text  # straight in, no question


def test_next_launch_after_a_pain_stop_asks_and_worse_offers_a_gentler_routine(voice, coach) -> None:
    person = hurt(voice, coach)
    voice.say("PainScoreIntent", {"score": "3"})
    coach.set_checkins(person, True)
    reply = voice.launch()
    assert "How does it feel today" in reply.text
    reply = voice.say("PainScoreIntent", {"score": "6"})
    gentle = coach.gentler_routine()
    assert escape(gentle.name) in reply.ssml and "go gently" in reply.text
    assert voice.attributes["pending"] == f"start:{gentle.id}"
    assert "How does it feel" not in voice.launch().text  # asked once


def test_no_follow_up_when_check_ins_are_off(voice, coach) -> None:
    hurt(voice, coach)
    voice.say("PainScoreIntent", {"score": "3"})
    assert "How does it feel today" not in voice.launch().text
