"""A person who never looks at a screen can choose, follow and finish any routine by voice."""

from __future__ import annotations

import re

import pytest

from shared_content.catalogue import load_catalogue
from skill.handlers import flow
from skill.speech.ssml import estimate_seconds

ROUTINES = list(load_catalogue().routines)


def person_id(coach, voice):
    return coach.person_for_device("alexa", voice.user_id).id


@pytest.mark.parametrize("routine_id", ROUTINES)
def test_walk_a_routine_from_launch_to_finish_saying_next(routine_id, voice, coach, catalogue):
    routine = catalogue.routine(routine_id)
    voice.launch()
    reply = voice.say("StartRoutineIntent", {"routine": (routine.name, routine.id)})
    heard = [reply.text]
    for _ in range(80):
        if reply.ends_session:
            break
        reply = voice.say("NextIntent")
        heard.append(reply.text)
    assert reply.ends_session, "the routine never finished"
    assert "complete" in reply.text or "finished" in reply.text
    everything = " ".join(heard)
    assert "something went wrong" not in everything
    for exercise in routine.exercises(catalogue):
        assert exercise.name in everything
        if exercise.kind == "timed":
            assert exercise.hold_cue in everything
    history = coach.history(person_id(coach, voice))
    assert [(h.routine_id, h.outcome) for h in history] == [(routine_id, "completed")]
    # one more "next" after the end changes nothing and records nothing twice
    voice.say("NextIntent")
    assert len(coach.history(person_id(coach, voice))) == 1


def test_every_set_and_rep_is_counted_in_order(voice, catalogue):
    voice.launch()
    first = voice.say("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")})
    tilt = catalogue.exercise("pelvic-tilt")
    assert "Ready? " in first.text and tilt.steps[0] in first.text
    sets_heard = [first.text]
    while len(sets_heard) < tilt.sets:
        sets_heard.append(voice.say("NextIntent").text)
    for set_no, text in enumerate(sets_heard, start=1):
        assert text.count(" 1 2 3 4 5 ") == tilt.repetitions
        reps = [int(n) for n in re.findall(r"[Rr]ep (\d+) of 5", text)]
        assert reps == list(range(2, tilt.repetitions + 1))
        if set_no > 1:
            assert f"Set {set_no} of {tilt.sets}." in text
        if set_no < tilt.sets:
            assert f"set {set_no + 1} of {tilt.sets}" in text  # the rest prompt says what comes next


def test_sides_are_announced_and_switched(voice):
    voice.launch()
    left = voice.say("StartRoutineIntent", {"routine": ("quick release", "quick-release")})
    assert "Left side first." in left.text and "right side" in left.text
    right = voice.say("NextIntent")
    assert "right side" in right.text.lower().split(".")[0] + right.text.lower().split(".")[1]


def test_the_voice_count_starts_when_the_stored_hold_starts(voice, coach, clock):
    """The phone shows the same countdown the voice counts: rep k starts at phase_started_at + k*(hold+gap)."""
    voice.listen = False
    voice.launch()
    requested_at = clock.now
    reply = voice.say("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")})
    view = coach.current(person_id(coach, voice))
    assert view.state.phase == "holding"
    ssml = reply.ssml
    # time at which each spoken "1" (first count of a rep) begins, by the speech estimate
    body = ssml[len("<speak>") :]
    starts = [
        estimate_seconds(body[: m.start()], tail=False)
        for m in re.finditer(r"(?<=[\s>])1(?=\s*<break)", body)
    ]
    ex = view.position.exercise
    cycle = view.position.hold_seconds + ex.rep_gap_seconds
    assert len(starts) == ex.repetitions
    for k, spoken in enumerate(starts):
        expected = view.state.phase_started_at + k * cycle
        assert abs(requested_at + flow.SPEECH_START_DELAY + spoken - expected) < 0.3, (k, spoken)


def test_guidance_items_are_read_and_next_moves_on(voice, catalogue):
    voice.launch()
    reply = voice.say("StartRoutineIntent", {"routine": ("desk break", "desk-break")})
    while not reply.text.startswith("Sitting posture"):
        reply = voice.say("NextIntent")
    sitting = catalogue.exercise("sitting-posture")
    assert all(step in reply.text for step in sitting.steps)
    assert "say next" in reply.text.lower() and not reply.ends_session
    assert catalogue.exercise("neutral-spine").name in voice.say("NextIntent").text


def test_a_set_too_long_for_one_response_continues_at_the_right_rep(voice, coach, monkeypatch):
    monkeypatch.setattr(flow, "RESPONSE_BUDGET_SECONDS", 75.0)
    voice.launch()
    first = voice.say("StartRoutineIntent", {"routine": ("core strength", "core-strength")})
    stopped_after = int(re.search(r"That's rep (\d+) of 10\. Say next to keep going", first.text).group(1))
    assert first.attributes["cont"]["rep"] == stopped_after + 1
    counted = first.text.count(" 1 2 3 4 5 ")
    second = voice.say("NextIntent")
    assert re.search(rf"[Rr]ep {stopped_after + 1} of 10\b", second.text.split(" 1 ")[0])
    counted += second.text.count(" 1 2 3 4 5 ")
    replies = [second]
    while counted < 10:
        replies.append(voice.say("NextIntent"))
        counted += replies[-1].text.count(" 1 2 3 4 5 ")
    assert counted == 10
    assert "Transverse abdominis" in replies[-1].text  # the squeeze is done: on to the next exercise
    view = coach.current(person_id(coach, voice))
    assert view.position.exercise.id == "pelvic-floor-squeeze" and view.state.phase in ("holding", "resting")
