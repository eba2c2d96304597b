"""The benchmarks' trust root (bench/signed_wsgi.py) cannot reach a production server.

The bench serves the production app with the production verifiers on the test CA by passing
`alexa_verifiers` to `psoas_coach.app.create_app` from Python. These tests pin that the
environment variables the bench uses change nothing for the production composition: a request
signed under the test CA is refused there even when its chain downloads fine and the variables
name that CA, and is answered only when a caller passes the verifiers itself.
"""

from __future__ import annotations

import json

from cryptography.hazmat.primitives import serialization

import skill.verification as verification
from psoas_coach.app import create_app
from psoas_coach.config import Settings
from skill import envelopes
from skill.verification import CERT_CHAIN_HOST, default_verifiers
from tests.skill.certs import sign

CHAIN_URL = f"https://{CERT_CHAIN_HOST}/echo.api/echo-api-cert.pem"
PRODUCTION = Settings(
    database_url=None,
    secret_key="s" * 40,
    alexa_skill_id=envelopes.DEFAULT_SKILL_ID,
    verify_alexa=True,
    dev=False,
)


def _launch(client):
    body = json.dumps(envelopes.launch("amzn1.ask.account.bench-root-test")).encode()
    headers = {"Content-Type": "application/json", "SignatureCertChainUrl": CHAIN_URL}
    return client.post("/alexa", data=body, headers={**headers, "Signature-256": sign(body)})


def test_the_production_app_refuses_the_test_ca_whatever_the_bench_variables_say(
    coach, pki, server, monkeypatch, tmp_path
):
    root = tmp_path / "root.pem"
    root.write_bytes(pki.root.public_bytes(serialization.Encoding.PEM))
    monkeypatch.setenv("PSOAS_BENCH_TRUST_ROOT", str(root))
    monkeypatch.setenv("PSOAS_BENCH_CHAIN_BASE", server.base)
    monkeypatch.setenv("PSOAS_BENCH_APP", "coach")
    # The chain itself downloads (from the local server, as an attacker's would): only trust is missing.
    monkeypatch.setattr(verification, "fetch_certificate_chain", server.fetcher())
    resp = _launch(create_app(PRODUCTION, coach=coach).test_client())
    assert resp.status_code == 400
    assert "trusted root" in resp.get_json()["error"]


def test_verifiers_passed_in_python_trust_the_test_ca(coach, pki, server):
    verifiers = default_verifiers(PRODUCTION.alexa_skill_id, roots=pki.roots, fetch=server.fetcher())
    resp = _launch(create_app(PRODUCTION, coach=coach, alexa_verifiers=verifiers).test_client())
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["response"]["outputSpeech"]["ssml"].startswith("<speak>")
