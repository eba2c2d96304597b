"""In a session: next, previous, repeat, skip (exercise, set, side), finish, start over, pause, resume,
slower, faster, and "I don't have a foam roller"."""

from __future__ import annotations

from ask_sdk_model import Response

from shared_content.engine import plan_for
from shared_content.service import SessionView
from skill.interaction_model import equipment_id
from skill.speech.ssml import Timeline, estimate_seconds

from . import carry, flow, launch
from .base import IntentHandler, slot
from .turn import Turn


class NextHandler(IntentHandler):
    intents = ("AMAZON.NextIntent",)

    def reply(self, turn: Turn) -> Response:
        if ready_answers(turn.pending_in):  # "ready", "let's go" answer "shall we start/continue?"
            from .answers import answer_yes  # answers builds on the session's commands

            return answer_yes(turn)
        return flow.move_on(turn)


def ready_answers(pending: str | None) -> bool:
    """Questions that "ready" or "next" answer as yes: starting or continuing, not "shall I
    finish?" or "shall I unlink your phones?" (those want a real yes)."""
    return pending is not None and (pending in ("continue", "choose") or pending.startswith("start:"))


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
            return flow.wrap_up(turn, view, tl)
        return flow.present(turn, view, Timeline().say(opening))


class SkipSetHandler(IntentHandler):
    """ "Skip this set": the rest of this set (engine skip_set once the segment timeline lands)."""

    intents = ("SkipSetIntent",)

    def reply(self, turn):
        return skip_part(turn, "skip_set")


class SkipSideHandler(IntentHandler):
    """ "Skip this side": the rest of this side (engine skip_side once the segment timeline lands)."""

    intents = ("SkipSideIntent",)

    def reply(self, turn):
        return skip_part(turn, "skip_side")


def skip_part(turn: Turn, name: str) -> Response:
    """ "skip this set" / "skip this side": the engine's skip_set / skip_side."""
    view = turn.current()
    if not flow.active(view):
        return flow.not_running(turn, view)
    return flow.advance(turn, name, opening=turn.t("nav.next"))


class FinishHandler(IntentHandler):
    """ "Finish", "I'm done": at the end the routine is recorded completed; before it, asked first
    (pending "finish"), then recorded stopped."""

    intents = ("FinishIntent",)

    def reply(self, turn):
        view = turn.current()
        if not flow.active(view):
            return flow.not_running(turn, view)
        if at_the_end(turn, view):
            return finish_now(turn)
        turn.pending = "finish"
        tl = Timeline().say(turn.t("finish.confirm", where=flow.where(turn, view.position)))
        return turn.ask(tl, turn.t("reprompt.finish_confirm"), view)


def at_the_end(turn, view) -> bool:
    """On the routine's last block: finishing now completes it."""
    return view.state.block_index == len(plan_for(view.routine, turn.catalogue, view.state.pace)) - 1


def finish_now(turn):
    view = turn.current()
    if not flow.active(view):
        return flow.not_running(turn, view)
    outcome = turn.command("finish", versioned=False)
    return flow.finished(turn, outcome.view or view, Timeline())


class MissingEquipmentHandler(IntentHandler):
    """ "I don't have a foam roller": the exercises that need it are left out of this session."""

    intents = ("MissingEquipmentIntent",)

    def reply(self, turn):
        said, item = slot(turn, "equipment")
        view = turn.current()
        if not flow.active(view):
            return flow.not_running(turn, view)
        names = {equipment_id(n): n for ex in turn.catalogue.exercises.values() for n in ex.equipment}
        missing = [item] if item in names else list(names)  # "I don't have one": whatever is needed
        turn.lacks = sorted(set(turn.lacks) | set(missing))
        tl = Timeline().say(turn.t("equipment.noted"))
        if turn.pending_in == launch.EQUIPMENT and view.position.paused:  # still getting ready
            if launch.equipment_needed(turn, view.routine):
                return launch.wait_for_equipment(turn, view.routine, view, tl, key="equipment.still_needed")
            return flow.carry_on(turn, view, tl)  # nothing else to fetch: the routine starts
        return carry.skip_if_lacking(turn, view, tl)


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
    return view.hold_of(timed[0]) if timed else 0
