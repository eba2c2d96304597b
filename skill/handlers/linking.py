"""Linking a phone (a one-time code said as digits) and unlinking phones by voice.

The code is never logged and never stored in session attributes.
"""

from __future__ import annotations

from ask_sdk_model import Response

from shared_content.service import Device
from shared_content.vocabulary import PAIRING_CODE_DIGITS
from skill.speech.ssml import Raw, Timeline

from . import flow
from .base import IntentHandler
from .turn import Turn


class LinkPhoneHandler(IntentHandler):
    intents = ("LinkPhoneIntent",)

    def reply(self, turn: Turn) -> Response:
        code = turn.coach.create_pairing_code(turn.person.id)
        digits = Raw(f'<say-as interpret-as="digits">{int(code):0{PAIRING_CODE_DIGITS}d}</say-as>')
        view = turn.current()
        tl = Timeline().say(turn.t("link.code", code=digits)).say(flow.prompt_for(turn, view))
        return turn.ask(tl, flow.prompt_for(turn, view), view)


class UnlinkPhoneHandler(IntentHandler):
    intents = ("UnlinkPhoneIntent",)

    def reply(self, turn: Turn) -> Response:
        count = len(phones(turn))
        view = turn.current()
        if count == 0:
            tl = Timeline().say(turn.t("unlink.none")).say(flow.prompt_for(turn, view))
            return turn.ask(tl, flow.prompt_for(turn, view), view)
        turn.pending = "unlink"
        tl = Timeline().say(
            turn.t("unlink.confirm_one" if count == 1 else "unlink.confirm_many", count=count)
        )
        return turn.ask(tl, turn.t("reprompt.unlink"), view)


def phones(turn: Turn) -> list[Device]:
    return [d for d in turn.coach.devices(turn.person.id) if d.kind == "phone"]


def unlink_phones(turn: Turn) -> Response:
    removed = sum(1 for d in phones(turn) if turn.coach.unlink(turn.person.id, d.id))
    view = turn.current()
    tl = Timeline().say(turn.t("unlink.done", count=removed)).say(flow.prompt_for(turn, view))
    return turn.ask(tl, flow.prompt_for(turn, view), view)
