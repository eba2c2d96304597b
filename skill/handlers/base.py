"""Shared pieces for handlers: intent matching and slot reading."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import IntentRequest, Response
from ask_sdk_model.slu.entityresolution import StatusCode

from shared_content.service import SessionMoved

from .turn import Turn, turn_of


class IntentHandler(AbstractRequestHandler):
    """Handles the intents named in `intents`; subclasses implement `reply(turn)`."""

    intents: tuple[str, ...] = ()

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_intent_name(name)(handler_input) for name in self.intents)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        try:
            response = self.reply(turn)
            turn.flush()  # what the answer planned is written before it is sent (Turn.command)
            return response
        except SessionMoved:  # the phone moved the session while this answer was worked out
            return self.reply(turn.again())

    def reply(self, turn: Turn) -> Response:  # pragma: no cover - abstract
        raise NotImplementedError


class RequestTypeHandler(IntentHandler):
    request_type = ""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type(self.request_type)(handler_input)


def slot(turn: Turn, name: str) -> tuple[str | None, str | None]:
    """(what was said, resolved id) for a slot; the id only when entity resolution matched."""
    request = turn.request
    intent = request.intent if isinstance(request, IntentRequest) else None
    found = (intent.slots or {}).get(name) if intent is not None else None
    if found is None or not found.value:
        return None, None
    authorities = found.resolutions.resolutions_per_authority if found.resolutions else None
    for authority in authorities or []:
        matched = authority.status is not None and authority.status.code == StatusCode.ER_SUCCESS_MATCH
        if matched and authority.values and authority.values[0].value is not None:
            return found.value, authority.values[0].value.id
    return found.value, None
