"""Yes and No: answers to the question the skill just asked (session attribute `pending`).

Without a pending question, "yes" in a session means "carry on" (as after "Ready for set 2?").
"""

from __future__ import annotations

from ask_sdk_model import Response

from skill.speech.ssml import Timeline

from . import flow, info, launch, linking
from .base import IntentHandler
from .turn import Turn


class YesHandler(IntentHandler):
    intents = ("AMAZON.YesIntent",)

    def reply(self, turn: Turn) -> Response:
        pending = turn.pending_in or ""
        if pending == "continue":
            return flow.carry_on(turn, turn.current(), Timeline().say(turn.t("launch.continuing")))
        if pending.startswith("start:") and pending[6:] in turn.catalogue.routines:
            return launch.start_routine(turn, turn.catalogue.routine(pending[6:]))
        if pending == "unlink":
            return linking.unlink_phones(turn)
        view = turn.current()
        if view is not None and view.state.phase != "done":
            return flow.move_on(turn)
        return flow.no_session(turn)


class NoHandler(IntentHandler):
    intents = ("AMAZON.NoIntent",)

    def reply(self, turn: Turn) -> Response:
        pending = turn.pending_in or ""
        if pending == "continue" or pending.startswith("start:"):
            return info.list_routines(turn, Timeline().say(turn.t("answer.no_routine")))
        view = turn.current()
        key = "unlink.kept" if pending == "unlink" else "answer.no"
        tl = Timeline().say(turn.t(key)).say(flow.prompt_for(turn, view))
        return turn.ask(tl, flow.prompt_for(turn, view), view)
