"""Builders for real Alexa request envelopes (JSON dicts shaped exactly like what Alexa POSTs).

Used by the skill tests, the voice console, the end-to-end tests and the benchmarks. Each
function returns a fresh ``dict``; pass it through ``json.dumps`` to POST it, or through
``ask_sdk_core.serialize.DefaultSerializer().deserialize(json.dumps(env), RequestEnvelope)``
to hand it to ``skill.invoke``.

    launch(user_id, *, locale="en-US", apl=False, new_session=True, attributes=None, session_id=None, person_id=None)
    intent(name, slots=None, *, user_id, locale="en-US", apl=False, new_session=False, attributes=None,
           session_id=None, person_id=None)
    session_ended(user_id, reason="USER_INITIATED", ...)
    skill_disabled(user_id)

Slots: ``{"routine": ("the morning one", "morning-stretch")}`` gives an ER_SUCCESS_MATCH resolution
to that id; ``{"routine": "banana"}`` gives ER_SUCCESS_NO_MATCH (what Alexa sends for an
unknown value of a custom slot type); built-in slot types such as ``minutes`` (AMAZON.NUMBER)
carry the value alone.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from shared_content.vocabulary import DEFAULT_LOCALE

DEFAULT_SKILL_ID = "amzn1.ask.skill.psoas-coach-dev"
API_ENDPOINT = "https://api.amazonalexa.com"
APL_MAX_VERSION = "2024.2"

# Custom slot types of our interaction models, named in the ER authority string.
SLOT_TYPES = {
    "routine": "RoutineName",
    "exercise": "ExerciseName",
    "minutes": "AMAZON.NUMBER",
    "focus": "RoutineFocus",
    "avoid": "ExercisePosition",
}

SlotValue = str | tuple[str, str] | None


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_request_id() -> str:
    return f"amzn1.echo-api.request.{uuid.uuid4()}"


def new_session_id() -> str:
    return f"amzn1.echo-api.session.{uuid.uuid4()}"


def _device_id(user_id: str) -> str:
    return f"amzn1.ask.device.{uuid.uuid5(uuid.NAMESPACE_URL, user_id).hex}"


def _system(user_id: str, skill_id: str, apl: bool, person_id: str | None) -> dict[str, Any]:
    interfaces: dict[str, Any] = {}
    if apl:
        interfaces["Alexa.Presentation.APL"] = {"runtime": {"maxVersion": APL_MAX_VERSION}}
    system: dict[str, Any] = {
        "application": {"applicationId": skill_id},
        "user": {"userId": user_id},
        "device": {"deviceId": _device_id(user_id), "supportedInterfaces": interfaces},
        "apiEndpoint": API_ENDPOINT,
        "apiAccessToken": "dev-token-not-a-secret",
    }
    if person_id:  # Alexa recognised the speaker's voice
        system["person"] = {"personId": person_id, "accessToken": "dev-person-token-not-a-secret"}
    return system


def _context(user_id: str, skill_id: str, apl: bool, person_id: str | None = None) -> dict[str, Any]:
    ctx: dict[str, Any] = {"System": _system(user_id, skill_id, apl, person_id)}
    if apl:
        ctx["Viewport"] = {
            "experiences": [
                {"arcMinuteWidth": 246, "arcMinuteHeight": 144, "canRotate": False, "canResize": False}
            ],
            "mode": "HUB",
            "shape": "RECTANGLE",
            "pixelWidth": 1024,
            "pixelHeight": 600,
            "dpi": 160,
            "currentPixelWidth": 1024,
            "currentPixelHeight": 600,
            "touch": ["SINGLE"],
            "video": {"codecs": ["H_264_42", "H_264_41"]},
        }
    return ctx


def _session(
    user_id: str, skill_id: str, new: bool, attributes: Mapping[str, Any] | None, session_id: str | None
) -> dict[str, Any]:
    return {
        "new": new,
        "sessionId": session_id or new_session_id(),
        "application": {"applicationId": skill_id},
        "attributes": copy.deepcopy(dict(attributes or {})),
        "user": {"userId": user_id},
    }


def _base_request(kind: str, locale: str) -> dict[str, Any]:
    return {"type": kind, "requestId": new_request_id(), "timestamp": _now_iso(), "locale": locale}


def _envelope(
    request: dict[str, Any],
    *,
    user_id: str,
    skill_id: str,
    apl: bool,
    with_session: bool = True,
    new_session: bool = False,
    attributes: Mapping[str, Any] | None = None,
    session_id: str | None = None,
    person_id: str | None = None,
) -> dict[str, Any]:
    env: dict[str, Any] = {"version": "1.0"}
    if with_session:
        env["session"] = _session(user_id, skill_id, new_session, attributes, session_id)
    env["context"] = _context(user_id, skill_id, apl, person_id)
    env["request"] = request
    return env


def slot(name: str, value: SlotValue, *, skill_id: str = DEFAULT_SKILL_ID) -> dict[str, Any]:
    """One slot as Alexa sends it. A (spoken, id) tuple resolves; a bare string does not; None is empty."""
    out: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if value is None:
        return out
    spoken, resolved = (value, None) if isinstance(value, str) else value
    out["value"] = spoken
    out["source"] = "USER"
    slot_type = SLOT_TYPES.get(name, name.upper())
    if slot_type.startswith("AMAZON.") and resolved is None:
        return out  # built-in types (AMAZON.NUMBER) carry no entity resolution
    authority: dict[str, Any] = {
        "authority": f"amzn1.er-authority.echo-sdk.{skill_id}.{slot_type}",
        "status": {"code": "ER_SUCCESS_MATCH" if resolved else "ER_SUCCESS_NO_MATCH"},
    }
    if resolved:
        authority["values"] = [{"value": {"name": spoken, "id": resolved}}]
    out["resolutions"] = {"resolutionsPerAuthority": [authority]}
    return out


def launch(
    user_id: str,
    *,
    locale: str = DEFAULT_LOCALE,
    apl: bool = False,
    new_session: bool = True,
    attributes: Mapping[str, Any] | None = None,
    session_id: str | None = None,
    skill_id: str = DEFAULT_SKILL_ID,
    person_id: str | None = None,
) -> dict[str, Any]:
    """A LaunchRequest: "Alexa, open psoas coach". `person_id`: the voice Alexa recognised, if any."""
    return _envelope(
        _base_request("LaunchRequest", locale),
        user_id=user_id,
        skill_id=skill_id,
        apl=apl,
        new_session=new_session,
        attributes=attributes,
        session_id=session_id,
        person_id=person_id,
    )


def intent(
    name: str,
    slots: Mapping[str, SlotValue] | None = None,
    *,
    user_id: str,
    locale: str = DEFAULT_LOCALE,
    apl: bool = False,
    new_session: bool = False,
    attributes: Mapping[str, Any] | None = None,
    session_id: str | None = None,
    skill_id: str = DEFAULT_SKILL_ID,
    person_id: str | None = None,
) -> dict[str, Any]:
    """An IntentRequest for ``name`` (e.g. "AMAZON.NextIntent", "StartRoutineIntent")."""
    request = _base_request("IntentRequest", locale)
    request["dialogState"] = "COMPLETED" if slots else "STARTED"
    request["intent"] = {
        "name": name,
        "confirmationStatus": "NONE",
        "slots": {k: slot(k, v, skill_id=skill_id) for k, v in (slots or {}).items()},
    }
    return _envelope(
        request,
        user_id=user_id,
        skill_id=skill_id,
        apl=apl,
        new_session=new_session,
        attributes=attributes,
        session_id=session_id,
        person_id=person_id,
    )


def session_ended(
    user_id: str,
    reason: str = "USER_INITIATED",
    *,
    locale: str = DEFAULT_LOCALE,
    apl: bool = False,
    attributes: Mapping[str, Any] | None = None,
    session_id: str | None = None,
    error: Mapping[str, str] | None = None,
    skill_id: str = DEFAULT_SKILL_ID,
) -> dict[str, Any]:
    """A SessionEndedRequest (reason USER_INITIATED, ERROR or EXCEEDED_MAX_REPROMPTS)."""
    request = _base_request("SessionEndedRequest", locale)
    request["reason"] = reason
    if error is not None:
        request["error"] = dict(error)
    elif reason == "ERROR":
        request["error"] = {"type": "INVALID_RESPONSE", "message": "test error"}
    return _envelope(
        request, user_id=user_id, skill_id=skill_id, apl=apl, attributes=attributes, session_id=session_id
    )


def skill_disabled(
    user_id: str, *, locale: str = DEFAULT_LOCALE, skill_id: str = DEFAULT_SKILL_ID
) -> dict[str, Any]:
    """The AlexaSkillEvent.SkillDisabled event sent when the person disables the skill (no session)."""
    request = _base_request("AlexaSkillEvent.SkillDisabled", locale)
    request["eventCreationTime"] = request["timestamp"]
    request["eventPublishingTime"] = request["timestamp"]
    return _envelope(request, user_id=user_id, skill_id=skill_id, apl=False, with_session=False)


def follow_up(
    envelope: Mapping[str, Any],
    response: Mapping[str, Any],
    name: str,
    slots: Mapping[str, SlotValue] | None = None,
) -> dict[str, Any]:
    """The next IntentRequest in the same session, carrying the session attributes the last response set."""
    system = envelope["context"]["System"]
    session = envelope.get("session") or {}
    return intent(
        name,
        slots,
        user_id=system["user"]["userId"],
        locale=envelope["request"].get("locale", DEFAULT_LOCALE),
        apl="Alexa.Presentation.APL" in system["device"]["supportedInterfaces"],
        attributes=response.get("sessionAttributes") or {},
        session_id=session.get("sessionId"),
        skill_id=system["application"]["applicationId"],
        person_id=(system.get("person") or {}).get("personId"),
    )
