"""The voice's count and the engine's timeline stay together: every line a led response says
starts (by the speaking-time model the SSML is built with) when the timeline's cue happens,
so when the speaker says "three" the phone shows 3, also after a pace change mid-hold."""

from __future__ import annotations

import re

import pytest

from skill.handlers.flow import SPEECH_START_DELAY
from skill.speech.ssml import estimate_seconds

COUNT = re.compile(r"(?<=[\s>])(\d+)(?=\s*<break)")


def pid(coach, voice):
    return coach.person_for_device("alexa", voice.user_id).id


def heard_counts(ssml: str, audio_start: float) -> list[tuple[int, float]]:
    """(n, clock time) of every count word "n" (n >= 2) the response says."""
    body = ssml[len("<speak>") :]
    out = []
    for m in COUNT.finditer(body):
        n = int(m.group(1))
        if n >= 2:
            out.append((n, audio_start + estimate_seconds(body[: m.start()], tail=False)))
    return out


def scheduled_counts(data: dict) -> list[tuple[int, float]]:
    keys = ("count", "countdown")  # "3, 2, 1" before a hold is said as numbers too
    return [(c["params"]["n"], c["at"]) for c in data["cues"] if c["key"] in keys and c["at"] is not None]


def check_on_timeline(reply, data, audio_start):
    heard = heard_counts(reply.ssml, audio_start)
    planned = scheduled_counts(data)
    assert heard, "the reply counts nothing"
    for n, at in heard:
        nearest = min(planned, key=lambda c: abs(c[1] - at))
        assert nearest[0] == n and abs(nearest[1] - at) < 0.05, (n, at, nearest)


@pytest.mark.parametrize("routine_id", ["morning-stretch", "core-strength", "quick-release"])
def test_every_count_word_lands_on_its_cue(routine_id, voice, coach, clock, catalogue):
    voice.listen = False
    voice.launch()
    before = clock()
    routine = catalogue.routine(routine_id)
    reply = voice.say("StartRoutineIntent", {"routine": (routine.name, routine.id)})
    check_on_timeline(reply, coach.timeline(pid(coach, voice)), before + SPEECH_START_DELAY)


@pytest.mark.parametrize("change", ["SlowerIntent", "FasterIntent"])
def test_a_pace_change_mid_hold_keeps_the_voice_on_the_timeline(change, voice, coach, clock, catalogue):
    voice.listen = False
    voice.launch()
    voice.say("StartRoutineIntent", {"routine": ("core strength", "core-strength")})
    data = coach.timeline(pid(coach, voice))
    first_hold = next(c["at"] for c in data["cues"] if c["key"] == "hold_start")
    clock.advance(first_hold - clock() + 2.0)  # 2 s into the first hold
    before = clock()
    reply = voice.say(change)
    check_on_timeline(reply, coach.timeline(pid(coach, voice)), before + SPEECH_START_DELAY)


def test_continue_after_the_phone_paused_mid_hold_rejoins_the_count(voice, coach, clock, catalogue):
    voice.listen = False
    voice.launch()
    voice.say("StartRoutineIntent", {"routine": ("core strength", "core-strength")})
    person = pid(coach, voice)
    data = coach.timeline(person)
    first_hold = next(c["at"] for c in data["cues"] if c["key"] == "hold_start")
    clock.advance(first_hold - clock() + 2.5)
    coach.command(person, "slower", source="phone")
    coach.command(person, "pause", source="phone")
    clock.advance(20)
    before = clock()
    reply = voice.say("ResumeIntent")
    assert reply.text.startswith("You paused on your phone.")
    check_on_timeline(reply, coach.timeline(person), before + SPEECH_START_DELAY)
