"""POST /alexa through a real Flask app: signed requests pass, every broken rule gets a 4xx with
a logged reason, bad input never gets a 500, and a failing skill still answers Alexa.

The skill here is a minimal ask-sdk-core skill so these tests pin the endpoint alone;
test_endpoint_skill.py runs the product's own skill behind the same endpoint.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill import envelopes
from skill.endpoint import MAX_BODY_BYTES, alexa_blueprint
from skill.verification import default_verifiers
from tests.skill.certs import sign

SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
GOOD_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"
USER = "amzn1.ask.account.SECRET-USER-ID"


def minimal_skill():
    from ask_sdk_core.skill_builder import SkillBuilder
    from ask_sdk_core.utils import is_intent_name, is_request_type

    sb = SkillBuilder()

    @sb.request_handler(can_handle_func=is_request_type("LaunchRequest"))
    def launch(handler_input):
        return handler_input.response_builder.speak("Hello from the test skill.").ask("Ready?").response

    @sb.request_handler(can_handle_func=is_intent_name("BoomIntent"))
    def boom(handler_input):
        raise RuntimeError("kaboom in a handler")

    @sb.request_handler(can_handle_func=is_request_type("SessionEndedRequest"))
    def ended(handler_input):
        return handler_input.response_builder.response

    return sb.create()


@pytest.fixture(scope="module")
def now(pki) -> float:
    """The verifiers' clock: fixed, inside every good certificate's validity."""
    return pki.now.timestamp() + 10


def make_app(pki, server, now, *, skill_id=SKILL_ID, verify=True, verifiers="default", skill=None) -> Flask:
    app = Flask(__name__)
    if verifiers == "default":
        verifiers = default_verifiers(skill_id, roots=pki.roots, fetch=server.fetcher(), clock=lambda: now)
    app.register_blueprint(
        alexa_blueprint(
            None, skill_id=skill_id, verify=verify, verifiers=verifiers, skill=skill or minimal_skill()
        )
    )
    return app


@pytest.fixture(scope="module")
def client(pki, server, now):
    return make_app(pki, server, now).test_client()


def iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def launch_body(now: float, *, skill_id: str = SKILL_ID, offset: float = 0) -> bytes:
    env = envelopes.launch(USER, skill_id=skill_id)
    env["request"]["timestamp"] = iso(now + offset)
    return json.dumps(env).encode()


def post(client, body: bytes, *, url: str | None = GOOD_URL, signature: str | None = "sign", **headers):
    h = {"Content-Type": "application/json; charset=utf-8", **headers}
    if url is not None:
        h["SignatureCertChainUrl"] = url
    if signature == "sign":
        h["Signature-256"] = sign(body)
    elif signature is not None:
        h["Signature-256"] = signature
    return client.post("/alexa", data=body, headers=h)


def speech(resp) -> str:
    return resp.get_json()["response"]["outputSpeech"]["ssml"]


# --------------------------------------------------------------------------- the good path


def test_a_signed_fresh_request_for_this_skill_is_answered(client, now):
    resp = post(client, launch_body(now))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["version"] == "1.0"
    assert "Hello from the test skill." in speech(resp)
    assert body["response"]["shouldEndSession"] is False


def test_the_blueprint_is_marked_csrf_exempt(pki, server, now):
    bp = alexa_blueprint(None, skill_id=SKILL_ID, verify=False, skill=minimal_skill())
    assert bp.csrf_exempt is True


# --------------------------------------------------------------------------- refused requests


def refused(resp, caplog, reason: str):
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert reason in resp.get_json()["error"]
    logged = [r for r in caplog.records if r.name == "skill.endpoint" and r.levelno == logging.WARNING]
    assert any(reason in r.getMessage() for r in logged), [r.getMessage() for r in logged]
    text = caplog.text
    assert USER not in text and "dev-token-not-a-secret" not in text  # no body in the logs


@pytest.mark.parametrize(
    "url,reason",
    [
        ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https"),
        ("https://notamazon.com/echo.api/echo-api-cert.pem", "host"),
        ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "port"),
        ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "path"),
        ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "path"),
        ("https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem", "path"),
        (None, "missing SignatureCertChainUrl"),
    ],
)
def test_bad_certificate_urls_are_refused(client, now, caplog, url, reason):
    caplog.set_level(logging.WARNING)
    refused(post(client, launch_body(now), url=url), caplog, reason)


@pytest.mark.parametrize(
    "chain,reason",
    [
        ("wrong-san.pem", "not issued to echo-api.amazon.com"),
        ("expired.pem", "expired"),
        ("future.pem", "not yet valid"),
        ("untrusted.pem", "trusted root"),
    ],
)
def test_bad_certificate_chains_are_refused(client, now, caplog, chain, reason):
    caplog.set_level(logging.WARNING)
    refused(post(client, launch_body(now), url=f"https://s3.amazonaws.com/echo.api/{chain}"), caplog, reason)


def test_a_body_with_one_changed_byte_is_refused(client, now, caplog):
    caplog.set_level(logging.WARNING)
    body = launch_body(now)
    j = body.index(
        b"SECRET"
    )  # one byte of the user id: still valid JSON, so the signature is what refuses it
    tampered = body[:j] + b"Z" + body[j + 1 :]
    assert len(tampered) == len(body) and tampered != body
    refused(post(client, tampered, signature=sign(body)), caplog, "does not match the request body")


@pytest.mark.parametrize(
    "signature,reason",
    [
        (None, "missing Signature-256"),
        ("%%%not-base64%%%", "not valid base64"),
        ("c2hvcnQ=", "does not match"),
    ],
)
def test_missing_or_garbled_signatures_are_refused(client, now, caplog, signature, reason):
    caplog.set_level(logging.WARNING)
    refused(post(client, launch_body(now), signature=signature), caplog, reason)


def test_a_sha1_only_request_is_refused_with_a_clear_reason(client, now, caplog):
    from cryptography.hazmat.primitives import hashes

    caplog.set_level(logging.WARNING)
    body = launch_body(now)
    resp = post(client, body, signature=None, Signature=sign(body, algorithm=hashes.SHA1()))
    refused(resp, caplog, "Signature-256 is required")


@pytest.mark.parametrize("offset,reason", [(-151, "151 s old"), (151, "151 s in the future")])
def test_stale_or_future_timestamps_are_refused(client, now, caplog, offset, reason):
    caplog.set_level(logging.WARNING)
    refused(post(client, launch_body(now, offset=offset)), caplog, reason)


@pytest.mark.parametrize("offset", [-150, 150])
def test_timestamps_at_the_150_second_edge_pass(client, now, offset):
    assert post(client, launch_body(now, offset=offset)).status_code == 200


def test_a_request_for_another_skill_is_refused(client, now, caplog):
    caplog.set_level(logging.WARNING)
    refused(
        post(client, launch_body(now, skill_id="amzn1.ask.skill.someone-else")), caplog, "different skill id"
    )


def test_without_a_configured_skill_id_a_warning_is_logged_and_only_that_check_is_skipped(
    pki, server, now, caplog
):
    caplog.set_level(logging.WARNING)
    app = make_app(pki, server, now, skill_id=None, verifiers=None)  # the production default list...
    assert any("ALEXA_SKILL_ID is not set" in r.getMessage() for r in caplog.records)
    # ...which fetches from the real URL, so swap in the test-rooted defaults without a skill id:
    app = make_app(pki, server, now, skill_id=None)
    c = app.test_client()
    assert post(c, launch_body(now, skill_id="amzn1.ask.skill.any")).status_code == 200
    assert post(c, launch_body(now), signature="c2hvcnQ=").status_code == 400
    assert post(c, launch_body(now, offset=-400)).status_code == 400


def test_dev_mode_answers_unsigned_requests(pki, server, now):
    c = make_app(pki, server, now, verify=False).test_client()
    resp = post(c, launch_body(now, skill_id="amzn1.ask.skill.any", offset=-10_000), url=None, signature=None)
    assert resp.status_code == 200
    assert "Hello from the test skill." in speech(resp)


# --------------------------------------------------------------------------- malformed input


@pytest.mark.parametrize("verify", [True, False])
@pytest.mark.parametrize(
    "body,reason",
    [
        (b"", "empty body"),
        (b"   \n", "empty body"),
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[1, 2, 3]", "JSON object"),
        (b'"a string"', "JSON object"),
        (b"null", "JSON object"),
        (b"{}", "no request"),
        (b'{"request": []}', "no request"),
        (b'{"request": {"type": "NoSuchRequest"}}', "not a valid Alexa request envelope"),
        (
            b'{"request": {"type": "LaunchRequest", "timestamp": "yesterday-ish"}}',
            "not a valid Alexa request envelope",
        ),
        (
            b'{"request": {"type": "LaunchRequest"}, "context": {"System": {"application": "x"}}}',
            "not a valid Alexa request envelope",
        ),
        (b"[" * 50_000 + b"]" * 50_000, "not valid JSON"),  # deeper than the parser recurses
        (b'{"request": ' * 500 + b"1" + b"}" * 500, "nested deeper than"),
    ],
)
def test_malformed_bodies_get_a_400_with_a_json_error(pki, server, now, verify, body, reason):
    c = make_app(pki, server, now, verify=verify).test_client()
    resp = post(c, body)
    assert resp.status_code == 400
    assert resp.mimetype == "application/json"
    assert reason in resp.get_json()["error"]


@pytest.mark.parametrize("verify", [True, False])
def test_a_huge_body_gets_413(pki, server, now, verify):
    c = make_app(pki, server, now, verify=verify).test_client()
    body = json.dumps({"request": {"type": "LaunchRequest"}, "pad": "x" * MAX_BODY_BYTES}).encode()
    resp = post(c, body, signature="c2hvcnQ=")
    assert resp.status_code == 413
    assert "larger than" in resp.get_json()["error"]


def test_a_huge_chunked_body_without_content_length_gets_413(pki, server, now):
    c = make_app(pki, server, now, verify=False).test_client()
    data = b'{"pad": "' + b"x" * (MAX_BODY_BYTES + 10) + b'"}'
    resp = c.post(
        "/alexa",
        input_stream=io.BytesIO(data),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert resp.status_code == 413


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_other_methods_get_405_json(client, method):
    resp = getattr(client, method)("/alexa")
    assert resp.status_code == 405
    assert resp.headers["Allow"] == "POST"
    assert "POST" in resp.get_json()["error"]


# --------------------------------------------------------------------------- a failing skill


def test_an_exception_in_the_skill_becomes_a_spoken_apology_and_an_error_log(client, now, caplog):
    caplog.set_level(logging.WARNING)
    env = envelopes.intent("BoomIntent", user_id=USER, skill_id=SKILL_ID)
    env["request"]["timestamp"] = iso(now)
    resp = post(client, json.dumps(env).encode())
    assert resp.status_code == 200
    assert "Sorry, something went wrong" in speech(resp)
    assert resp.get_json()["response"]["shouldEndSession"] is True
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "skill.endpoint"]
    assert errors and errors[0].exc_info and "kaboom in a handler" in str(errors[0].exc_info[1])


def test_an_intent_no_handler_knows_also_gets_an_apology_not_a_500(client, now):
    env = envelopes.intent("AMAZON.NoSuchIntent", user_id=USER, skill_id=SKILL_ID)
    env["request"]["timestamp"] = iso(now)
    resp = post(client, json.dumps(env).encode())
    assert resp.status_code == 200
    assert "Sorry" in speech(resp)


# --------------------------------------------------------------------------- fuzzing: never a 500

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
request_like = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["LaunchRequest", "IntentRequest", "SessionEndedRequest", "Nope", ""])
        | st.integers(),
    },
    optional={
        "timestamp": st.text(max_size=25) | st.integers() | st.none(),
        "intent": json_values,
        "requestId": json_values,
        "locale": st.sampled_from(["en-US", "de-DE", ""]) | json_values,
    },
)
envelope_like = st.fixed_dictionaries(
    {"request": request_like},
    optional={
        "version": json_values,
        "session": json_values,
        "context": json_values,
    },
)


@pytest.fixture(scope="module")
def dev_client(pki, server, now):
    return make_app(pki, server, now, verify=False).test_client()


@given(body=st.binary(max_size=300))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_arbitrary_bytes_never_get_a_500(client, dev_client, body):
    for c in (client, dev_client):
        resp = post(c, body)
        assert resp.status_code < 500
        assert resp.get_json() is not None


@given(env=envelope_like | json_values)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_arbitrary_json_never_gets_a_500(client, dev_client, env):
    body = json.dumps(env).encode()
    for c in (client, dev_client):
        resp = post(c, body)
        assert resp.status_code < 500
        out = resp.get_json()
        assert out is not None
        if resp.status_code == 200:
            assert out["version"] == "1.0" and "response" in out
        else:
            assert resp.status_code in (400, 413) and out["error"]


# --------------------------------------------------------------------------- inside the phone app


@pytest.fixture
def web_app(coach, pki, server, now):
    """The phone app (CSRF layer, 64 KB MAX_CONTENT_LENGTH, HTML error pages) with the endpoint mounted."""
    from webapp import create_app as create_web_app

    app = create_web_app(coach=coach, secret_key="test-secret-not-used-elsewhere", dev=True)
    verifiers = default_verifiers(SKILL_ID, roots=pki.roots, fetch=server.fetcher(), clock=lambda: now)
    app.register_blueprint(
        alexa_blueprint(coach, skill_id=SKILL_ID, verify=True, verifiers=verifiers, skill=minimal_skill())
    )
    return app


def test_inside_the_phone_app_alexa_needs_no_csrf_token(web_app, now):
    resp = post(web_app.test_client(), launch_body(now))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert "Hello from the test skill." in speech(resp)


def test_inside_the_phone_app_bodies_up_to_our_own_limit_are_read(web_app, now):
    env = envelopes.launch(USER, skill_id=SKILL_ID)
    env["request"]["timestamp"] = iso(now)
    env["context"]["padding"] = "x" * (100 * 1024)  # above the phone app's 64 KB, below our 128 KB
    resp = post(web_app.test_client(), json.dumps(env).encode())
    assert resp.status_code == 200


def test_inside_the_phone_app_errors_are_still_json(web_app, now):
    c = web_app.test_client()
    assert post(c, b"{nope").get_json()["error"] == "body is not valid JSON"
    huge = post(c, b"x" * (MAX_BODY_BYTES + 1))
    assert huge.status_code == 413 and "larger than" in huge.get_json()["error"]
    assert c.get("/alexa").get_json()["error"]
