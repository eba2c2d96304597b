"""Who the person is, around the leading voice: the short cue for an exercise done before, each
caution once per session, equipment the person lacks, and `keep_on` (after a question, a running
routine goes on from where its timeline is now). flow.py leads; this module adapts what it says.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from functools import cached_property

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
    steps = [set(_WORD.findall(step.lower())) for step in exercise.steps_at()]
    out = []
    for caution in exercise.cautions:
        words = set(_WORD.findall(caution.lower()))
        if words and any(len(words & step) >= 0.7 * len(words) for step in steps):
            continue
        out.append(caution)
    return out


class SpokenExercise:
    """An exercise as the voice introduces it to this person (skill/speech/lead.py's ExerciseWords):
    the short cue instead of the full steps for one done before, its cautions once per session.
    Only an intro reads `steps`, so a caution is counted then, not when a "next up" merely names
    the exercise; and it is kept as said for the session only for the exercise under way, since
    a later one may never be heard (the person skips or asks before the speaker reaches it)."""

    def __init__(self, turn, ex, in_this_response: set[int], under_way: bool, view) -> None:
        self.turn, self.ex, self.in_this_response, self.under_way = turn, ex, in_this_response, under_way
        self.view = view  # the run: its steps say the hold at its pace
        self.name, self.hold_cue = ex.name, ex.hold_cue
        self.short = bool(ex.cue) and ex.id in seen_before(turn)
        self.summary = ex.cue if self.short else ex.summary

    @cached_property  # read several times while one intro is worded
    def steps(self) -> tuple[str, ...]:
        cautions = tuple(c for c in new_cautions(self.ex) if self._first_time(c))
        return cautions if self.short else (*cautions, *self.view.steps(self.ex))

    def _first_time(self, caution: str) -> bool:
        key = zlib.crc32(caution.encode())
        if key in self.turn.said or key in self.in_this_response:
            return False
        self.in_this_response.add(key)
        if self.under_way:
            self.turn.said.append(key)
        return True


def exercise_words(turn, under_way: str, view) -> Callable[[str], SpokenExercise]:
    """`under_way`: the id of the exercise the timeline is in as this response starts; `view`: the run."""
    in_this_response: set[int] = set()

    def words(exercise_id: str) -> SpokenExercise:
        ex = turn.catalogue.exercise(exercise_id)
        return SpokenExercise(turn, ex, in_this_response, exercise_id == under_way, view)

    return words


def lacking(turn, ex) -> list[str]:
    """The equipment this exercise needs that the person said they don't have."""
    return [n for n in ex.equipment if equipment_id(n) in turn.lacks]


def stop_before_lacking(turn, data: dict) -> int | None:
    """The voice leads ahead of the timeline: it must not read out an exercise left out for
    want of equipment. Its intro segment and all after it are blanked from `data` (the script
    halts there) and returned, so the barrier goes there and the next turn skips it."""
    for seg in data["segments"][int(data["current"]) + 1 :]:
        if seg["kind"] == "intro" and lacking(turn, turn.catalogue.exercise(seg["exercise_id"])):
            cut = int(seg["index"])
            data["segments"] = [dict(s, start=None) if s["index"] >= cut else s for s in data["segments"]]
            return cut
    return None


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
