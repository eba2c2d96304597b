"""The Echo Show's figure follows the timeline: the session document's onMount switches the pose at
the engine's cue times for the audio that response carries (into the hold on the countdown's "1",
back to the start pose on the release), validated by the APL rules."""

from __future__ import annotations

import copy

from apl_rules import document_problems

from shared_content.catalogue import load_catalogue
from shared_content.engine import Cue, cues, start
from shared_content.figures import load_figures
from skill import apl_figures

CATALOGUE = load_catalogue()
NOW = 1_800_000_000.0


def schedule_for(routine_id: str, at: float):
    routine = CATALOGUE.routine(routine_id)
    state = start(routine, CATALOGUE, NOW)
    upcoming = cues(state, routine, CATALOGUE, at, at + 240)
    figure = load_figures()[routine.exercise_ids[0]]
    return upcoming, apl_figures.pose_schedule(figure, upcoming, at, None)


def test_the_pose_changes_at_the_countdowns_last_second_and_on_each_release():
    upcoming, schedule = schedule_for("morning-stretch", NOW)
    first = next(c for c in upcoming if c.key == "next_up")
    holds = [c.at - NOW for c in upcoming if c.key == "hold_start" and c.at < first.at]
    releases = [c.at - NOW for c in upcoming if c.key == "release" and c.at <= first.at]
    into = [t for t, pose in schedule if pose == "hold"]
    back = [t for t, pose in schedule if pose == "start"]
    assert len(into) == len(holds) and len(back) == len(releases) and holds
    # Every hold is shown from at most a second before it starts until its release.
    for hold, shown in zip(holds, into, strict=True):
        assert 0 <= hold - shown <= 1.0
    assert back == releases
    assert all(t <= first.at - NOW for t, _ in schedule), "nothing after the exercise leaves the screen"


def test_the_commands_carry_the_schedule_as_gaps_in_one_sequential_on_its_own_sequencer():
    _, schedule = schedule_for("morning-stretch", NOW)
    [sequential] = apl_figures.pose_commands(schedule)
    assert sequential["type"] == "Sequential" and sequential["sequencer"] == apl_figures.POSE_SEQUENCER
    steps = sequential["commands"]
    elapsed = 0
    for (offset, pose), command in zip(schedule, steps, strict=True):
        elapsed += command["delay"]
        assert abs(elapsed - offset * 1000) <= 1 and command["value"] == pose
        assert command["componentId"] == apl_figures.FIGURE_COMPONENT
    assert apl_figures.pose_commands([]) == []


def test_twists_alternate_left_and_right_by_rep():
    figure = load_figures()["bicycle-crunches"]
    cues_ = [
        Cue(NOW + 5, "hold_start", {"rep": 1}),
        Cue(NOW + 8, "release", {"rep": 1}),
        Cue(NOW + 11, "hold_start", {"rep": 2}),
        Cue(NOW + 14, "release", {"rep": 2}),
    ]
    assert apl_figures.pose_schedule(figure, cues_, NOW, None) == [
        (5, "left"), (8, "start"), (11, "right"), (14, "start"),
    ]  # fmt: skip


def test_a_screen_device_gets_a_valid_timed_document(make_voice):
    voice = make_voice(user_id="amzn1.ask.account.figure-timing", apl=True)
    voice.launch()
    reply = voice.say("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")})
    [directive] = [d for d in reply.directives if d.get("type") == "Alexa.Presentation.APL.RenderDocument"]
    document = directive["document"]
    assert document_problems(document) == []
    timed = [c for c in document["onMount"] if c.get("sequencer") == apl_figures.POSE_SEQUENCER]
    assert timed and {c["value"] for c in timed[0]["commands"]} <= {"start", "hold"}
    assert any(c["type"] == "Countdown" for c in document["onMount"]), "the countdown still runs"
    # The rules catch a pose change aimed at the wrong place or with a fractional delay.
    broken = copy.deepcopy(document)
    broken["onMount"][0]["commands"][0].update(componentId="nowhere", delay=1.5)
    problems = document_problems(broken)
    assert any("nowhere" in p for p in problems) and any("delay" in p for p in problems)
