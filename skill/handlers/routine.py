"""In a session: next, previous, repeat, skip (exercise, set, side), finish, start over, pause, resume,
slower, faster, and "I don't have a foam roller"."""

from __future__ import annotations

from shared_content.engine import paced_hold, plan_for
from skill.interaction_model import equipment_id
from skill.speech.ssml import Timeline

from . import carry, flow
from .base import IntentHandler, slot


def active(view) -> bool:
    return view is not None and view.state.phase != "done"


class NextHandler(IntentHandler):
    intents = ("AMAZON.NextIntent",)

    def reply(self, turn):
        if ready_answers(turn.pending_in):  # "ready", "let's go" answer "shall we start/continue?"
            from .answers import answer_yes

            return answer_yes(turn)
        view, cont = turn.current(), turn.cont_in or {}
        if (
            active(view)
            and not view.position.paused
            and cont.get("v") == view.state.version
            and cont.get("block") == view.state.block_index
            and view.state.phase in ("holding", "resting")
        ):
            return flow.continue_split(turn, view)
        return flow.move_on(turn)


def ready_answers(pending: str | None) -> bool:
    """Questions that "ready" or "next" answer as yes: starting or continuing, not "shall I
    finish?" or "shall I unlink your phones?" (those want a real yes)."""
    return bool(pending) and (pending in ("continue", "choose") or pending.startswith("start:"))


class PreviousHandler(IntentHandler):
    intents = ("AMAZON.PreviousIntent",)

    def reply(self, turn):
        return flow.advance(turn, "previous", opening=turn.t("nav.previous"))


class RepeatHandler(IntentHandler):
    """Holding: the set again from rep 1. Instructions: read them again. Resting: say the rest again."""

    intents = ("AMAZON.RepeatIntent",)

    def reply(self, turn):
        view = turn.current()
        if active(view) and view.state.phase == "resting":
            return flow.present(turn, view)
        return flow.advance(turn, "repeat", opening=turn.t("nav.repeat"))


class SkipExerciseHandler(IntentHandler):
    """The rest of this exercise is left out ("next" only ends a set): the next exercise starts
    as any exercise does, instructions then the count; after the last one the routine is finished."""

    intents = ("SkipExerciseIntent",)

    def reply(self, turn):
        view = turn.current()
        if (answer := flow.not_running(turn, view)) is not None:
            return answer
        skipped = view.position.exercise
        outcome = turn.command("skip")
        if not outcome.applied:
            return flow.refused(turn, outcome, Timeline())
        view = outcome.view
        if view.state.phase == "done":
            tl = Timeline().say(turn.t("skip.last", exercise=skipped.name, routine=view.routine.name))
            return turn.tell(tl, view)
        return flow.present(turn, view, Timeline().say(turn.t("skip.done", exercise=skipped.name)))


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


# Until the engine has skip_set / skip_side, both end the current block the way "next" does
# (holding -> its rest -> the next side or set). Swap this table's values for the engine's commands.
ENGINE_SKIP = {"skip_set": "next", "skip_side": "next"}


def skip_part(turn, name: str):
    view = turn.current()
    if (answer := flow.not_running(turn, view)) is not None:
        return answer
    if ENGINE_SKIP[name] == "next":
        return flow.move_on(turn)
    return flow.advance(turn, ENGINE_SKIP[name], opening=turn.t("nav.next"))


class FinishHandler(IntentHandler):
    """ "Finish", "I'm done": at the end the routine is recorded completed; before it, asked first
    (pending "finish"), then recorded stopped."""

    intents = ("FinishIntent",)

    def reply(self, turn):
        view = turn.current()
        if (answer := flow.not_running(turn, view)) is not None:
            return answer
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
    if (answer := flow.not_running(turn, view)) is not None:
        return answer
    outcome = turn.command("finish", versioned=False)
    return flow.finished(turn, outcome.view or view, Timeline())


class MissingEquipmentHandler(IntentHandler):
    """ "I don't have a foam roller": the exercises that need it are left out of this session."""

    intents = ("MissingEquipmentIntent",)

    def reply(self, turn):
        said, item = slot(turn, "equipment")
        view = turn.current()
        if (answer := flow.not_running(turn, view)) is not None:
            return answer
        names = {equipment_id(n): n for ex in turn.catalogue.exercises.values() for n in ex.equipment}
        missing = [item] if item in names else list(names)  # "I don't have one": whatever is needed
        turn.lacks = sorted(set(turn.lacks) | set(missing))
        return carry.skip_if_lacking(turn, view, Timeline().say(turn.t("equipment.noted")))


class StartOverHandler(IntentHandler):
    intents = ("AMAZON.StartOverIntent",)

    def reply(self, turn):
        view = turn.current()
        if view is None:
            return flow.no_session(turn)
        return flow.advance(
            turn, "start_over", opening=turn.t("nav.start_over", routine=view.routine.name), allow_done=True
        )


class PauseHandler(IntentHandler):
    intents = ("AMAZON.PauseIntent",)

    def reply(self, turn):
        view = turn.current()
        if (answer := flow.not_running(turn, view)) is not None:
            return answer
        if not view.position.paused:
            view = turn.command("pause", versioned=False).view or view
        tl = Timeline().say(turn.t("pause.done", where=flow.where(turn, view.position)))
        return turn.ask(tl, turn.t("reprompt.paused"), view)


class ResumeHandler(IntentHandler):
    intents = ("AMAZON.ResumeIntent",)

    def reply(self, turn):
        view = turn.current()
        if (answer := flow.not_running(turn, view)) is not None:
            return answer
        return flow.carry_on(turn, view, Timeline().say(turn.t("resume.ok")))


class SlowerHandler(IntentHandler):
    intents = ("SlowerIntent",)

    def reply(self, turn):
        return change_pace(turn, "slower")


class FasterHandler(IntentHandler):
    intents = ("FasterIntent",)

    def reply(self, turn):
        return change_pace(turn, "faster")


def change_pace(turn, name: str):
    """Pace is kept per person by the Coach; say the hold length it gives, then carry on."""
    view = turn.current()
    if not active(view):
        tl = Timeline().say(turn.t("pace.no_session"))
        return turn.ask(tl, flow.prompt_for(turn, view), view)
    outcome = turn.command(name, versioned=False)
    view = outcome.view or view
    seconds = hold_for(turn, view)
    key = f"pace.{name}" if outcome.applied else f"pace.{name}_limit"
    tl = Timeline().say(turn.t(key if seconds else "pace.no_holds", seconds=seconds))
    return flow.present(turn, view, tl)


def hold_for(turn, view) -> int:
    """The hold of the current (or next timed) exercise at the session's pace."""
    exercises = view.routine.exercises(turn.catalogue)[view.position.exercise_index :]
    timed = [ex for ex in exercises if ex.kind == "timed"] or [
        ex for ex in view.routine.exercises(turn.catalogue) if ex.kind == "timed"
    ]
    return paced_hold(timed[0].hold_seconds, view.state.pace) if timed else 0
