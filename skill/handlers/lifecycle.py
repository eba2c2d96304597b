"""The ends of a conversation: stop/cancel, home, session ended, skill disabled, and errors."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response, SessionEndedRequest

from shared_content.service import Coach
from skill.speech.phrases import phrases
from skill.speech.ssml import Timeline

from .base import IntentHandler
from .turn import Turn, alexa_user_id, request_type

log = logging.getLogger(__name__)
COACH_KEY = "coach"


class StopHandler(IntentHandler):
    """Stop and Cancel: a hold in progress is paused, so "continue" later repeats that rep."""

    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def reply(self, turn: Turn) -> Response:
        return stop(turn, "stop")


class NavigateHomeHandler(IntentHandler):
    intents = ("AMAZON.NavigateHomeIntent",)

    def reply(self, turn: Turn) -> Response:
        return stop(turn, "home")


def stop(turn: Turn, kind: str) -> Response:
    view = turn.current()
    if view is None or view.state.done:
        return turn.tell(Timeline().say(turn.t(f"{kind}.bye")), view)
    if not view.position.paused and not view.position.waiting:  # the timeline would run on unheard
        view = turn.command("pause", versioned=False).view or view
    return turn.tell(Timeline().say(turn.t(f"{kind}.saved")), view)


class SessionEndedHandler(AbstractRequestHandler):
    """Nothing to lose: every change is already stored. No speech is allowed here."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        error = request.error if isinstance(request, SessionEndedRequest) else None
        if error is not None:
            kind = error.object_type.value if error.object_type is not None else "unknown"
            log.warning("session ended with an error: %s", kind)
        return handler_input.response_builder.response


class SkillDisabledHandler(AbstractRequestHandler):
    """The person disabled the skill: delete what we stored for this Alexa user."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        coach: Coach = handler_input.attributes_manager.request_attributes[COACH_KEY]  # type: ignore[assignment]  # LoadPerson puts it there
        user_id = alexa_user_id(handler_input)
        if user_id:
            coach.forget_device("alexa", user_id)
        return handler_input.response_builder.response


class ErrorHandler(AbstractExceptionHandler):
    """Anything unexpected: apologise and keep the session open. Logs the type only (no content)."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        kind = request_type(handler_input)
        log.error(
            "skill error on %s: %s",
            kind or "?",
            type(exception).__name__,
            exc_info=(type(exception), exception, exception.__traceback__),
        )
        if kind == "SessionEndedRequest" or kind.startswith("AlexaSkillEvent"):  # no speech allowed
            return handler_input.response_builder.response
        words = phrases(request.locale if request is not None else None)
        seed = (request.request_id if request is not None else None) or 0
        return (
            handler_input.response_builder.speak(words.say("error.generic", seed))
            .ask(words.say("reprompt.error", seed))
            .response
        )
