""" "What's next?" names what comes after what is running now: during an introduction its first
block, during a rest the set it leads into, during a switch the other side, in a set the one after."""

from __future__ import annotations

import pytest

ROUTINE = "morning-stretch"  # pelvic tilt (3 sets), knee to chest (per side), then the bolster stretch


def run_until(coach, clock, person, predicate, limit=900):
    for _ in range(limit):
        view = coach.current(person)
        if predicate(view.position):
            return view.position
        clock.advance(1)
    raise AssertionError("never got there")


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (lambda p: p.kind == "intro" and p.exercise_index == 0, "set 1 of 3"),
        (lambda p: p.kind == "hold" and p.set_no == 1, "set 2 of 3"),
        (lambda p: p.kind == "rest" and p.set_no == 2, "set 2 of 3"),
        (lambda p: p.kind == "hold" and p.set_no == 3, "Knee to chest"),
        (lambda p: p.kind == "intro" and p.exercise_index == 1, "the left side"),
        (lambda p: p.kind == "switch_sides" and p.exercise_index == 1, "the right side"),
        (lambda p: p.kind == "hold" and p.exercise_index == 1 and p.side == "left", "the right side"),
    ],
    ids=["first-intro", "set-1", "rest-before-set-2", "last-set", "per-side-intro", "switch", "left-side"],
)
def test_whats_next_names_what_comes_after_now(voice, coach, clock, where, expected) -> None:
    person = coach.person_for_device("alexa", voice.user_id).id
    coach.command(person, "start", routine_id=ROUTINE, source="voice", safety_acknowledged=True)
    run_until(coach, clock, person, where)
    reply = voice.say("WhatsNextIntent")
    first = reply.text.split(". ")[0]
    assert first in (f"Next up: {expected}", f"After this comes {expected}"), reply.text  # next.is variants
