"""Pain: stop at once, then ask how bad (pain_flow.py grades it). Nothing about it is logged."""

from __future__ import annotations

from .base import IntentHandler
from .pain_flow import ask_score


class PainHandler(IntentHandler):
    intents = ("PainIntent",)

    def reply(self, turn):
        view = turn.current()
        if view is not None and view.state.phase != "done":
            # unversioned: whatever the phone did meanwhile, pain stops the session
            view = turn.command("pain", versioned=False).view or view
        return ask_score(turn, view)
