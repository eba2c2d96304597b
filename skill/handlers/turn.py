"""One request's context: who is speaking, in which locale, the Coach, session attributes.

Session attributes the skill keeps (small, no personal data):
  v        the session version the voice last spoke about; every command passes it as
           expected_version, so a phone that already advanced makes a voice "next" a duplicate
  pending  the yes/no question just asked: "continue", "start:<routine id>" or "unlink"
  cont     a block whose count did not fit in one response: {"v", "block", "rep"} (next rep to count)
  miss     how many turns in a row were not understood while a question was pending (the way out)
  lacks    equipment ids the person said they don't have: exercises needing them are skipped
  said     crc32s of the cautions already said in this session (each is said once)
"""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_model import Request, Response
from ask_sdk_model.interfaces.alexa.presentation.apla import RenderDocumentDirective
from ask_sdk_model.ui import SsmlOutputSpeech

from shared_content.service import Coach, CommandOutcome, Person, PlannedCommand, SessionView
from skill import apl
from skill.speech import apla
from skill.speech.lead import Script
from skill.speech.phrases import phrases, resolve_locale
from skill.speech.ssml import Timeline, estimate_seconds

log = logging.getLogger(__name__)

TURN_KEY = "turn"


class _Unread:
    """No session read yet in this turn (a session may also be None: the person has none)."""


UNREAD = _Unread()


class Turn:
    def __init__(
        self,
        handler_input: HandlerInput,
        coach: Coach,
        person: Person,
        *,
        session: SessionView | None | _Unread = UNREAD,
    ):
        self.hi = handler_input
        self.coach = coach
        self.person = person
        envelope = handler_input.request_envelope
        if envelope.request is None:  # the endpoint answers such an envelope with a 400 first
            raise ValueError("the envelope has no request")
        self.request: Request = envelope.request
        self.locale = resolve_locale(self.request.locale)
        self.phrases = phrases(self.locale)
        self.seed = self.request.request_id or "seed"
        self.attrs: dict[str, Any] = (
            handler_input.attributes_manager.session_attributes or {} if envelope.session is not None else {}
        )
        self.version: int | None = self.attrs.get("v")
        self.pending_in: str | None = self.attrs.get("pending")
        self.cont_in: dict[str, int] | None = self.attrs.get("cont")
        self.pending: str | None = None
        self.cont: dict[str, int] | None = None
        self.misses_in: int = int(self.attrs.get("miss", 0) or 0)
        self.misses: int | None = None
        self.said: list[int] = list(self.attrs.get("said", []))
        self.lacks: list[str] = list(self.attrs.get("lacks", []))
        self.seen: frozenset[str] | None = None  # exercises the person has done before (read once)
        self.now: float = coach.clock()
        self.catalogue = coach.catalogue
        self.apl = apl.supported(envelope)
        self.apla_audio = apla.enabled()  # led responses as APLA documents (skill/speech/apla.py)
        self.view: SessionView | None = None  # the session view the response speaks about, for APL and `v`
        # The session as read with the person (Coach.speaker_session): the first `current()` is
        # answered from it, unless this turn has changed the session since.
        self._read_with_person = session
        self.planned: list[PlannedCommand] = []  # commands planned, not yet written (`command`)
        self.may_plan = True

    # --- words -------------------------------------------------------------------------
    def t(self, key: str, *, seed: Any = None, **values: Any) -> str:
        return self.phrases.say(key, seed=self.seed if seed is None else f"{self.seed}:{seed}", **values)

    def longest(self, key: str, **values: Any) -> float:
        """Estimated seconds of the longest variant of a phrase (for budgeting a lead-in)."""
        return max(
            estimate_seconds(self.phrases.say(key, seed=i, **values), tail=False)
            for i in range(len(self.phrases.variants(key)) * 4)
        )

    # --- the session ---------------------------------------------------------------------
    def current(self) -> SessionView | None:
        self.flush()
        read, self._read_with_person = self._read_with_person, UNREAD
        return self.coach.current(self.person.id) if isinstance(read, _Unread) else read

    def command(
        self,
        name: str,
        *,
        at: float | None = None,
        routine_id: str | None = None,
        versioned: bool = True,
        safety_acknowledged: bool = False,
        segment: int | None = None,
        voice_until: float | None = None,
        based_on: SessionView | None = None,
        defer: bool = False,
    ) -> CommandOutcome:
        """A command from the voice on the version it last spoke about; `based_on`: a view this turn
        has just been given, applied without reading the session again (Coach.command).

        `defer`: a move along the timeline that this turn follows with another (the barrier where
        its speech stops) is planned on `based_on` and written with the next command that is not
        deferred, in one transaction (Coach.plan / commit); the handler's wrapper writes what is
        left. A command that cannot be planned writes what was planned first, then goes as usual."""
        self._read_with_person = UNREAD
        expected = self.version if versioned else None
        if (defer or self.planned) and self.may_plan and based_on is not None:
            plan = self.coach.plan(
                based_on, name, expected, at=at, source="voice", segment=segment, voice_until=voice_until
            )
            if plan is not None:
                self.planned.append(plan)
                if not defer:
                    self.flush()
                assert plan.outcome.view is not None  # a plan is an applied command
                self.version = plan.outcome.view.state.version
                return plan.outcome
        self.flush()
        outcome = self.coach.command(
            self.person.id,
            name,
            expected,
            routine_id=routine_id,
            at=at,
            source="voice",
            safety_acknowledged=safety_acknowledged,
            segment=segment,
            voice_until=voice_until,
            based_on=based_on,
        )
        if outcome.view is not None:
            self.version = outcome.view.state.version
        return outcome

    def flush(self) -> None:
        """Write the planned commands (one transaction); SessionMoved when the session changed
        since they were planned: nothing is written and the handler answers again (`again`)."""
        if self.planned:
            plans, self.planned = self.planned, []
            self.coach.commit(self.person.id, plans)

    def again(self) -> Turn:
        """A fresh turn for the same request, writing each command as it goes: the handler's
        second try after SessionMoved (what it had built is thrown away)."""
        self.hi.response_builder = ResponseFactory()
        turn = Turn(self.hi, self.coach, self.person)
        turn.may_plan = False
        self.hi.attributes_manager.request_attributes[TURN_KEY] = turn
        return turn

    # --- responses -----------------------------------------------------------------------
    def _speech(self, body: str | Timeline) -> str:
        return body.ssml() if isinstance(body, Timeline) else body

    def ask(self, body: str | Timeline, reprompt: str, view: SessionView | None = None) -> Response:
        rb = self.hi.response_builder.speak(self._speech(body)).ask(reprompt)
        return self._finish(rb, view)

    def tell(self, body: str | Timeline, view: SessionView | None = None) -> Response:
        rb = self.hi.response_builder.speak(self._speech(body)).set_should_end_session(True)
        return self._finish(rb, view)

    def ask_script(self, script: Script, reprompt: str, view: SessionView | None = None) -> Response:
        """A led response (skill/speech/lead.py): SSML, or an APLA document where configured."""
        return self._finish(self._script(script).ask(reprompt), view)

    def tell_script(self, script: Script, view: SessionView | None = None) -> Response:
        return self._finish(self._script(script).set_should_end_session(True), view)

    def _script(self, script: Script) -> ResponseFactory:
        rb = self.hi.response_builder
        if self.apla_audio:
            return rb.add_directive(RenderDocumentDirective(**apla.directive_fields(script)))
        return rb.speak(script.ssml())

    def _finish(self, rb: ResponseFactory, view: SessionView | None) -> Response:
        if view is not None:
            self.view = view
            self.version = view.state.version
        if self.apl:
            rb.add_directive(apl.render(self, self.view))
        return rb.response

    def save(self) -> None:
        """Write what the next turn needs into the session attributes (response interceptor)."""
        attrs = self.hi.attributes_manager.session_attributes if self.hi.request_envelope.session else None
        if attrs is None:
            return
        said = self.said or None
        for key, value in (
            ("v", self.version),
            ("pending", self.pending),
            ("cont", self.cont),
            ("miss", self.misses),
            ("said", said),
            ("lacks", self.lacks or None),
        ):
            if value is None:
                attrs.pop(key, None)
            else:
                attrs[key] = value


def alexa_user_id(handler_input: HandlerInput) -> str | None:
    """context.System.user.userId: who is speaking (every request from Alexa names them)."""
    context = handler_input.request_envelope.context
    user = context.system.user if context is not None and context.system is not None else None
    return user.user_id if user is not None else None


def alexa_person_id(handler_input: HandlerInput) -> str | None:
    """context.System.person.personId: the recognised voice on a shared speaker, when Alexa knows it."""
    context = handler_input.request_envelope.context
    person = context.system.person if context is not None and context.system is not None else None
    return person.person_id if person is not None else None


def request_type(handler_input: HandlerInput) -> str:
    request = handler_input.request_envelope.request
    return (request.object_type if request is not None else None) or ""


def turn_of(handler_input: HandlerInput) -> Turn:
    turn = handler_input.attributes_manager.request_attributes[TURN_KEY]
    if not isinstance(turn, Turn):
        raise TypeError("LoadPerson opens a Turn for every request an intent handler sees")
    return turn


def speech_of(response: Response) -> str:
    speech = response.output_speech
    return speech.ssml or "" if isinstance(speech, SsmlOutputSpeech) else ""
