"""Every intent, at every phase of a session, answers sensibly: no error, valid SSML, a reprompt when open."""

from __future__ import annotations

import pytest
from voice_helpers import Voice

INTENTS = [
    ("AMAZON.NextIntent", None),
    ("AMAZON.PreviousIntent", None),
    ("AMAZON.RepeatIntent", None),
    ("AMAZON.PauseIntent", None),
    ("AMAZON.ResumeIntent", None),
    ("AMAZON.StartOverIntent", None),
    ("AMAZON.YesIntent", None),
    ("AMAZON.NoIntent", None),
    ("AMAZON.HelpIntent", None),
    ("AMAZON.StopIntent", None),
    ("AMAZON.CancelIntent", None),
    ("AMAZON.FallbackIntent", None),
    ("AMAZON.NavigateHomeIntent", None),
    ("SlowerIntent", None),
    ("FasterIntent", None),
    ("SkipExerciseIntent", None),
    ("HowMuchLongerIntent", None),
    ("ListRoutinesIntent", None),
    ("PainIntent", None),
    ("LinkPhoneIntent", None),
    ("UnlinkPhoneIntent", None),
    ("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")}),
    ("StartRoutineIntent", {"routine": "salsa class"}),
    ("StartRoutineIntent", {}),
    ("DescribeExerciseIntent", {"exercise": ("plank", "plank")}),
    ("DescribeExerciseIntent", {"exercise": "yodel"}),
    ("DescribeExerciseIntent", {}),
]
PHASES = [
    "none",
    "instructions",
    "guidance",
    "holding",
    "gap",
    "resting",
    "rest_over",
    "paused",
    "done",
    "pain",
]


def reach(phase: str, coach, clock, voice: Voice) -> None:
    """Put the person's session into `phase`, the way the phone would."""
    pid = coach.person_for_device("alexa", voice.user_id).id
    if phase == "none":
        return
    routine = "desk-break" if phase == "guidance" else "morning-stretch"
    coach.command(pid, "start", safety_acknowledged=True, routine_id=routine)
    if phase == "guidance":
        coach.command(pid, "skip")
        assert coach.current(pid).position.exercise.kind == "guidance"
        return
    if phase == "instructions":
        return
    coach.command(pid, "next")  # holding, rep 1
    if phase == "gap":
        clock.advance(6)  # the 3 s release after rep 1 of 5 s
    if phase in ("resting", "rest_over"):
        # the timeline runs on by itself: to the rest after set 1, or just past it (set 2 under way)
        while coach.current(pid).position.segment.kind != "rest":
            clock.advance(1)
        if phase == "rest_over":
            while coach.current(pid).position.segment.kind == "rest":
                clock.advance(1)
    if phase == "paused":
        coach.command(pid, "pause")
    if phase == "done":
        coach.command(pid, "finish")
    if phase == "pain":
        coach.command(pid, "pain")


@pytest.mark.parametrize("intent,slots", INTENTS, ids=lambda x: x if isinstance(x, str) else None)
def test_every_intent_at_every_phase(intent, slots, make_voice, coach, clock):
    for phase in PHASES:
        for new_session in (True, False):
            voice = make_voice(
                user_id=f"amzn1.ask.account.{intent}.{phase}.{new_session}", apl=phase == "holding"
            )
            reach(phase, coach, clock, voice)
            if not new_session:
                voice.launch()
            reply = voice.say(intent, slots, new_session=new_session)
            where = f"{intent} at {phase}"
            assert reply.ssml, where
            assert "something went wrong" not in reply.text, where
            assert reply.ends_session or reply.reprompt, where


@pytest.mark.parametrize("phase", PHASES)
def test_help_fits_the_moment(phase, make_voice, coach, clock):
    voice = make_voice(user_id=f"amzn1.ask.account.help.{phase}")
    reach(phase, coach, clock, voice)
    text = voice.say("HelpIntent").text
    expected = {
        "none": "Say list routines",
        "instructions": "Say next to begin",
        "guidance": "no timer",
        "holding": "counting your holds",
        "gap": "counting your holds",
        "resting": "resting between sets",
        "rest_over": "counting your holds",  # the rest ended by itself: set 2 is being counted
        "paused": "is paused",
        "done": "finished",
        "pain": "finished",
    }[phase]
    assert expected in text
