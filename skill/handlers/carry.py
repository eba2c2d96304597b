"""What the voice says around the count, and how it carries on after an answer: the short cue for
an exercise done before, each caution once per session, equipment the person lacks, and
`keep_on` (after a question, a running count goes on from where the timeline is now).

Kept apart from flow.py, whose counting and leading the segment timeline will replace: these
build on flow's public pieces (present, holding, prompt_for, exercise_intro) only.
"""

from __future__ import annotations

import re
import zlib

from skill.interaction_model import equipment_id
from skill.speech.ssml import Timeline, escape

from . import flow


def intro_for(turn, ex) -> str:
    """The full steps the first time a person does an exercise; afterwards its short cue, and
    "tell me more" for the steps (TellMeMoreIntent)."""
    if not ex.cue or ex.id not in seen_before(turn):
        return flow.exercise_intro(turn, ex)
    return turn.t("exercise.cue", exercise=ex.name, cue=ex.cue)


def seen_before(turn) -> frozenset[str]:
    if turn.seen is None:
        turn.seen = turn.coach.exercises_done(turn.person.id)
    return turn.seen


_WORD = re.compile(r"[a-z']+")


def new_cautions(exercise) -> list[str]:
    """The cautions the steps have not already said (most of a caution's words in one step)."""
    steps = [set(_WORD.findall(step.lower())) for step in exercise.steps]
    out = []
    for caution in exercise.cautions:
        words = set(_WORD.findall(caution.lower()))
        if words and any(len(words & step) >= 0.7 * len(words) for step in steps):
            continue
        out.append(caution)
    return out


def cautions_once(turn, ex) -> str:
    """This exercise's own cautions, each said once per session (the same words are not repeated
    for the next exercise that shares them)."""
    out = []
    for caution in new_cautions(ex):
        key = zlib.crc32(caution.encode())
        if key not in turn.said:
            turn.said.append(key)
            out.append(escape(caution))
    return " ".join(out)


def lacking(turn, ex) -> list[str]:
    """The equipment this exercise needs that the person said they don't have."""
    return [n for n in ex.equipment if equipment_id(n) in turn.lacks]


def skip_if_lacking(turn, view, tl: Timeline, *, depth: int = 0):
    """Leave out the current exercise when it needs what the person lacks, then carry on."""
    if view is None or view.state.phase == "done":
        return flow.present(turn, view, tl)
    ex = view.position.exercise
    missing = lacking(turn, ex)
    if not missing or depth > len(view.routine.exercise_ids):
        return flow.present(turn, view, tl, depth=depth) if depth else keep_on(turn, view, tl)
    outcome = turn.command("skip", versioned=False)
    tl.say(turn.t("equipment.skipped", exercise=ex.name, equipment=missing[0]))
    return skip_if_lacking(turn, outcome.view or view, tl, depth=depth + 1)


def keep_on(turn, view, tl: Timeline):
    """After an answer that changes nothing: a running count goes on from where the timeline is
    now (the remaining reps of this hold are spoken again from position()); otherwise the prompt."""
    if view is not None and view.state.phase == "holding" and not view.position.paused:
        return flow.holding(turn, view, tl)
    tl.say(flow.prompt_for(turn, view))
    return turn.ask(tl, flow.prompt_for(turn, view), view)
