"""The envelope builders produce what Alexa really sends (the SDK's own model accepts them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from ask_sdk_model.events.skillevents import SkillDisabledRequest
from ask_sdk_model.slu.entityresolution import StatusCode

from skill import envelopes

S = DefaultSerializer()


def parse(env):
    return S.deserialize(json.dumps(env), RequestEnvelope)


def test_launch_is_a_new_session_with_ids_locale_and_a_fresh_timestamp():
    env = envelopes.launch("amzn1.ask.account.A", locale="en-GB")
    req = parse(env)
    assert req.version == "1.0" and req.session.new is True
    assert req.request.object_type == "LaunchRequest" and req.request.locale == "en-GB"
    assert req.context.system.user.user_id == "amzn1.ask.account.A"
    assert req.context.system.application.application_id == envelopes.DEFAULT_SKILL_ID
    assert req.request.request_id.startswith("amzn1.echo-api.request.")
    age = datetime.now(UTC) - req.request.timestamp.replace(tzinfo=UTC)
    assert abs(age.total_seconds()) < 60


def test_apl_interface_only_when_asked():
    assert parse(
        envelopes.launch("u", apl=True)
    ).context.system.device.supported_interfaces.alexa_presentation_apl
    assert (
        parse(envelopes.launch("u")).context.system.device.supported_interfaces.alexa_presentation_apl is None
    )


def test_slot_tuple_resolves_and_bare_string_does_not():
    env = envelopes.intent(
        "StartRoutineIntent",
        {"routine": ("the morning one", "morning-stretch")},
        user_id="u",
        attributes={"v": 3},
        skill_id="amzn1.ask.skill.other",
    )
    req = parse(env)
    slot = req.request.intent.slots["routine"]
    authority = slot.resolutions.resolutions_per_authority[0]
    assert slot.value == "the morning one" and authority.status.code == StatusCode.ER_SUCCESS_MATCH
    assert authority.values[0].value.id == "morning-stretch"
    assert req.session.attributes == {"v": 3} and req.session.new is False
    assert req.context.system.application.application_id == "amzn1.ask.skill.other"
    miss = parse(envelopes.intent("StartRoutineIntent", {"routine": "bananas"}, user_id="u"))
    assert (
        miss.request.intent.slots["routine"].resolutions.resolutions_per_authority[0].status.code
        == StatusCode.ER_SUCCESS_NO_MATCH
    )


def test_session_ended_and_skill_disabled():
    ended = parse(envelopes.session_ended("u", "EXCEEDED_MAX_REPROMPTS"))
    assert ended.request.reason.value == "EXCEEDED_MAX_REPROMPTS"
    disabled_env = envelopes.skill_disabled("u")
    assert "session" not in disabled_env
    disabled = parse(disabled_env)
    assert isinstance(disabled.request, SkillDisabledRequest)
    assert disabled.context.system.user.user_id == "u"


def test_follow_up_keeps_session_and_attributes():
    first = envelopes.launch("u", apl=True)
    nxt = envelopes.follow_up(first, {"sessionAttributes": {"v": 7}}, "AMAZON.NextIntent")
    assert nxt["session"]["sessionId"] == first["session"]["sessionId"]
    assert nxt["session"]["attributes"] == {"v": 7}
    assert "Alexa.Presentation.APL" in nxt["context"]["System"]["device"]["supportedInterfaces"]
