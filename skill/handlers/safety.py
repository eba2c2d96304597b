"""Pain: stop at once, give the safety advice, end the session. Nothing about it is logged."""

from __future__ import annotations

from ask_sdk_model import Response

from skill.speech.ssml import Timeline, escape

from .base import IntentHandler
from .turn import Turn


class PainHandler(IntentHandler):
    intents = ("PainIntent",)

    def reply(self, turn: Turn) -> Response:
        view = turn.current()
        if view is not None and view.state.phase != "done":
            # unversioned: whatever the phone did meanwhile, pain stops the session
            view = turn.command("pain", versioned=False).view or view
        # the catalogue's own safety notice, word for word, after the stop
        tl = (
            Timeline()
            .say(turn.t("pain.stop"))
            .say(turn.t("pain.advice"))
            .say(escape(turn.catalogue.safety.full))
        )
        return turn.tell(tl, view)
