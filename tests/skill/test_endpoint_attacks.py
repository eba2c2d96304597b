"""POST /alexa under attack: cheap checks before any download, replays answered once (also across
workers sharing the database), malformed chunked bodies and very deep JSON refused with a 400."""

from __future__ import annotations

import json
import time

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from shared_content.replay import SeenRequests
from shared_content.store.tables import pairing_codes, seen_requests
from skill import envelopes
from skill.endpoint import alexa_blueprint
from skill.verification import default_verifiers
from tests.skill.certs import ChainServer, sign

SKILL_ID = "amzn1.ask.skill.attack-test"
GOOD_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"
USER = "amzn1.ask.account.ATTACKED"


def signed_post(client, env: dict, url: str = GOOD_URL):
    body = json.dumps(env).encode()
    headers = {"Content-Type": "application/json", "SignatureCertChainUrl": url, "Signature-256": sign(body)}
    return client.post("/alexa", data=body, headers=headers)


def worker(coach, pki, fetch) -> Flask:
    """One worker's app: its own verifiers and in-process memory, the shared database."""
    app = Flask(__name__)
    remember = SeenRequests(coach.store, time.time)
    verifiers = default_verifiers(SKILL_ID, roots=pki.roots, fetch=fetch, remember=remember)
    app.register_blueprint(alexa_blueprint(coach, skill_id=SKILL_ID, verify=True, verifiers=verifiers))
    return app


def test_stale_or_foreign_requests_are_refused_before_any_download(coach, pki):
    srv = ChainServer({"/echo.api/echo-api-cert.pem": pki.good_chain})
    try:
        client = worker(coach, pki, srv.fetcher()).test_client()
        stale = envelopes.launch(USER, skill_id=SKILL_ID)
        stale["request"]["timestamp"] = "2020-01-01T00:00:00Z"
        resp = signed_post(client, stale)
        assert resp.status_code == 400 and "timestamp" in resp.get_json()["error"]
        foreign = envelopes.launch(USER, skill_id="amzn1.ask.skill.someone-else")
        assert signed_post(client, foreign).status_code == 400
        assert srv.hits == {}
    finally:
        srv.close()


def test_a_replayed_request_is_answered_once_even_on_another_worker(coach, pki, server):
    first, second = worker(coach, pki, server.fetcher()), worker(coach, pki, server.fetcher())
    env = envelopes.launch(USER, skill_id=SKILL_ID)
    assert signed_post(first.test_client(), env).status_code == 200
    again = signed_post(first.test_client(), env)
    assert again.status_code == 400 and "replay" in again.get_json()["error"]
    elsewhere = signed_post(second.test_client(), env)
    assert elsewhere.status_code == 400 and "replay" in elsewhere.get_json()["error"]
    # a new request id is a new request
    assert signed_post(second.test_client(), envelopes.launch(USER, skill_id=SKILL_ID)).status_code == 200
    with coach.store.read() as conn:
        assert conn.execute(select(func.count()).select_from(seen_requests)).scalar_one() == 2


def test_a_replayed_link_phone_intent_does_not_mint_another_code(coach, pki, server):
    client = worker(coach, pki, server.fetcher()).test_client()
    env = envelopes.intent("LinkPhoneIntent", user_id=USER, skill_id=SKILL_ID)
    resp = signed_post(client, env)
    assert resp.status_code == 200
    code = "".join(ch for ch in resp.get_json()["response"]["outputSpeech"]["ssml"] if ch.isdigit())[:6]
    with coach.store.read() as conn:
        before = conn.execute(select(pairing_codes.c.code_hash)).all()
    assert len(before) == 1
    for _ in range(3):
        assert signed_post(client, env).status_code == 400
    with coach.store.read() as conn:
        assert conn.execute(select(pairing_codes.c.code_hash)).all() == before
    # the code the person heard still links their phone
    assert coach.redeem_pairing_code("phone-after-replay", code, "192.0.2.1").ok


def test_json_nested_a_thousand_levels_deep_is_a_400(coach):
    app = Flask(__name__)
    app.register_blueprint(alexa_blueprint(coach, skill_id=None, verify=False))
    client = app.test_client()
    for depth in (200, 990, 1000, 5000):
        body = b'{"request": {"type": "LaunchRequest", "x": ' + b"[" * depth + b"]" * depth + b"}}"
        resp = client.post("/alexa", data=body, headers={"Content-Type": "application/json"})
        assert resp.status_code == 400, depth
        assert "nested" in resp.get_json()["error"]


INTENTS = ["LinkPhoneIntent", "StartRoutineIntent", "PainIntent", "AMAZON.NextIntent", "AMAZON.StopIntent"]


def _row_counts(coach) -> tuple[int, ...]:
    from shared_content.store import tables

    with coach.store.read() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (
                tables.people,
                tables.devices,
                tables.sessions,
                tables.pairing_codes,
                tables.pain_reports,
            )
        )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    intent=st.sampled_from(INTENTS),
    user=st.text(min_size=1, max_size=40),
    flaw=st.sampled_from(["stale", "future", "other-skill", "bad-signature", "no-signature", "bad-url"]),
    slot=st.text(max_size=30),
)
def test_refused_alexa_envelopes_never_5xx_and_never_store_anything(
    coach, pki, server, intent, user, flaw, slot
):
    client = worker(coach, pki, server.fetcher()).test_client()
    env = envelopes.intent(
        intent, user_id=user, skill_id="amzn1.ask.skill.other" if flaw == "other-skill" else SKILL_ID
    )
    env["request"]["intent"]["slots"] = {"routine": {"name": "routine", "value": slot}}
    if flaw in ("stale", "future"):
        env["request"]["timestamp"] = "2020-01-01T00:00:00Z" if flaw == "stale" else "2099-01-01T00:00:00Z"
    body = json.dumps(env).encode()
    headers = {
        "Content-Type": "application/json",
        "SignatureCertChainUrl": GOOD_URL,
        "Signature-256": sign(body),
    }
    if flaw == "bad-signature":
        headers["Signature-256"] = sign(body + b" ")
    elif flaw == "no-signature":
        del headers["Signature-256"]
    elif flaw == "bad-url":
        headers["SignatureCertChainUrl"] = "https://s3.amazonaws.com/not-echo/cert.pem"
    before = _row_counts(coach)
    resp = client.post("/alexa", data=body, headers=headers)
    assert resp.status_code == 400 and resp.is_json
    assert _row_counts(coach) == before
