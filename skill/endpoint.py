"""POST /alexa: the skill as a web service, on Flask.

Same shape as flask-ask-sdk's `SkillAdapter` (skill, skill id, verifiers, one POST route),
which cannot be imported on Debian 12 (its verifier chain's oscrypto fails on OpenSSL 3):

    bp = alexa_blueprint(coach, skill_id="amzn1.ask.skill....", verify=True)
    app.register_blueprint(bp)      # POST /alexa

Flow of one request: read the raw body (at most MAX_BODY_BYTES, else 413; a body the server
cannot read, such as malformed chunked encoding, is a 400) -> parse JSON (400; nesting deeper
than MAX_JSON_DEPTH is refused before parsing) -> deserialize to a RequestEnvelope (400) -> run the verifiers when `verify` (400 with
the reason; the reason is logged at WARNING, never the body) -> `skill.invoke` -> the response
envelope as JSON (200). An exception inside the skill is logged with its traceback and
answered with a spoken apology (200): Alexa never sees a 500.

`verify=False` (only `psoas-coach serve --dev`, loopback only) runs no verifier at all.
`verify=True` without a skill id checks signature, chain and timestamp, skips the skill-id
check, and logs one WARNING when the blueprint is built.

The blueprint is exempt from the web app's CSRF protection (`bp.csrf_exempt = True`): it
is not a browser form, and Amazon's signature is what authenticates it.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from skill.verification import AbstractVerifier, VerificationError, default_verifiers, run_verifiers

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill
    from ask_sdk_model import RequestEnvelope

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 128 * 1024
MAX_JSON_DEPTH = 64  # Alexa envelopes nest about a dozen levels
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS_ONLY = bytes.maketrans(b"", b"")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
APOLOGY_TEXT = "Sorry, something went wrong on my side. Please try that again in a moment."


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(payload, separators=(",", ":")),
        status=status,
        mimetype="application/json",
        headers=headers,
    )


def _error(message: str, status: int = 400, headers: dict[str, str] | None = None) -> Response:
    return _json({"error": message}, status, headers)


def apology_envelope() -> dict[str, Any]:
    """A valid Alexa response envelope that apologises and ends the session."""
    return {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": f"<speak>{APOLOGY_TEXT}</speak>"},
            "shouldEndSession": True,
        },
    }


class BadRequest(Exception):
    """Client error with an HTTP status and a message safe to return."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def _serializer():
    from ask_sdk_core.serialize import DefaultSerializer

    return DefaultSerializer()


def json_depth(body: bytes) -> int:
    """How deeply the arrays and objects in a JSON text nest (strings ignored), in linear time."""
    brackets = _JSON_STRING.sub(b"", body).translate(_BRACKETS_ONLY, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def parse_envelope(body: bytes):
    """Raw bytes -> RequestEnvelope, or BadRequest(400) saying what is wrong."""
    from ask_sdk_model import RequestEnvelope

    if not body.strip():
        raise BadRequest("empty body: POST an Alexa request envelope (JSON)")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("body is not UTF-8 text") from None
    if json_depth(body) > MAX_JSON_DEPTH:
        raise BadRequest(f"body is not valid JSON for Alexa: nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        raise BadRequest("body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise BadRequest("body must be a JSON object (an Alexa request envelope)")
    if not isinstance(payload.get("request"), dict):
        raise BadRequest("envelope has no request object")
    try:
        envelope = _serializer().deserialize(text, RequestEnvelope)
    except Exception as exc:  # the SDK raises SerializationException and, on odd shapes, others
        raise BadRequest(f"not a valid Alexa request envelope ({type(exc).__name__})") from None
    if envelope is None or envelope.request is None:
        raise BadRequest("envelope has no request object")
    return envelope


def invoke_safely(skill: CustomSkill, envelope: RequestEnvelope, context: Any = None) -> dict[str, Any]:
    """skill.invoke, serialized; any exception is logged with its traceback and becomes an apology."""
    try:
        response = skill.invoke(request_envelope=envelope, context=context)
        out = _serializer().serialize(response)
        if not isinstance(out, dict):
            raise TypeError(f"skill returned {type(out).__name__}, not a response envelope")
        return out
    except Exception:
        log.exception(
            "the skill failed on a %s; answering with an apology",
            envelope.request.object_type if envelope.request is not None else "request",
        )
        return apology_envelope()


class SkillAdapter:
    """The skill behind one Flask route (flask_ask_sdk.skill_adapter.SkillAdapter's shape)."""

    def __init__(
        self,
        skill,
        skill_id: str | None,
        verifiers: Sequence[AbstractVerifier] | None,
        max_body_bytes: int = MAX_BODY_BYTES,
    ):
        self.skill = skill
        self.skill_id = skill_id
        self.verifiers = list(verifiers or [])
        self.max_body_bytes = max_body_bytes

    def _read_body(self) -> bytes:
        too_large = BadRequest(f"body is larger than {self.max_body_bytes} bytes", 413)
        # Our own limit, not the host app's MAX_CONTENT_LENGTH (the phone app's is smaller).
        request.max_content_length = (
            self.max_body_bytes + 1
        )  # +1: so reading one byte more detects "too large"
        length = request.content_length
        if length is not None and length > self.max_body_bytes:
            raise too_large
        try:
            body = request.stream.read(self.max_body_bytes + 1)
        except RequestEntityTooLarge:
            raise too_large from None
        except HTTPException as exc:  # e.g. the client went away mid-body
            raise BadRequest(exc.description or "could not read the request body", exc.code or 400) from None
        except Exception as exc:  # the server's reader: malformed chunked encoding, a body cut short...
            raise BadRequest(f"could not read the request body ({type(exc).__name__})") from None
        if len(body) > self.max_body_bytes:
            raise too_large
        return body

    def dispatch_request(self) -> Response:
        try:
            body = self._read_body()
            envelope = parse_envelope(body)
        except BadRequest as exc:
            log.warning("refused an Alexa request: %s", exc.message)
            return _error(exc.message, exc.status)
        if self.verifiers:
            try:
                run_verifiers(self.verifiers, dict(request.headers), body, envelope)
            except VerificationError as exc:
                log.warning("refused an Alexa request: verification failed: %s", exc.reason)
                return _error(f"request verification failed: {exc.reason}", 400)
            except Exception:  # a bug or an environment problem in a verifier: refuse, never a 500
                log.exception("refused an Alexa request: a verifier failed unexpectedly")
                return _error("request verification failed: the request could not be verified", 400)
        return _json(invoke_safely(self.skill, envelope))


class AlexaBlueprint(Blueprint):
    """`POST /alexa` with its adapter. `csrf_exempt` is the marker the web app's CSRF layer reads:
    this route is no browser form, and Amazon's signature is what authenticates it."""

    csrf_exempt = True

    def __init__(self, name: str, adapter: SkillAdapter):
        super().__init__(name, __name__)
        self.skill_adapter = adapter


def alexa_blueprint(
    coach,
    skill_id: str | None,
    verify: bool,
    verifiers: Sequence[AbstractVerifier] | None = None,
    *,
    skill=None,
    max_body_bytes: int = MAX_BODY_BYTES,
    name: str = "alexa",
) -> AlexaBlueprint:
    """The `POST /alexa` blueprint around one skill built from `coach` (once, here).

    verifiers: replaces the default verifier list (tests pass ones with a local trust root);
    ignored when verify is False. skill: an already built skill (default
    `skill.builder.build_skill(coach)`).
    """
    if skill is None:
        from skill.builder import build_skill

        skill = build_skill(coach)
    if verify:
        if verifiers is None:
            remember = None
            if coach is not None:
                from shared_content.replay import SeenRequests

                remember = SeenRequests(coach.store, getattr(coach, "clock", None) or time.time)
            verifiers = default_verifiers(skill_id, remember=remember)
        if not skill_id:
            log.warning(
                "ALEXA_SKILL_ID is not set: Alexa requests are verified (signature, certificate, "
                "timestamp) but not checked against a skill id. Set ALEXA_SKILL_ID in production."
            )
    else:
        verifiers = []
    adapter = SkillAdapter(skill, skill_id, verifiers, max_body_bytes=max_body_bytes)

    bp = AlexaBlueprint(name, adapter)

    @bp.post("/alexa")
    def alexa() -> Response:
        return adapter.dispatch_request()

    @bp.route("/alexa", methods=["GET", "PUT", "PATCH", "DELETE"])
    def alexa_wrong_method() -> Response:
        return _error("use POST with an Alexa request envelope", 405, {"Allow": "POST"})

    return bp
