"""Web Push to the installed phone app: RFC 8030 delivery, RFC 8291 encryption, RFC 8292 VAPID.

The payload is encrypted for the browser's subscription keys (p256dh, auth) with "aes128gcm"
(RFC 8188, one record), and each request carries `Authorization: vapid t=<JWT>, k=<public key>`
signed with the server's VAPID key. Keys come from PSOAS_VAPID_PRIVATE_KEY / PSOAS_VAPID_PUBLIC_KEY
(base64url: the 32-byte private scalar and the 65-byte uncompressed public point, the format
web-push tools print); `dev_vapid_keys(folder)` makes and keeps one pair for --dev.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

RECORD_SIZE = 4096
# RFC 8291 section 4: a push message of up to 4096 octets of ciphertext, header included.
MAX_PLAINTEXT = RECORD_SIZE - 16 - 1 - (16 + 4 + 1 + 65)
JWT_LIFETIME_SECONDS = 12 * 3600  # RFC 8292: at most 24 hours
DEFAULT_TTL_SECONDS = 4 * 3600
DEV_KEYS_FILE = "dev-vapid-keys.json"
Urgency = Literal["very-low", "low", "normal", "high"]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _public_bytes(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


class PushConfigError(ValueError):
    """The VAPID keys or a subscription are malformed; the message says which."""


@dataclass(frozen=True)
class VapidKeys:
    private_key: ec.EllipticCurvePrivateKey
    subject: str  # "mailto:..." or an https URL the push service can contact (RFC 8292 section 2.1)

    @property
    def public_key(self) -> str:
        """base64url of the uncompressed point: the applicationServerKey the browser subscribes with."""
        return b64url(_public_bytes(self.private_key.public_key()))

    @property
    def private_key_b64(self) -> str:
        return b64url(self.private_key.private_numbers().private_value.to_bytes(32, "big"))

    @classmethod
    def generate(cls, subject: str) -> VapidKeys:
        return cls(ec.generate_private_key(ec.SECP256R1()), subject)

    @classmethod
    def from_strings(cls, private_b64: str, public_b64: str | None, subject: str) -> VapidKeys:
        try:
            scalar = unb64url(private_b64.strip())
            if len(scalar) != 32:
                raise ValueError
            key = ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1())
        except ValueError:
            raise PushConfigError(
                "PSOAS_VAPID_PRIVATE_KEY must be the base64url 32-byte P-256 private key"
            ) from None
        keys = cls(key, subject)
        if public_b64 and public_b64.strip() != keys.public_key:
            raise PushConfigError("PSOAS_VAPID_PUBLIC_KEY does not belong to PSOAS_VAPID_PRIVATE_KEY")
        if not subject.startswith(("mailto:", "https://")):
            raise PushConfigError("the VAPID subject must be a mailto: or https: URL")
        return keys

    @classmethod
    def from_env(cls, environ: Mapping[str, str], subject: str) -> VapidKeys | None:
        """The keys from PSOAS_VAPID_PRIVATE_KEY / PSOAS_VAPID_PUBLIC_KEY, or None when not configured."""
        private = environ.get("PSOAS_VAPID_PRIVATE_KEY")
        if not private:
            return None
        return cls.from_strings(private, environ.get("PSOAS_VAPID_PUBLIC_KEY"), subject)

    def authorization(self, endpoint: str, now: float) -> str:
        """The RFC 8292 Authorization header value for a push to `endpoint`."""
        parts = urlsplit(endpoint)
        claims = {
            "aud": f"{parts.scheme}://{parts.netloc}",
            "exp": int(now) + JWT_LIFETIME_SECONDS,
            "sub": self.subject,
        }
        header = {"typ": "JWT", "alg": "ES256"}
        signing_input = (
            b64url(json.dumps(header, separators=(",", ":")).encode())
            + "."
            + b64url(json.dumps(claims, separators=(",", ":")).encode())
        )
        der = self.private_key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        token = signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
        return f"vapid t={token}, k={self.public_key}"


def dev_vapid_keys(folder: Path, subject: str) -> VapidKeys:
    """A VAPID key pair for --dev, made once and kept (0600) in the data folder, like the secret key."""
    path = folder / DEV_KEYS_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fresh = VapidKeys.generate(subject)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "w") as handle:
                json.dump({"private": fresh.private_key_b64, "public": fresh.public_key}, handle)
    stored = json.loads(path.read_text())
    return VapidKeys.from_strings(stored["private"], stored["public"], subject)


@dataclass(frozen=True)
class Subscription:
    """A browser's PushSubscription (`subscription.toJSON()`)."""

    endpoint: str
    p256dh: bytes  # 65-byte uncompressed P-256 point
    auth: bytes  # 16-byte secret

    @classmethod
    def from_json(cls, data: Any, *, allow_loopback_http: bool = False) -> Subscription:
        """Validated from JSON; `allow_loopback_http` lets tests use a plain-HTTP push service on 127.0.0.1."""
        try:
            endpoint = data["endpoint"]
            p256dh = unb64url(data["keys"]["p256dh"])
            auth = unb64url(data["keys"]["auth"])
        except (KeyError, TypeError, ValueError, AttributeError):
            raise PushConfigError("a subscription needs endpoint, keys.p256dh and keys.auth") from None
        parts = urlsplit(endpoint) if isinstance(endpoint, str) else None
        loopback_http = allow_loopback_http and parts is not None and parts.hostname == "127.0.0.1"
        if parts is None or (parts.scheme != "https" and not (loopback_http and parts.scheme == "http")):
            raise PushConfigError("a subscription endpoint must be an https URL")
        if len(p256dh) != 65 or p256dh[0] != 4 or len(auth) != 16:
            raise PushConfigError("keys.p256dh must be a P-256 point and keys.auth 16 bytes")
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
        except ValueError:
            raise PushConfigError("keys.p256dh is not a point on P-256") from None
        return cls(endpoint, p256dh, auth)


def _hmac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def encrypt(
    plaintext: bytes,
    subscription: Subscription,
    *,
    server_key: ec.EllipticCurvePrivateKey | None = None,
    salt: bytes | None = None,
) -> bytes:
    """The aes128gcm message body for `plaintext` (RFC 8291 section 3.4; one record, no padding)."""
    if len(plaintext) > MAX_PLAINTEXT:
        raise ValueError(f"a push payload is at most {MAX_PLAINTEXT} bytes")
    server_key = server_key or ec.generate_private_key(ec.SECP256R1())
    salt = salt or os.urandom(16)
    ua_public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), subscription.p256dh)
    as_public = _public_bytes(server_key.public_key())
    ecdh_secret = server_key.exchange(ec.ECDH(), ua_public)
    prk_key = _hmac(subscription.auth, ecdh_secret)
    ikm = _hmac(prk_key, b"WebPush: info\x00" + subscription.p256dh + as_public + b"\x01")
    prk = _hmac(salt, ikm)
    cek = _hmac(prk, b"Content-Encoding: aes128gcm\x00\x01")[:16]
    nonce = _hmac(prk, b"Content-Encoding: nonce\x00\x01")[:12]
    ciphertext = AESGCM(cek).encrypt(nonce, plaintext + b"\x02", None)  # 0x02: the last record
    header = salt + struct.pack("!IB", RECORD_SIZE, len(as_public)) + as_public
    return header + ciphertext


PushStatus = Literal["sent", "gone", "rejected", "retry"]


@dataclass(frozen=True)
class PushResult:
    status: PushStatus  # gone: forget this subscription (404/410); retry: 429 or 5xx or network
    http_status: int | None


Transport = Callable[[urllib.request.Request, float], int]


def _urlopen(request: urllib.request.Request, timeout: float) -> int:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - https endpoints only
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def send(
    subscription: Subscription,
    message: Mapping[str, Any],
    keys: VapidKeys,
    *,
    now: float | None = None,
    ttl: int = DEFAULT_TTL_SECONDS,
    urgency: Urgency = "normal",
    topic: str | None = None,
    timeout: float = 5.0,
    transport: Transport = _urlopen,
) -> PushResult:
    """Encrypt `message` (JSON) for the subscription and POST it to its push service (RFC 8030)."""
    body = encrypt(json.dumps(message, separators=(",", ":")).encode(), subscription)
    headers = {
        "TTL": str(max(0, int(ttl))),
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "Urgency": urgency,
        "Authorization": keys.authorization(subscription.endpoint, time.time() if now is None else now),
    }
    if topic:
        headers["Topic"] = topic
    request = urllib.request.Request(subscription.endpoint, data=body, headers=headers, method="POST")
    try:
        status = transport(request, timeout)
    except OSError:
        return PushResult("retry", None)
    if 200 <= status < 300:
        return PushResult("sent", status)
    if status in (404, 410):
        return PushResult("gone", status)
    if status == 429 or status >= 500:
        return PushResult("retry", status)
    return PushResult("rejected", status)
