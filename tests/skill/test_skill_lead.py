"""The voice leads: a routine runs hands-free, each response as long as Alexa allows.

What a person notices: no "say next" between sets or sides; one short word ("go on", "ready",
"next", "yes", "continue") carries on where the speaker fell silent; "wait for me" stops once
per exercise; and what they did on the phone meanwhile is the first thing the speaker says.
"""

from __future__ import annotations

import math

import pytest

from shared_content.catalogue import load_catalogue
from skill.speech import apla
from skill.speech.ssml import MAX_RESPONSE_AUDIO_SECONDS, MAX_SSML_CHARS, break_seconds

ROUTINES = list(load_catalogue().routines)
SHORT_ANSWERS = ["ResumeIntent", "NextIntent", "YesIntent"]  # "go on"/"continue", "ready"/"next", "yes"


def pid(coach, voice):
    return coach.person_for_device("alexa", voice.user_id).id


def start(voice, catalogue, routine_id):
    voice.launch()
    routine = catalogue.routine(routine_id)
    return voice.say("StartRoutineIntent", {"routine": (routine.name, routine.id)})


def within_limits(reply) -> None:
    assert len(reply.ssml) <= MAX_SSML_CHARS
    assert reply.seconds() <= MAX_RESPONSE_AUDIO_SECONDS
    assert all(b <= 10.0 for b in break_seconds(reply.ssml))


def lead_to_the_end(voice, first, answers=SHORT_ANSWERS, limit=60):
    replies = [first]
    while not replies[-1].ends_session and len(replies) < limit:
        replies.append(voice.say(answers[len(replies) % len(answers)]))
    return replies


@pytest.mark.parametrize("routine_id", ROUTINES)
def test_a_routine_runs_to_the_end_with_few_short_answers(routine_id, voice, coach, catalogue):
    first = start(voice, catalogue, routine_id)
    replies = lead_to_the_end(voice, first)
    assert replies[-1].ends_session, "the routine never finished"
    audio = sum(r.seconds() for r in replies)
    exercises = catalogue.routine(routine_id).exercises(catalogue)
    changes = sum(1 for a, b in zip(exercises, exercises[1:], strict=False) if a.position != b.position)
    assert len(replies) - 1 <= math.ceil(audio / 240) + changes
    for reply in replies:
        within_limits(reply)
    heard = " ".join(r.text for r in replies)
    assert "Say next" not in heard and "something went wrong" not in heard
    for ex in exercises:
        assert ex.name in heard
    coach.current(pid(coach, voice))  # the timeline ran out: the first reader records it
    assert [(h.routine_id, h.outcome) for h in coach.history(pid(coach, voice))] == [
        (routine_id, "completed")
    ]


def test_no_turn_between_sets_or_sides(voice, catalogue):
    first = start(voice, catalogue, "morning-stretch")
    tilt = catalogue.exercise("pelvic-tilt")
    assert first.text.count("and release.") >= tilt.sets * tilt.repetitions  # every set in the first answer
    assert "Set 2 of" in first.text and "Set 3 of" in first.text


def test_the_timeline_halts_where_the_speech_stops(voice, coach, clock, catalogue):
    first = start(voice, catalogue, "morning-stretch")
    data = coach.timeline(pid(coach, voice))
    assert data["barrier"] is not None or data["done"]
    assert data["voice_until"] == pytest.approx(
        clock() - first.seconds() - 1.0 + 0.3 + first.seconds(), abs=1.5
    )
    # after the response (and the person's second) the phone shows "waiting"
    view = coach.current(pid(coach, voice))
    assert view.position.waiting


def test_a_missed_window_is_recovered_with_continue_at_the_right_place(voice, coach, clock, catalogue):
    start(voice, catalogue, "morning-stretch")
    barrier = coach.timeline(pid(coach, voice))["barrier"]
    voice.end("EXCEEDED_MAX_REPROMPTS")
    clock.advance(300)  # the person walks away; the timeline stays halted
    assert coach.current(pid(coach, voice)).position.segment.index == barrier
    halted = coach.timeline(pid(coach, voice))["segments"][barrier]
    again = voice.say("ResumeIntent", new_session=True)  # "Alexa, ask psoas coach to continue"
    assert "something went wrong" not in again.text
    # it carries on exactly there: the halted segment (the next exercise's "next up" or its
    # introduction) is what is said first, and nothing already done is said again
    assert halted["kind"] in ("transition", "intro")
    after_opening = again.text.split(". ", 1)[1]
    assert after_opening.startswith((halted["exercise_name"], f"Next up: {halted['exercise_name']}"))
    assert catalogue.exercise("pelvic-tilt").name not in again.text


def test_wait_for_me_takes_one_turn_per_exercise(voice, coach, catalogue):
    voice.launch()
    coach.set_mode(pid(coach, voice), "wait")
    first = voice.say("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")})
    replies = lead_to_the_end(voice, first, answers=["NextIntent"])
    exercises = len(catalogue.routine("morning-stretch").exercise_ids)
    assert replies[-1].ends_session
    assert exercises <= len(replies) <= exercises + 2
    assert "Say next when you're ready" in replies[0].text


def test_phone_pause_mid_speech_is_said_first(voice, coach, clock, catalogue):
    first = start(voice, catalogue, "morning-stretch")
    person = pid(coach, voice)
    clock.advance(-first.seconds() / 2)  # the phone pauses while the speaker is still counting
    coach.command(person, "pause", source="phone")
    data = coach.timeline(person)
    assert data["voice_until"] > clock()
    assert data["last_command"] == {"source": "phone", "name": "pause"}
    reply = voice.say("ResumeIntent")
    assert reply.text.startswith("You paused on your phone.")


def test_phone_pain_is_never_answered_with_a_restart_offer(voice, coach, catalogue):
    start(voice, catalogue, "morning-stretch")
    coach.command(pid(coach, voice), "pain", source="phone")
    for intent in ("ResumeIntent", "NextIntent"):
        reply = voice.say(intent)
        assert "You told your phone it hurts" in reply.text
        assert "Would you like" not in reply.text and "start" not in reply.text.lower()
        assert voice.attributes.get("pending") is None


def test_apla_documents_place_every_line_and_stay_within_limits(voice, catalogue, monkeypatch):
    monkeypatch.setenv(apla.ENV_SWITCH, "apla")
    first = start(voice, catalogue, "morning-stretch")
    directives = [d for d in first.directives if d["type"] == apla.DIRECTIVE_TYPE]
    assert len(directives) == 1 and not first.ssml
    doc = directives[0]["document"]
    apla.validate_document(doc)
    offsets = [at for at, _ in apla.placements(doc)]
    assert offsets == sorted(offsets) and offsets[-1] > 60
