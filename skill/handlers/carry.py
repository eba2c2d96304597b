"""Who the person is, around the leading voice: the short cue for an exercise done before, each
caution once per session, equipment the person lacks, and `keep_on` (after a question, a running
routine goes on from where its timeline is now). flow.py leads; this module adapts what it says.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from skill.interaction_model import equipment_id
from skill.speech.ssml import Timeline

from . import flow


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


@dataclass(frozen=True)
class SpokenExercise:
    """An exercise as the voice introduces it to this person (skill/speech/lead.py's ExerciseWords):
    the short cue instead of the full steps for one done before, its cautions once per session."""

    name: str
    summary: str
    steps: tuple[str, ...]
    hold_cue: str


def exercise_words(turn) -> Callable[[str], SpokenExercise]:
    def words(exercise_id: str) -> SpokenExercise:
        ex = turn.catalogue.exercise(exercise_id)
        cautions = tuple(c for c in new_cautions(ex) if _first_time(turn, c))
        if ex.cue and ex.id in seen_before(turn):
            return SpokenExercise(ex.name, ex.cue, cautions, ex.hold_cue)
        return SpokenExercise(ex.name, ex.summary, (*cautions, *ex.steps), ex.hold_cue)

    return words


def _first_time(turn, caution: str) -> bool:
    key = zlib.crc32(caution.encode())
    if key in turn.said:
        return False
    turn.said.append(key)
    return True


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
    """After an answer that changes nothing: a running routine goes on leading from where its
    timeline is now (no "resume" needed); otherwise the prompt."""
    if flow.active(view) and not view.position.paused:
        return flow.present(turn, view, tl)
    tl.say(flow.prompt_for(turn, view))
    return turn.ask(tl, flow.prompt_for(turn, view), view)
