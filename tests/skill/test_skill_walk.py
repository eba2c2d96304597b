"""A person who never looks at a screen can choose, follow and finish any routine by voice.

Since the voice leads the timeline, a whole routine takes a few short answers (see
test_skill_lead.py for the turn budget); here: what is heard, in order.
"""

from __future__ import annotations

import re

import pytest

from shared_content.catalogue import load_catalogue

ROUTINES = list(load_catalogue().routines)


def person_id(coach, voice):
    return coach.person_for_device("alexa", voice.user_id).id


def walk(voice, routine, limit=60):
    voice.launch()
    reply = voice.say("StartRoutineIntent", {"routine": (routine.name, routine.id)})
    replies = [reply]
    while not reply.ends_session and len(replies) < limit:
        reply = voice.say("NextIntent")
        replies.append(reply)
    return replies


@pytest.mark.parametrize("routine_id", ROUTINES)
def test_walk_a_routine_from_launch_to_finish(routine_id, voice, coach, catalogue):
    routine = catalogue.routine(routine_id)
    replies = walk(voice, routine)
    assert replies[-1].ends_session, "the routine never finished"
    assert "complete" in replies[-1].text or "finished" in replies[-1].text
    everything = " ".join(r.text for r in replies)
    assert "something went wrong" not in everything
    for exercise in routine.exercises(catalogue):
        assert exercise.name in everything
    coach.current(person_id(coach, voice))  # the first reader after the end records it
    history = coach.history(person_id(coach, voice))
    assert [(h.routine_id, h.outcome) for h in history] == [(routine_id, "completed")]
    voice.say("NextIntent")  # one more "next" after the end changes nothing and records nothing twice
    assert len(coach.history(person_id(coach, voice))) == 1


def test_every_set_and_rep_is_counted_in_order(voice, catalogue):
    tilt = catalogue.exercise("pelvic-tilt")
    first = walk(voice, catalogue.routine("morning-stretch"), limit=1)[0].text
    part = first.split("Next up")[0]
    assert part.count("Hold. 2 3 4 5 and release.") == tilt.sets * tilt.repetitions
    reps = [int(n) for n in re.findall(r"Rep (\d+) of 5", part)]
    assert reps == list(range(2, tilt.repetitions)) * tilt.sets  # the fifth is "Last one."
    assert [f"Set {n} of {tilt.sets}." in part for n in range(1, tilt.sets + 1)] == [True] * tilt.sets


def test_sides_are_announced_and_switched(voice, catalogue):
    text = " ".join(r.text for r in walk(voice, catalogue.routine("quick-release")))
    assert "Left side first." in text
    assert text.index("Left side first.") < text.index("Switch to the right side.")


def test_guidance_items_are_read_in_full(voice, catalogue):
    text = " ".join(r.text for r in walk(voice, catalogue.routine("desk-break")))
    sitting = catalogue.exercise("sitting-posture")
    assert sitting.name in text and sitting.steps[0] in text
    assert text.index(sitting.name) < text.index(catalogue.exercise("neutral-spine").name)
