"""Answers to the question the skill just asked (session attribute `pending`): Yes, No, and what
happens when the answer is not understood.

Pending questions: "continue" (pick up last time's session?), "start:<routine id>" (start this
one?), "choose" (which routine?), "unlink" (unlink your phones?), "finish" (end the routine now?).
"Ready", "let's go" and "next" answer a yes/no question as yes (NextHandler calls `answer_yes`).
A misunderstood answer keeps the question: the fallback asks it again, offers the choices by name
the second time, and ends politely the third time. Without a pending question, "yes" in a session
means "carry on" (as after "Ready for set 2?").
"""

from __future__ import annotations

from ask_sdk_model import Response

from skill.speech.ssml import Raw, Timeline

from . import flow, info, launch, linking, privacy
from .base import IntentHandler
from .pace import KEEP_PACE
from .turn import Turn

MAX_MISSES = 2  # misunderstood answers before the way out; one more ends the conversation


class YesHandler(IntentHandler):
    intents = ("AMAZON.YesIntent",)

    def reply(self, turn: Turn) -> Response:
        return answer_yes(turn)


class NoHandler(IntentHandler):
    intents = ("AMAZON.NoIntent",)

    def reply(self, turn: Turn) -> Response:
        pending = turn.pending_in or ""
        if pending == "continue" or pending.startswith("start:"):
            return info.list_routines(turn, Timeline().say(turn.t("answer.no_routine")))
        view = turn.current()
        if pending == "choose" or (pending == "" and (view is None or view.state.phase == "done")):
            return turn.tell(Timeline().say(turn.t("answer.no_choice")), view)
        if pending == "finish":
            return flow.present(turn, view, Timeline().say(turn.t("finish.kept")))
        if pending == launch.EQUIPMENT:  # "no, not yet": the routine keeps waiting
            turn.pending = pending
            return turn.ask(turn.t("equipment.take_your_time"), turn.t("reprompt.equipment"), view)
        key = {"unlink": "unlink.kept", "forget": "forget.kept"}.get(pending, "answer.no")
        tl = Timeline().say(turn.t(key)).say(flow.prompt_for(turn, view))
        return turn.ask(tl, flow.prompt_for(turn, view), view)


def answer_yes(turn):
    pending = turn.pending_in or ""
    if pending == "continue":
        return flow.carry_on(turn, turn.current(), Timeline().say(turn.t("launch.continuing")))
    if pending.startswith("start:") and pending[6:] in turn.catalogue.routines:
        return launch.start_routine(turn, turn.catalogue.routine(pending[6:]))
    if pending == "unlink":
        return linking.unlink_phones(turn)
    if pending == "forget":
        return privacy.forget_everything(turn)
    if pending == "finish":
        from .routine import finish_now  # the finish belongs with the session's commands

        return finish_now(turn)
    if pending == "choose":
        return launch.unknown_routine(turn, None)
    view = turn.current()
    if view is not None and view.state.phase != "done":
        return flow.move_on(turn)
    return flow.no_session(turn)


def question(turn, pending: str) -> str:
    """The pending question asked again, word for word as its reprompt."""
    if pending.startswith("start:") and pending[6:] in turn.catalogue.routines:
        return turn.t("reprompt.offer", routine=turn.catalogue.routine(pending[6:]).name)
    if pending.startswith(KEEP_PACE):
        return turn.t("reprompt.keep_pace")
    key = {
        "continue": "reprompt.continue",
        "unlink": "reprompt.unlink",
        "forget": "reprompt.forget",
        "finish": "reprompt.finish_confirm",
        launch.EQUIPMENT: "reprompt.equipment",
    }
    return turn.t(key.get(pending, "reprompt.choose"))


def choices(turn, pending: str) -> str:
    """The second miss: the answers said by name."""
    if pending == "choose" or pending.startswith("start:"):
        return turn.t("miss.routines", routines=Raw(launch.routine_names(turn)))
    return turn.t("miss.yes_no")


def misunderstood(turn):
    """A pending question survives a misunderstanding; after MAX_MISSES the way out."""
    pending, misses = turn.pending_in or "", turn.misses_in + 1
    view = turn.current()
    if misses > MAX_MISSES:
        return turn.tell(Timeline().say(turn.t("miss.goodbye")), view)
    turn.pending, turn.misses = pending, misses
    again = question(turn, pending)
    tl = (
        Timeline()
        .say(turn.t("fallback.sorry"))
        .say(choices(turn, pending) if misses == MAX_MISSES else again)
    )
    return turn.ask(tl, again, view)
