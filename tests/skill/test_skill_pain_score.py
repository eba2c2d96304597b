"""Graded pain by voice: "it hurts" stops the count, "how bad, zero to ten?", then pain.toml's advice,
word for word as the phone shows it; check-ins, their opt-out, the follow-up, and the once-only
spoken red-flag screen on a person's first run (skill/handlers/checkins.py)."""

from __future__ import annotations

import pytest

from shared_content.catalogue import load_catalogue
from shared_content.pain import load_pain_guide
from skill.handlers.checkins import notice_before_screen
from skill.speech.ssml import escape

GUIDE = load_pain_guide()
SAFETY = load_catalogue().safety
ROUTINE = "morning-stretch"
SCREEN = "One safety question before your first routine."
SIGNS = "numbness in the groin or saddle area"
BEFORE = "how is your back right now"
YES_ADVICE = GUIDE.red_flags.advice.format(flag=GUIDE.red_flags.any_flag)


@pytest.fixture
def new_person(make_voice):
    """A person as the skill first meets them: the screen not answered, check-ins on (the default)."""
    return make_voice(screened=False, checkins=True)


def person_of(voice, coach) -> int:
    return coach.person_for_device("alexa", voice.user_id).id


def leads_first_exercise(reply, catalogue, *, seen: bool = False) -> bool:
    """The routine started and the voice leads it: the first exercise's intro (its steps the first
    time, its short cue once seen), then the count."""
    first = catalogue.routine(ROUTINE).exercises(catalogue)[0]
    intro = first.cue if seen else first.steps[0]
    return all(w in reply.text for w in ("Starting the", first.name, intro, "Hold.", "and release"))


def one_run_done(voice, coach) -> int:
    """A first run by voice as a new person has it: the screen ("no"), the before check-in, the
    routine started, then finished."""
    voice.say("StartRoutineIntent", {"routine": "morning stretch"})
    assert voice.attributes["pending"].startswith("screen:")
    voice.say("AMAZON.NoIntent")
    if voice.attributes.get("pending", "").startswith("checkin:before:"):
        voice.say("PainScoreIntent", {"score": "3"})
    person = person_of(voice, coach)
    assert coach.current(person) is not None
    coach.command(person, "finish", source="phone")
    voice.end()
    return person


def hurt(voice, coach):
    person = person_of(voice, coach)
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


# --- the red-flag screen, on the first run -----------------------------------------------------


def test_the_notice_before_the_screen_leaves_out_only_its_warning_signs_sentence() -> None:
    kept = notice_before_screen(SAFETY)
    assert kept and SAFETY.full.startswith(kept)  # the notice's own words, in order
    left_out = SAFETY.full[len(kept) :].strip()
    assert "numbness" in left_out.lower() and "numbness" not in kept.lower()
    assert "not medical advice" in kept and "sharp pain" in kept  # the rest is said in full


def test_the_first_launch_says_the_safety_notice_then_asks_the_screen(new_person, coach) -> None:
    reply = new_person.launch()
    text = reply.text
    kept = notice_before_screen(SAFETY)
    assert kept in text and SCREEN in text and text.index(kept) < text.index(SCREEN)
    # nothing said twice: the question asks about the signs the notice's last sentence would name
    assert text.lower().count("numbness") == 1 and SAFETY.full not in text
    assert new_person.attributes["pending"] == "screen:" and not reply.ends_session
    assert coach.person_for_device("alexa", new_person.user_id).safety_heard  # said, so taken as heard
    assert coach.red_flag_screen(person_of(new_person, coach))[0] is None  # asked, not answered yet


def test_no_at_the_first_launch_stores_it_and_offers_a_routine(new_person, coach) -> None:
    new_person.launch()
    reply = new_person.say("AMAZON.NoIntent")
    person = person_of(new_person, coach)
    assert coach.red_flag_screen(person) == (pytest.approx(coach.clock(), abs=60), ())
    assert "Would you like to start the" in reply.text
    assert new_person.attributes["pending"].startswith("start:")


def test_a_first_start_says_the_notice_asks_the_screen_then_the_check_in_then_leads(
    new_person, coach, catalogue
) -> None:
    reply = new_person.say("StartRoutineIntent", {"routine": "morning stretch"})  # no launch first
    text = reply.text
    assert text.index(notice_before_screen(SAFETY)) < text.index(SCREEN)
    assert text.lower().count("numbness") == 1
    assert new_person.attributes["pending"] == f"screen:{ROUTINE}"
    person = person_of(new_person, coach)
    assert coach.current(person) is None  # nothing starts before the answer
    reply = new_person.say("AMAZON.NoIntent")
    assert BEFORE in reply.text and coach.current(person) is None
    reply = new_person.say("PainScoreIntent", {"score": "4"})
    assert leads_first_exercise(reply, catalogue), reply.text
    assert SAFETY.short in reply.text and "numbness" not in reply.text.lower()  # the notice once, in full
    assert coach.settings(person).pending_before == 4
    assert coach.red_flag_screen(person)[1] == ()


def test_no_with_check_ins_off_starts_the_routine_at_once(make_voice, coach, catalogue) -> None:
    voice = make_voice(screened=False, checkins=False)
    voice.launch()
    voice.say("StartRoutineIntent", {"routine": "morning stretch"})
    assert voice.attributes["pending"] == f"screen:{ROUTINE}"
    assert SCREEN in voice.history[-1].text  # the notice was heard at the launch: the question alone
    assert notice_before_screen(SAFETY) not in voice.history[-1].text
    reply = voice.say("AMAZON.NoIntent")
    assert "Thanks. Then let's begin." in reply.text and leads_first_exercise(reply, catalogue), reply.text
    assert coach.current(person_of(voice, coach)).routine.id == ROUTINE


def test_yes_gives_the_see_a_clinician_advice_and_no_routine(new_person, coach) -> None:
    # The phone and the voice give the same red-flag text (the voice has no free-text slot: a red
    # flag comes from the spoken screen's "yes").
    new_person.say("StartRoutineIntent", {"routine": "morning stretch"})
    reply = new_person.say("AMAZON.YesIntent")
    person = person_of(new_person, coach)
    assert YES_ADVICE in reply.text
    assert reply.ends_session and coach.current(person) is None  # no routine today
    answered_at, flags = coach.red_flag_screen(person)
    assert answered_at is not None and flags == tuple(f.id for f in GUIDE.red_flag)


def test_the_screen_is_asked_once(new_person, coach, catalogue) -> None:
    person = one_run_done(new_person, coach)
    reply = new_person.say("StartRoutineIntent", {"routine": "morning stretch"}, new_session=True)
    assert new_person.attributes["pending"] == f"checkin:before:{ROUTINE}"  # no second screen
    assert SCREEN not in reply.text and "safety question" not in reply.text
    coach.set_checkins(person, False)
    new_person.end()
    reply = new_person.say("StartRoutineIntent", {"routine": "morning stretch"}, new_session=True)
    assert leads_first_exercise(reply, catalogue, seen=True), reply.text  # straight in


@pytest.mark.parametrize(
    "unclear",
    [("AMAZON.FallbackIntent", None), ("AMAZON.NextIntent", None), ("PainScoreIntent", {"score": "5"})],
)
def test_an_unclear_answer_is_asked_again_once_then_nothing_starts(new_person, coach, unclear) -> None:
    new_person.say("StartRoutineIntent", {"routine": "morning stretch"})
    reply = new_person.say(*unclear)  # "skip", a number, words not understood
    assert "I need a yes or a no" in reply.text and SIGNS in reply.text and not reply.ends_session
    assert new_person.attributes["pending"] == f"screen:{ROUTINE}"
    reply = new_person.say(*unclear)
    person = person_of(new_person, coach)
    assert "won't start a routine today" in reply.text and reply.ends_session
    assert coach.current(person) is None
    assert coach.red_flag_screen(person) == (None, ())  # not answered: asked again at the next start
    reply = new_person.say("StartRoutineIntent", {"routine": "morning stretch"}, new_session=True)
    assert "One safety question" in reply.text and new_person.attributes["pending"] == f"screen:{ROUTINE}"


def test_a_clear_answer_after_an_unclear_one_is_taken(new_person, coach) -> None:
    new_person.say("StartRoutineIntent", {"routine": "morning stretch"})
    new_person.say("AMAZON.FallbackIntent")
    reply = new_person.say("AMAZON.NoIntent")
    assert BEFORE in reply.text
    assert coach.red_flag_screen(person_of(new_person, coach))[0] is not None


def test_ask_me_the_safety_questions_again(voice, coach) -> None:
    person = person_of(voice, coach)
    voice.launch()
    reply = voice.say("SafetyScreenIntent")
    assert "One safety question." in reply.text and SIGNS in reply.text
    assert "first routine" not in reply.text  # already answered once
    reply = voice.say("AMAZON.YesIntent")
    assert YES_ADVICE in reply.text and reply.ends_session
    assert coach.red_flag_screen(person)[1] == tuple(f.id for f in GUIDE.red_flag)  # the new answer stored
    voice.say("SafetyScreenIntent", new_session=True)
    reply = voice.say("AMAZON.NoIntent")
    assert coach.red_flag_screen(person)[1] == ()
    assert "Would you like to start the" in reply.text


def test_asked_again_mid_routine_the_count_pauses_and_yes_ends_it(voice, coach) -> None:
    person = person_of(voice, coach)
    voice.say("StartRoutineIntent", {"routine": "morning stretch"})
    voice.say("SafetyScreenIntent")
    assert coach.current(person).position.paused  # nothing counts on while the question is open
    reply = voice.say("AMAZON.YesIntent")
    assert YES_ADVICE in reply.text and reply.ends_session
    assert coach.current(person).state.done


def test_asked_again_mid_routine_no_offers_to_carry_on(voice, coach) -> None:
    person = person_of(voice, coach)
    voice.say("StartRoutineIntent", {"routine": "core strength"})  # long enough to carry on in
    voice.say("SafetyScreenIntent")
    reply = voice.say("AMAZON.NoIntent")
    assert "Shall we continue from there?" in reply.text
    reply = voice.say("AMAZON.YesIntent")
    assert not coach.current(person).position.paused and not reply.ends_session


def test_stop_asking_about_my_pain_turns_check_ins_off_on_both_sides(new_person, coach, catalogue) -> None:
    person = one_run_done(new_person, coach)
    reply = new_person.say("CheckinsOffIntent", new_session=True)
    assert "won't ask about your pain" in reply.text
    assert coach.settings(person).checkins_on is False
    reply = new_person.say("StartRoutineIntent", {"routine": "morning stretch"})
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
