""" "Forget me" by voice: a yes/no confirmation (pending question "forget"), then everything
stored about the person is deleted, with every device linked to them (Coach.forget_person)."""

from __future__ import annotations

from ask_sdk_model import Response

from skill.speech.ssml import Timeline

from .base import IntentHandler
from .turn import Turn


class ForgetMeHandler(IntentHandler):
    intents = ("ForgetMeIntent",)

    def reply(self, turn: Turn) -> Response:
        turn.pending = "forget"
        return turn.ask(Timeline().say(turn.t("forget.confirm")), turn.t("reprompt.forget"), turn.current())


def forget_everything(turn: Turn) -> Response:
    """The person said yes: delete everything, and end the conversation (nothing is left to lead)."""
    turn.coach.forget_person(turn.person.id)
    return turn.tell(Timeline().say(turn.t("forget.done")))
