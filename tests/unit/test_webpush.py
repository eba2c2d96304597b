"""Web Push against a local stand-in push service: RFC 8030 headers, RFC 8292 VAPID, RFC 8291 payload.

The stand-in checks the headers, verifies the VAPID JWT with the key in `k=`, and decrypts the body
with the subscription's private key using the independent `http_ece` package.
"""

from __future__ import annotations

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from shared_content.webpush import (
    MAX_PLAINTEXT,
    PushConfigError,
    Subscription,
    VapidKeys,
    _public_bytes,
    b64url,
    dev_vapid_keys,
    send,
    unb64url,
)

SUBJECT = "mailto:care@psoas-coach.example"


class Browser:
    """The browser side of a subscription: its key pair and auth secret."""

    def __init__(self, endpoint: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.json = {
            "endpoint": endpoint,
            "keys": {"p256dh": b64url(_public_bytes(self.key.public_key())), "auth": b64url(self.auth)},
        }
        self.subscription = Subscription.from_json(self.json, allow_loopback_http=True)


class PushService:
    """Records each push; answers `status` (201 unless told otherwise)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.status = 201
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                service.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def service():
    server = PushService()
    yield server
    server.close()


def verify_vapid(header: str, origin: str, now: float) -> dict:
    """Check an `Authorization: vapid t=..., k=...` header as a push service does (RFC 8292)."""
    assert header.startswith("vapid ")
    params = dict(part.strip().split("=", 1) for part in header[len("vapid ") :].split(","))
    token, public = params["t"], params["k"]
    head_b64, claims_b64, signature_b64 = token.split(".")
    assert json.loads(unb64url(head_b64)) == {"typ": "JWT", "alg": "ES256"}
    signature = unb64url(signature_b64)
    assert len(signature) == 64
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public))
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    key.verify(der, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    claims = json.loads(unb64url(claims_b64))
    assert claims["aud"] == origin
    assert now < claims["exp"] <= now + 24 * 3600
    assert claims["sub"].startswith(("mailto:", "https://"))
    return {"claims": claims, "k": public}


def test_push_has_rfc_headers_a_valid_vapid_token_and_a_payload_the_browser_can_decrypt(service) -> None:
    keys = VapidKeys.generate(SUBJECT)
    browser = Browser(service.origin + "/push/abc123")
    now = time.time()
    message = {"title": "Time to stretch", "body": "Your daily routine is ready.", "url": "/routines"}
    result = send(browser.subscription, message, keys, now=now, ttl=3600, topic="daily")
    assert (result.status, result.http_status) == ("sent", 201)
    [push] = service.received
    headers = {k.lower(): v for k, v in push["headers"].items()}
    assert push["path"] == "/push/abc123"
    assert headers["ttl"] == "3600"
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["urgency"] == "normal" and headers["topic"] == "daily"
    vapid = verify_vapid(headers["authorization"], service.origin, now)
    assert vapid["k"] == keys.public_key
    plaintext = http_ece.decrypt(
        push["body"], private_key=browser.key, auth_secret=browser.auth, version="aes128gcm"
    )
    assert json.loads(plaintext) == message


def test_a_token_signed_by_another_key_fails_verification(service) -> None:
    keys, other = VapidKeys.generate(SUBJECT), VapidKeys.generate(SUBJECT)
    header = keys.authorization(service.origin + "/x", time.time())
    forged = header.split(", k=")[0] + ", k=" + other.public_key
    with pytest.raises(InvalidSignature):
        verify_vapid(forged, service.origin, time.time())


def test_each_push_is_encrypted_afresh(service) -> None:
    keys, browser = VapidKeys.generate(SUBJECT), Browser(service.origin + "/p")
    for _ in range(2):
        send(browser.subscription, {"n": 1}, keys)
    first, second = (p["body"] for p in service.received)
    assert first[:16] != second[:16] and first != second  # new salt and key each time


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(201, "sent"), (404, "gone"), (410, "gone"), (413, "rejected"), (429, "retry"), (503, "retry")],
)
def test_push_service_answers(service, status: int, outcome: str) -> None:
    service.status = status
    result = send(Browser(service.origin + "/p").subscription, {"x": 1}, VapidKeys.generate(SUBJECT))
    assert (result.status, result.http_status) == (outcome, status)


def test_unreachable_push_service_is_retry() -> None:
    browser = Browser("http://127.0.0.1:9/p")
    assert send(browser.subscription, {}, VapidKeys.generate(SUBJECT), timeout=0.5).status == "retry"


def test_payload_too_large_is_refused_before_sending(service) -> None:
    with pytest.raises(ValueError, match="at most"):
        send(
            Browser(service.origin + "/p").subscription,
            {"x": "y" * MAX_PLAINTEXT},
            VapidKeys.generate(SUBJECT),
        )
    assert service.received == []


def test_keys_from_the_environment() -> None:
    keys = VapidKeys.generate(SUBJECT)
    env = {"PSOAS_VAPID_PRIVATE_KEY": keys.private_key_b64, "PSOAS_VAPID_PUBLIC_KEY": keys.public_key}
    assert VapidKeys.from_env(env, SUBJECT).public_key == keys.public_key
    assert VapidKeys.from_env({}, SUBJECT) is None
    with pytest.raises(PushConfigError, match="does not belong"):
        VapidKeys.from_env(env | {"PSOAS_VAPID_PUBLIC_KEY": VapidKeys.generate(SUBJECT).public_key}, SUBJECT)
    with pytest.raises(PushConfigError, match="32-byte"):
        VapidKeys.from_env({"PSOAS_VAPID_PRIVATE_KEY": "not-a-key"}, SUBJECT)


def test_dev_keys_are_made_once_and_kept_private(tmp_path: Path) -> None:
    first = dev_vapid_keys(tmp_path, SUBJECT)
    again = dev_vapid_keys(tmp_path, SUBJECT)
    assert first.public_key == again.public_key
    assert (tmp_path / "dev-vapid-keys.json").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"endpoint": "http://push.example/x", "keys": {"p256dh": "AA", "auth": "AA"}},
        {
            "endpoint": "https://push.example/x",
            "keys": {"p256dh": b64url(b"\x04" + b"\x00" * 64), "auth": b64url(b"a" * 16)},
        },
        {
            "endpoint": "https://push.example/x",
            "keys": {"p256dh": b64url(b"\x04" * 65), "auth": b64url(b"short")},
        },
        "not an object",
    ],
)
def test_malformed_subscriptions_are_refused(data) -> None:
    with pytest.raises(PushConfigError):
        Subscription.from_json(data)


def test_plain_http_endpoints_only_for_loopback_tests() -> None:
    browser = Browser("http://127.0.0.1:1/p")
    with pytest.raises(PushConfigError, match="https"):
        Subscription.from_json(browser.json)
    with pytest.raises(PushConfigError, match="https"):
        Subscription.from_json(browser.json | {"endpoint": "http://10.0.0.1/p"}, allow_loopback_http=True)
