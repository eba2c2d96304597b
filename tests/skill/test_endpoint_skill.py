"""The product's own skill (skill.builder.build_skill on a real Coach) behind the verified endpoint
and behind the Lambda entry point."""

from __future__ import annotations

import json

import pytest
from flask import Flask

pytest.importorskip("skill.builder", reason="skill/builder.py is not written yet")

from skill import envelopes  # noqa: E402
from skill.endpoint import APOLOGY_TEXT, alexa_blueprint  # noqa: E402
from skill.verification import default_verifiers  # noqa: E402
from tests.skill.certs import sign  # noqa: E402

SKILL_ID = "amzn1.ask.skill.real-skill-test"
GOOD_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"


def signed_post(client, env: dict):
    body = json.dumps(env).encode()
    return client.post(
        "/alexa",
        data=body,
        headers={
            "Content-Type": "application/json",
            "SignatureCertChainUrl": GOOD_URL,
            "Signature-256": sign(body),
        },
    )


def test_the_real_skill_answers_a_signed_launch(coach, pki, server):
    app = Flask(__name__)
    verifiers = default_verifiers(SKILL_ID, roots=pki.roots, fetch=server.fetcher())  # real clock
    app.register_blueprint(alexa_blueprint(coach, skill_id=SKILL_ID, verify=True, verifiers=verifiers))
    client = app.test_client()

    resp = signed_post(client, envelopes.launch("amzn1.ask.account.REAL", skill_id=SKILL_ID))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    out = resp.get_json()
    ssml = out["response"]["outputSpeech"]["ssml"]
    assert ssml.startswith("<speak>") and APOLOGY_TEXT not in ssml

    # the same request unsigned, or for another skill, never reaches the skill
    env = envelopes.launch("amzn1.ask.account.REAL", skill_id="amzn1.ask.skill.other")
    assert signed_post(client, env).status_code == 400
    assert (
        client.post("/alexa", json=envelopes.launch("amzn1.ask.account.REAL", skill_id=SKILL_ID)).status_code
        == 400
    )


def test_the_real_skill_behind_the_dev_endpoint_lists_routines(coach):
    app = Flask(__name__)
    app.register_blueprint(alexa_blueprint(coach, skill_id=None, verify=False))
    client = app.test_client()
    resp = client.post("/alexa", json=envelopes.intent("ListRoutinesIntent", user_id="amzn1.ask.account.DEV"))
    assert resp.status_code == 200
    ssml = resp.get_json()["response"]["outputSpeech"]["ssml"]
    assert APOLOGY_TEXT not in ssml
    for routine in coach.catalogue.routines.values():
        assert routine.name.lower() in ssml.lower()


def test_the_lambda_handler_runs_the_same_skill(tmp_path, monkeypatch):
    import skill.lambda_function as lf

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'lambda.db'}")
    monkeypatch.setenv("ALEXA_SKILL_ID", SKILL_ID)
    handler = lf.make_handler(lf._default_skill)
    try:
        out = handler(envelopes.launch("amzn1.ask.account.LAMBDA", skill_id=SKILL_ID), None)
        ssml = out["response"]["outputSpeech"]["ssml"]
        assert ssml.startswith("<speak>") and APOLOGY_TEXT not in ssml
    finally:
        if lf.coach is not None:
            lf.coach.close()
            lf.coach = None
