"""In a session: next, previous, repeat, skip this exercise, start over, pause, resume, slower, faster."""

from __future__ import annotations

from ask_sdk_model import Response

from shared_content.engine import paced_hold
from shared_content.service import SessionView
from skill.speech.ssml import Timeline, estimate_seconds

from . import flow
from .base import IntentHandler
from .turn import Turn


class NextHandler(IntentHandler):
    intents = ("AMAZON.NextIntent",)

    def reply(self, turn: Turn) -> Response:
        return flow.move_on(turn)


class PreviousHandler(IntentHandler):
    intents = ("AMAZON.PreviousIntent",)

    def reply(self, turn: Turn) -> Response:
        return flow.advance(turn, "previous", opening=turn.t("nav.previous"))


class RepeatHandler(IntentHandler):
    """This step again from its start (the set from its get-ready; an exercise's instructions)."""

    intents = ("AMAZON.RepeatIntent",)

    def reply(self, turn: Turn) -> Response:
        return flow.advance(turn, "repeat", opening=turn.t("nav.repeat"))


class SkipExerciseHandler(IntentHandler):
    """The rest of this exercise is left out ("next" only ends a set): the next exercise starts
    as any exercise does, instructions then the count; after the last one the routine is finished."""

    intents = ("SkipExerciseIntent",)

    def reply(self, turn: Turn) -> Response:
        view = turn.current()
        if not flow.active(view):
            return flow.not_running(turn, view)
        skipped = view.position.exercise
        opening = turn.t("skip.done", exercise=skipped.name)
        outcome = turn.command("skip", at=flow.at_for(turn, estimate_seconds(opening, tail=False)))
        if not outcome.applied:
            return flow.refused(turn, outcome, Timeline())
        view = outcome.view or view
        if view.state.done:
            tl = Timeline().say(turn.t("skip.last", exercise=skipped.name, routine=view.routine.name))
            return turn.tell(tl, view)
        return flow.present(turn, view, Timeline().say(opening))


class StartOverHandler(IntentHandler):
    intents = ("AMAZON.StartOverIntent",)

    def reply(self, turn: Turn) -> Response:
        view = turn.current()
        if view is None:
            return flow.no_session(turn)
        return flow.advance(
            turn, "start_over", opening=turn.t("nav.start_over", routine=view.routine.name), allow_done=True
        )


class PauseHandler(IntentHandler):
    intents = ("AMAZON.PauseIntent",)

    def reply(self, turn: Turn) -> Response:
        view = turn.current()
        if not flow.active(view):
            return flow.not_running(turn, view)
        if not view.position.paused:
            view = turn.command("pause", versioned=False).view or view
        tl = Timeline().say(turn.t("pause.done", where=flow.where(turn, view.position)))
        return turn.ask(tl, turn.t("reprompt.paused"), view)


class ResumeHandler(IntentHandler):
    intents = ("AMAZON.ResumeIntent",)

    def reply(self, turn: Turn) -> Response:
        view = turn.current()
        if not flow.active(view):
            return flow.not_running(turn, view)
        return flow.carry_on(turn, view, Timeline().say(turn.t("resume.ok")))


class SlowerHandler(IntentHandler):
    intents = ("SlowerIntent",)

    def reply(self, turn: Turn) -> Response:
        return change_pace(turn, "slower")


class FasterHandler(IntentHandler):
    intents = ("FasterIntent",)

    def reply(self, turn: Turn) -> Response:
        return change_pace(turn, "faster")


def change_pace(turn: Turn, name: str) -> Response:
    """Pace is kept per person by the Coach; say the hold length it gives, then carry on."""
    view = turn.current()
    if not flow.active(view):
        tl = Timeline().say(turn.t("pace.no_session"))
        return turn.ask(tl, flow.prompt_for(turn, view), view)
    outcome = turn.command(name, versioned=False)
    view = outcome.view or view
    seconds = hold_for(turn, view)
    key = f"pace.{name}" if outcome.applied else f"pace.{name}_limit"
    tl = Timeline().say(turn.t(key if seconds else "pace.no_holds", seconds=seconds))
    return flow.present(turn, view, tl)


def hold_for(turn: Turn, view: SessionView) -> int:
    """The hold of the current (or next timed) exercise at the session's pace."""
    exercises = view.routine.exercises(turn.catalogue)[view.position.exercise_index :]
    timed = [ex for ex in exercises if ex.kind == "timed"] or [
        ex for ex in view.routine.exercises(turn.catalogue) if ex.kind == "timed"
    ]
    return paced_hold(timed[0].hold_seconds, view.state.pace) if timed else 0
