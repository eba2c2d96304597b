"""Pain: stop at once, give the safety advice, end the session. Nothing about it is logged."""
from __future__ import annotations

from skill.speech.ssml import Timeline

from .base import IntentHandler


class PainHandler(IntentHandler):
    intents = ("PainIntent",)

    def reply(self, turn):
        view = turn.current()
        if view is not None and view.state.phase != "done":
            # unversioned: whatever the phone did meanwhile, pain stops the session
            view = turn.command("pain", versioned=False).view or view
        tl = Timeline().say(turn.t("pain.stop")).say(turn.t("pain.advice"))
        return turn.tell(tl, view)
