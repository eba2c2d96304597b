"""build_skill(coach): the Alexa skill object the endpoint, Lambda entry point and tests invoke."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import Response

from shared_content.service import Coach
from skill.handlers import ErrorHandler, request_handlers
from skill.handlers.lifecycle import COACH_KEY
from skill.handlers.turn import TURN_KEY, Turn, alexa_person_id, alexa_user_id, request_type

# Requests that must not create a person: the session is over, or the skill was disabled.
NO_PERSON_REQUESTS = ("SessionEndedRequest", "AlexaSkillEvent.SkillDisabled")


class LoadPerson(AbstractRequestInterceptor):
    """Finds (or creates) the person speaking (the recognised voice, else the Alexa account) and
    opens the request's Turn."""

    def __init__(self, coach: Coach):
        self.coach = coach

    def process(self, handler_input: HandlerInput) -> None:
        attrs = handler_input.attributes_manager.request_attributes
        attrs[COACH_KEY] = self.coach
        if request_type(handler_input) in NO_PERSON_REQUESTS:
            return
        user_id = alexa_user_id(handler_input)
        if not user_id:
            raise ValueError("the request names no Alexa user")
        person, session = self.coach.speaker_session(user_id, alexa_person_id(handler_input))
        attrs[TURN_KEY] = Turn(handler_input, self.coach, person, session=session)


class SavePerson(AbstractResponseInterceptor):
    """Stores what the next turn needs (spoken version, pending question, split count) in the session."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        turn = handler_input.attributes_manager.request_attributes.get(TURN_KEY)
        if isinstance(turn, Turn):  # absent for the requests that open no Turn (NO_PERSON_REQUESTS)
            turn.flush()  # IntentHandler writes its turn's plans; a handler of another kind may not
            turn.save()


def build_skill(coach: Coach, *, skill_id: str | None = None) -> CustomSkill:
    """The skill on this Coach. `skill_id` makes the SDK refuse other skills' requests (the
    endpoint also checks it); leave it None when the caller verifies the id itself."""
    sb = SkillBuilder()
    if skill_id:
        sb.skill_id = skill_id  # type: ignore[assignment]  # ask-sdk declares it as plain None
    for handler in request_handlers():
        sb.add_request_handler(handler)
    sb.add_exception_handler(ErrorHandler())
    sb.add_global_request_interceptor(LoadPerson(coach))
    sb.add_global_response_interceptor(SavePerson())
    return sb.create()
