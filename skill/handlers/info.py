"""Questions that change nothing: list routines, describe an exercise, how much longer, help, fallback."""

from __future__ import annotations

import math

from ask_sdk_model import Response

from shared_content.catalogue import Exercise
from shared_content.service import SessionView
from skill.speech.ssml import Raw, Timeline, escape

from . import carry, flow, launch
from .base import IntentHandler, slot
from .turn import Turn


class ListRoutinesHandler(IntentHandler):
    intents = ("ListRoutinesIntent",)

    def reply(self, turn: Turn) -> Response:
        return list_routines(turn, Timeline())


class DescribeExerciseHandler(IntentHandler):
    intents = ("DescribeExerciseIntent",)

    def reply(self, turn: Turn) -> Response:
        spoken, resolved = slot(turn, "exercise")
        view = turn.current()
        exercise = find_exercise(turn, spoken, resolved, view)
        if exercise is None:
            return unknown_exercise(turn, spoken, view)
        tl = Timeline().say(flow.exercise_intro(turn, exercise, view)).say(amount(turn, exercise, view))
        tl.say(" ".join(escape(c) for c in new_cautions(exercise)))
        return carry.keep_on(turn, view, tl)


class HowMuchLongerHandler(IntentHandler):
    intents = ("HowMuchLongerIntent",)

    def reply(self, turn: Turn) -> Response:
        view = turn.current()
        if not flow.active(view):
            return flow.not_running(turn, view)
        tl = Timeline().say(
            turn.t("time.routine_left", time=Raw(flow.duration(turn, view.position.seconds_left_total)))
        )
        tl.say(phase_left(turn, view))
        return carry.keep_on(turn, view, tl)


class HelpHandler(IntentHandler):
    """Help that fits the moment: choosing, reading, holding, resting, paused or done."""

    intents = ("AMAZON.HelpIntent",)

    def reply(self, turn: Turn) -> Response:
        view = turn.current()
        tl = Timeline().say(turn.t(f"help.{flow.phase_key(view)}"))
        if turn.pending_in:  # help doesn't drop the question that was asked: ask it again
            from .answers import question

            turn.pending = turn.pending_in
            return turn.ask(tl.say(question(turn, turn.pending)), question(turn, turn.pending), view)
        return turn.ask(tl, flow.prompt_for(turn, view), view)


class FallbackHandler(IntentHandler):
    """Not understood: a pending question is asked again (answers.misunderstood); during a routine,
    a reminder that "it hurts" stops everything."""

    intents = ("AMAZON.FallbackIntent",)

    def reply(self, turn: Turn) -> Response:
        if turn.pending_in:
            from .answers import misunderstood

            return misunderstood(turn)
        view = turn.current()
        tl = Timeline().say(turn.t("fallback.sorry"))
        if view is not None and view.state.phase != "done":
            tl.say(turn.t("fallback.pain_reminder"))
        tl.say(flow.prompt_for(turn, view))
        return turn.ask(tl, flow.prompt_for(turn, view), view)


def list_routines(turn: Turn, tl: Timeline) -> Response:
    count = len(turn.catalogue.routines)
    tl.say(turn.t("list.routines", count=count, routines=Raw(launch.routine_names(turn, with_time=True))))
    turn.pending = "choose"
    return turn.ask(tl, turn.t("reprompt.choose"))


def find_exercise(
    turn: Turn, spoken: str | None, resolved: str | None, view: SessionView | None
) -> Exercise | None:
    if resolved:
        try:
            return turn.catalogue.exercise(resolved)
        except KeyError:
            pass
    if spoken:
        return turn.catalogue.find_exercise(spoken)
    if view is not None and view.state.phase != "done":
        return view.routine.exercise(turn.catalogue, view.position.exercise.id)  # with the run's sets
    return None


def unknown_exercise(turn: Turn, spoken: str | None, view: SessionView | None) -> Response:
    names = launch.join_list(turn, [escape(ex.name) for ex in turn.catalogue.exercises.values()])
    key = "describe.unknown" if spoken else "describe.which"
    tl = Timeline().say(turn.t(key, said=spoken or "", exercises=Raw(names)))
    return turn.ask(tl, turn.t("reprompt.describe"), view)


def amount(turn: Turn, exercise, view: SessionView | None = None) -> str:
    """ "Hold for 5 seconds, 3 times on each side, in 2 sets." / "Hold for 30 seconds, 2 times." / "..., once.".
    During a run the hold is the one at its pace."""
    if exercise.kind == "guidance":
        return ""
    reps, sets = exercise.repetitions, exercise.sets
    if reps == 1:  # one hold per set: the sets are just more holds
        reps, sets = sets, 1
    times = turn.t("describe.once") if reps == 1 else turn.t("describe.times", count=reps)
    if exercise.per_side:
        times = turn.t("describe.each_side", times=times)
    if sets > 1:
        times = turn.t("describe.in_sets", times=times, sets=sets)
    hold = exercise.hold_seconds if view is None else view.hold_of(exercise)
    return turn.t("describe.amount", seconds=hold, times=times)


new_cautions = carry.new_cautions


def phase_left(turn: Turn, view: SessionView) -> str:
    p = view.position
    left = math.ceil(p.seconds_left_in_phase or 0)
    time = Raw(flow.duration(turn, left))
    if p.paused:
        return turn.t("time.paused")
    if view.state.phase == "holding" and p.in_rep_hold:
        return turn.t("time.hold_left", time=time, rep=p.rep, reps=p.reps)
    if view.state.phase == "holding":
        lead_in = (
            p.phase_ends_at is not None
            and view.state.phase_started_at is not None
            and p.phase_ends_at <= view.state.phase_started_at + 1e-6
        )
        upcoming = p.rep if lead_in else min(p.rep + 1, p.reps)  # in a gap, p.rep is the rep just done
        return turn.t("time.gap_left", time=time, rep=upcoming, reps=p.reps)
    if view.state.phase == "resting" and left > 0:
        return turn.t("time.rest_left", time=time)
    return ""
