"""The voice's count and the engine's rep timeline stay together: what the person hears as
rep k is rep k for the engine (and so for the phone, a pause, and a later "continue")."""

from __future__ import annotations

import re

import pytest

from skill.handlers.flow import SPEECH_START_DELAY
from skill.speech.ssml import estimate_seconds

# the "1" that opens a counted hold: "1 <break/> 2 ..."
COUNT_START = re.compile(r'(?<![\w"])1(?= <break time="\d+ms"/> 2\b)')
TOLERANCE = 0.25  # seconds between the voice's "1" and the engine's rep start


def pid(coach, voice):
    return coach.person_for_device("alexa", voice.user_id).id


def count_starts(reply) -> list[float]:
    """Seconds from the reply's first word to the "1" of each hold it counts."""
    return [estimate_seconds(reply.ssml[: m.start()], tail=False) for m in COUNT_START.finditer(reply.ssml)]


def first_counted_rep(reply) -> int:
    """The rep the reply's first count is: "We're on rep 3 of 10. ... 1 2 3" -> 3; from the start -> 1."""
    before = reply.ssml[: COUNT_START.search(reply.ssml).start()]
    reps = re.findall(r"[Rr]ep (\d+) of \d+", before)
    return int(reps[-1]) if reps else 1


def engine_rep_start(view, rep: int) -> float:
    p = view.position
    return view.state.phase_started_at + (rep - 1) * (p.hold_seconds + p.exercise.rep_gap_seconds)


def heard_starts(reply, asked_at: float) -> dict[int, float]:
    """When the person hears each counted rep begin: {rep number: clock time of its "1"}."""
    first = first_counted_rep(reply)
    return {first + i: asked_at + SPEECH_START_DELAY + s for i, s in enumerate(count_starts(reply))}


def assert_count_matches_engine(coach, person, reply, asked_at: float) -> list[float]:
    """Every hold the reply counts starts when the engine's rep of the same number starts.
    Returns the absolute start time of each counted rep."""
    view = coach.current(person)
    first = first_counted_rep(reply)
    starts = list(heard_starts(reply, asked_at).values())
    assert starts, reply.text
    for i, heard in enumerate(starts):
        assert engine_rep_start(view, first + i) == pytest.approx(heard, abs=TOLERANCE), (
            f"rep {first + i}: voice and engine disagree ({reply.text[:160]})"
        )
    return starts


def start_core_strength_at_rep_2(voice, coach, clock) -> int:
    """Core strength opens with 10 squeezes of 5 s (3 s apart); stop 2 s into rep 2."""
    voice.listen = False
    voice.launch()
    person = pid(coach, voice)
    asked = clock()
    started = voice.say("StartRoutineIntent", {"routine": ("core strength", "core-strength")})
    starts = assert_count_matches_engine(coach, person, started, asked)
    clock.now = starts[1] + 2.0
    p = coach.current(person).position
    assert (p.exercise.id, p.rep, p.in_rep_hold, p.hold_seconds) == ("pelvic-floor-squeeze", 2, True, 5)
    return person


@pytest.mark.parametrize("change,hold", [("SlowerIntent", 6), ("FasterIntent", 4)])
def test_a_pace_change_mid_hold_keeps_the_voice_on_the_engines_reps(change, hold, voice, coach, clock):
    person = start_core_strength_at_rep_2(voice, coach, clock)
    asked = clock()
    reply = voice.say(change)
    assert f"Holds are now {hold} seconds" in reply.text
    assert coach.current(person).position.hold_seconds == hold
    assert first_counted_rep(reply) == 2
    assert len(assert_count_matches_engine(coach, person, reply, asked)) >= 5


@pytest.mark.parametrize("into_rep", [0.5, 3.0, 5.5])
def test_slower_then_stop_mid_hold_then_continue_resumes_the_rep_in_progress(into_rep, voice, coach, clock):
    """Reviewer's report: "slower" in rep 2, "stop" during rep 3, relaunch, "continue" came
    back at rep 2. (The voice rewound the set with the old hold's cycle while the engine
    restarted it at the new pace, so the engine ran (rep - 1) s behind what was heard.)"""
    person = start_core_strength_at_rep_2(voice, coach, clock)
    asked = clock()
    slower = voice.say("SlowerIntent")
    clock.now = heard_starts(slower, asked)[3] + into_rep  # the person hears part of rep 3, then says stop
    stop = voice.say("StopIntent")
    assert stop.ends_session
    paused = coach.current(person)
    assert paused.position.paused and paused.position.rep == 3 and paused.position.in_rep_hold

    clock.advance(3600)
    offer = voice.launch()
    assert "Pelvic floor squeeze" in offer.text
    asked = clock()
    again = voice.say("YesIntent")
    assert first_counted_rep(again) == 3, again.text[:200]
    assert re.search(r"[Rr]ep 3 of 10\b", again.text)
    view = coach.current(person)
    assert not view.position.paused and view.position.hold_seconds == 6
    assert_count_matches_engine(coach, person, again, asked)


def test_continue_by_voice_after_the_phone_changed_pace_and_paused_mid_hold(voice, coach, clock):
    """The same drift from the other side: the phone says slower and pauses during rep 2;
    the voice's "continue" restarts the block at the new pace from rep 2, in step."""
    person = start_core_strength_at_rep_2(voice, coach, clock)
    version = coach.current(person).state.version
    assert coach.command(person, "slower", version, source="phone").applied
    assert coach.command(person, "pause", version + 1, source="phone").applied
    assert coach.current(person).position.hold_seconds == 5  # the running set keeps its hold
    clock.advance(120)
    voice.launch()
    asked = clock()
    again = voice.say("YesIntent")
    assert first_counted_rep(again) == 2
    assert coach.current(person).position.hold_seconds == 6
    assert_count_matches_engine(coach, person, again, asked)
