"""The Lambda entry point: same envelope in, same response envelope out, skill built once."""

from __future__ import annotations

import pytest

from skill import envelopes
from skill.lambda_function import make_handler
from skill.verification import VerificationError
from tests.skill.test_endpoint import minimal_skill

SKILL_ID = "amzn1.ask.skill.lambda-test"


@pytest.fixture
def built():
    calls = []

    def factory():
        calls.append(1)
        return minimal_skill()

    return calls, make_handler(factory)


def test_a_launch_event_gets_the_skill_response(built, monkeypatch):
    monkeypatch.delenv("ALEXA_SKILL_ID", raising=False)
    calls, handler = built
    out = handler(envelopes.launch("amzn1.ask.account.L", skill_id=SKILL_ID), None)
    assert out["version"] == "1.0"
    assert "Hello from the test skill." in out["response"]["outputSpeech"]["ssml"]


def test_the_skill_is_built_once_per_container(built, monkeypatch):
    monkeypatch.delenv("ALEXA_SKILL_ID", raising=False)
    calls, handler = built
    for _ in range(3):
        handler(envelopes.launch("amzn1.ask.account.L"), None)
    assert calls == [1]


def test_alexa_skill_id_is_checked_when_set(built, monkeypatch):
    monkeypatch.setenv("ALEXA_SKILL_ID", SKILL_ID)
    calls, handler = built
    with pytest.raises(VerificationError, match="different skill id"):
        handler(envelopes.launch("amzn1.ask.account.L", skill_id="amzn1.ask.skill.other"), None)
    assert calls == []  # refused before anything was built
    out = handler(envelopes.launch("amzn1.ask.account.L", skill_id=SKILL_ID), None)
    assert "Hello" in out["response"]["outputSpeech"]["ssml"]


def test_a_failing_handler_gets_an_apology(built, monkeypatch):
    monkeypatch.delenv("ALEXA_SKILL_ID", raising=False)
    _, handler = built
    out = handler(envelopes.intent("BoomIntent", user_id="amzn1.ask.account.L"), None)
    assert "Sorry, something went wrong" in out["response"]["outputSpeech"]["ssml"]


@pytest.mark.parametrize(
    "event", [{}, {"request": "x"}, [], None, {"source": "aws.events", "detail-type": "Scheduled"}]
)
def test_non_alexa_events_are_refused_clearly(built, event):
    _, handler = built
    with pytest.raises(ValueError, match="not an Alexa request envelope"):
        handler(event, None)
