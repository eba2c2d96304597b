"""Driving the real skill with real request envelopes, as Alexa would, against a real Coach.

`Voice` keeps the Alexa session (id and attributes) between turns like a device does, and by
default lets the fake clock run for as long as the reply takes to say (so the engine's
timeline moves as it would while the person listens), plus a second to answer.

Before the questions of a first run: by default (`screened=True`, `checkins=False`) the harness's
person has answered the once-only red-flag screen with "no" and turned the pain check-ins off,
through the real Coach, before the first request, so "start the morning stretch" starts the routine
at once, as it does for someone who has been through the screen. Tests about the screen or the
check-ins say `screened=False` and/or `checkins=True` and get a person as the skill first meets
them (`Voice(..., screened=False, checkins=True)` is a brand-new person). Likewise the person has
a routine's equipment at hand and says "ready" when the start asks for it (`has_equipment=False`
to hear the question and answer it yourself).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill import envelopes
from skill.speech.ssml import estimate_seconds, validate

SERIALIZER = DefaultSerializer()
REACTION_SECONDS = 1.0


def invoke(skill, envelope: dict) -> dict:
    request = SERIALIZER.deserialize(json.dumps(envelope), RequestEnvelope)
    response = skill.invoke(request_envelope=request, context=None)
    return SERIALIZER.serialize(response)


def plain(ssml: str) -> str:
    """The words of an SSML document, tags removed, whitespace collapsed."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", ssml or "")).strip())


@dataclass
class Reply:
    raw: dict
    envelope: dict

    @property
    def response(self) -> dict:
        return self.raw.get("response") or {}

    @property
    def ssml(self) -> str:
        return (self.response.get("outputSpeech") or {}).get("ssml", "")

    @property
    def text(self) -> str:
        return plain(self.ssml)

    @property
    def reprompt(self) -> str:
        return ((self.response.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml", "")

    @property
    def ends_session(self) -> bool:
        return bool(self.response.get("shouldEndSession"))

    @property
    def attributes(self) -> dict:
        return self.raw.get("sessionAttributes") or {}

    @property
    def directives(self) -> list[dict]:
        return self.response.get("directives") or []

    def seconds(self) -> float:
        return estimate_seconds(self.ssml) if self.ssml else 0.0

    def check(self) -> Reply:
        """Valid SSML within Alexa's limits, and a reprompt whenever the session stays open."""
        for doc in (self.ssml, self.reprompt):
            if doc:
                validate(doc)
        if self.ssml and not self.ends_session:
            assert self.reprompt, f"open-ended response without a reprompt: {self.text[:120]}"
        return self


@dataclass
class Ready(Reply):
    """The reply to "ready" after the equipment question, with that question's reply before it:
    `text` is both, as heard; everything else (directives, attributes) is the led reply's."""

    asked: Reply | None = None

    @property
    def text(self) -> str:
        return f"{self.asked.text} {plain(self.ssml)}" if self.asked is not None else plain(self.ssml)


@dataclass
class Voice:
    skill: Any
    clock: Any
    user_id: str = "amzn1.ask.account.TESTUSER"
    person_id: str | None = None  # a voice Alexa recognises on this account (context.System.person)
    locale: str = "en-US"
    apl: bool = False
    listen: bool = True
    attributes: dict = field(default_factory=dict)
    session_id: str | None = None
    history: list = field(default_factory=list)
    coach: Any = None  # needed unless screened=False and checkins=True (nothing to set up)
    screened: bool = True
    checkins: bool = False
    # The person has a routine's equipment at hand: asked "say ready when you have them", they say
    # "ready" at once (the two replies read as one). Equipment tests say has_equipment=False.
    has_equipment: bool = True
    _set_up: bool = field(default=False, repr=False)

    def set_up_person(self) -> None:
        """The documented defaults, once, through the real Coach: the screen answered "no" (no flags)
        and check-ins off, as the person would have said them."""
        if self._set_up:
            return
        self._set_up = True
        if self.screened or not self.checkins:
            assert self.coach is not None, "Voice(coach=...) sets up the screen and check-ins"
            person = self.coach.person_for_speaker(self.user_id, self.person_id)
            if self.screened:
                self.coach.answer_red_flag_screen(person.id, ())
            if not self.checkins:
                self.coach.set_checkins(person.id, False)

    def _send(self, envelope: dict) -> Reply:
        self.set_up_person()
        reply = Reply(invoke(self.skill, envelope), envelope)
        self.history.append(reply)
        if reply.ends_session or envelope["request"]["type"] == "SessionEndedRequest":
            self.attributes, self.session_id = {}, None
        else:
            self.attributes = reply.attributes
        if self.listen and reply.ssml:
            self.clock.advance(reply.seconds() + REACTION_SECONDS)
        reply.check()
        if self.has_equipment and reply.attributes.get("pending") == "equipment":
            ready = self.say("NextIntent")
            return Ready(ready.raw, ready.envelope, asked=reply)
        return reply

    def launch(self) -> Reply:
        self.session_id = envelopes.new_session_id()
        self.attributes = {}
        return self._send(
            envelopes.launch(
                self.user_id,
                locale=self.locale,
                apl=self.apl,
                session_id=self.session_id,
                person_id=self.person_id,
            )
        )

    def say(self, name: str, slots: dict | None = None, *, new_session: bool | None = None) -> Reply:
        if not name.startswith("AMAZON.") and name in BUILT_INS:
            name = "AMAZON." + name
        new = self.session_id is None if new_session is None else new_session
        if new:
            self.session_id, self.attributes = envelopes.new_session_id(), {}
        return self._send(
            envelopes.intent(
                name,
                slots,
                user_id=self.user_id,
                locale=self.locale,
                apl=self.apl,
                new_session=new,
                attributes=self.attributes,
                session_id=self.session_id,
                person_id=self.person_id,
            )
        )

    def end(self, reason: str = "USER_INITIATED") -> Reply:
        reply = self._send(
            envelopes.session_ended(
                self.user_id,
                reason,
                locale=self.locale,
                attributes=self.attributes,
                session_id=self.session_id or envelopes.new_session_id(),
            )
        )
        return reply


BUILT_INS = {
    "NextIntent",
    "PreviousIntent",
    "RepeatIntent",
    "PauseIntent",
    "ResumeIntent",
    "StartOverIntent",
    "YesIntent",
    "NoIntent",
    "HelpIntent",
    "StopIntent",
    "CancelIntent",
    "FallbackIntent",
    "NavigateHomeIntent",
}
