"""Pace that keeps its word: slower and faster change this routine; keeping the pace for next time
is offered when the routine ends, and stored only on a yes."""

from __future__ import annotations

MORNING = {"routine": ("morning stretch", "morning-stretch")}


def pid(coach, voice):
    return coach.person_for_device("alexa", voice.user_id).id


def slowed_and_finished(voice):
    voice.listen = False  # said over the count
    voice.say("StartRoutineIntent", MORNING)
    voice.say("SlowerIntent")
    asked = voice.say("FinishIntent")
    assert "finish" in asked.text.lower()
    return voice.say("YesIntent")


def test_yes_keeps_the_slower_pace_for_the_next_routine(voice, coach, clock):
    offer = slowed_and_finished(voice)
    assert "slowed the holds" in offer.text or "holds slower" in offer.text
    assert not offer.ends_session and offer.reprompt
    assert coach.person(pid(coach, voice)).pace == 1.0  # nothing stored before the answer
    kept = voice.say("YesIntent")
    assert "next routine starts at this pace" in kept.text and kept.ends_session
    assert coach.person(pid(coach, voice)).pace == 1.25
    clock.advance(60)
    voice.say("StartRoutineIntent", MORNING, new_session=True)
    assert coach.current(pid(coach, voice)).state.pace == 1.25


def test_no_leaves_the_usual_pace(voice, coach, clock):
    slowed_and_finished(voice)
    reply = voice.say("NoIntent")
    assert "usual pace" in reply.text and reply.ends_session
    clock.advance(60)
    voice.say("StartRoutineIntent", MORNING, new_session=True)
    assert coach.current(pid(coach, voice)).state.pace == 1.0


def test_a_misheard_answer_asks_again_and_the_next_yes_answers_it(voice, coach):
    slowed_and_finished(voice)
    again = voice.say("FallbackIntent")
    assert "keep this pace for next time" in again.text
    assert coach.person(pid(coach, voice)).pace == 1.0
    voice.say("YesIntent")
    assert coach.person(pid(coach, voice)).pace == 1.25


def test_stop_instead_of_an_answer_stores_nothing(voice, coach):
    slowed_and_finished(voice)
    voice.say("StopIntent")
    assert coach.person(pid(coach, voice)).pace == 1.0


def test_a_routine_at_the_usual_pace_offers_nothing(voice):
    voice.listen = False
    voice.say("StartRoutineIntent", MORNING)
    voice.say("FinishIntent")
    done = voice.say("YesIntent")
    assert "pace" not in done.text.lower()


def test_the_after_check_in_comes_first_then_the_pace_offer(make_voice, coach):
    voice = make_voice(checkins=True)
    voice.listen = False
    voice.say("StartRoutineIntent", MORNING)
    voice.say("PainScoreIntent", {"score": "4"})  # the before check-in
    voice.say("SlowerIntent")
    while not coach.current(pid(coach, voice)).state.done:
        reply = voice.say("SkipExerciseIntent")
    assert coach.current(pid(coach, voice)).state.outcome == "completed"
    assert "How is your back now" in reply.text
    offer = voice.say("PainScoreIntent", {"score": "2"})
    assert offer.text.startswith(("Thanks", "Got it")) and "pace for next time" in offer.text
    voice.say("YesIntent")
    assert coach.person(pid(coach, voice)).pace == 1.25


def test_a_routine_led_to_its_end_asks_how_the_back_is_then_the_pace_as_its_last_words(make_voice, coach):
    voice = make_voice(checkins=True)  # listening: the clock runs as the speaker talks
    voice.say("StartRoutineIntent", MORNING)
    voice.say("PainScoreIntent", {"score": "4"})  # the before check-in; then the routine leads
    voice.say("SlowerIntent")
    for _ in range(12):
        reply = voice.say("NextIntent")  # "go on" wherever a response's audio budget ran out
        if "How is your back now" in reply.text:
            break
    assert reply.text.endswith("How is your back now, from zero to ten? Or say skip.")
    assert not reply.ends_session and "oodbye" not in reply.text and "see you next time" not in reply.text
    offer = voice.say("PainScoreIntent", {"score": "2"})
    run = coach.history(pid(coach, voice))[0]
    assert (run.outcome, run.pain_before, run.pain_after) == ("completed", 4, 2)
    assert "pace for next time" in offer.text
    voice.say("YesIntent")
    assert coach.person(pid(coach, voice)).pace == 1.25


def test_a_routine_led_to_its_end_at_another_pace_offers_to_keep_it_last(voice, coach):
    voice.say("StartRoutineIntent", MORNING)
    reply = voice.say("FasterIntent")  # led on from there, maybe to the routine's end
    for _ in range(12):
        if "for next time" in reply.text or reply.ends_session:
            break
        assert "pending" not in reply.attributes  # the question waits for the routine's last words
        reply = voice.say("NextIntent")
    assert reply.text.endswith("pace for next time?") and not reply.ends_session
    assert "oodbye" not in reply.text
    voice.say("NoIntent")
    assert coach.history(pid(coach, voice))[0].outcome == "completed"
    assert coach.person(pid(coach, voice)).pace == 1.0


def test_after_slower_the_steps_read_out_say_the_new_hold(voice):
    voice.listen = False
    voice.say("StartRoutineIntent", MORNING)
    assert "six seconds" not in voice.say("TellMeMoreIntent").text
    slower = voice.say("SlowerIntent")
    assert "Holds are now 6 seconds" in slower.text
    more = voice.say("TellMeMoreIntent")
    assert "Hold the tilt for six seconds" in more.text and "five seconds" not in more.text
    described = voice.say("DescribeExerciseIntent", {"exercise": ("knee to chest", "knee-to-chest")})
    assert "Hold for six seconds, then lower the leg" in described.text
    assert "Hold for 6 seconds" in described.text  # the amount, at the run's pace too
