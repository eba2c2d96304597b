"""Verifies that a request to POST /alexa really comes from Alexa, for this skill, just now.

Same roles as ask-sdk-webservice-support's verifiers (which cannot be imported on Debian 12: its
oscrypto cannot detect the version of OpenSSL 3's libcrypto), built on `cryptography`'s X.509
path validation:

- `RequestVerifier`: the `SignatureCertChainUrl` header names an Amazon URL (the rules of
  "Host a custom skill as a web service"), the PEM chain downloaded from it (leaf first)
  validates to a trusted root at the current time for echo-api.amazon.com, and the
  `Signature-256` header is an RSA PKCS#1 v1.5 SHA-256 signature of the exact body bytes
  by the leaf's key. Requests carrying only the legacy SHA-1 `Signature` are refused.
- `TimestampVerifier`: request.timestamp is within 150 s of now, in either direction
  (skill events such as AlexaSkillEvent.SkillDisabled may be up to an hour old, as Amazon
  documents and as the ASK SDK allows).
- `SkillIdVerifier`: the application id in the envelope equals the configured skill id.
- `ReplayVerifier` (last): a request id already answered within its timestamp window is refused,
  remembered in-process and, given `remember` (the database), across every worker.

`default_verifiers` runs the cheap checks (timestamp, skill id) before the one that may download
a certificate chain, so a stale or foreign request never makes us fetch anything. Downloads are
bounded (a connect timeout, a total deadline, a size cap, at most a few in flight per process)
and single-flight: requests arriving while a URL is being fetched wait for that one download and
share its result, success or failure. A validated chain is cached by its normalised URL (without
the query string, so a unique query cannot force a download) until the first certificate in it
expires, and is not validated again before then.

Each raises `VerificationError(reason)`; `reason` is a short sentence that is safe to log and
to return to the caller (it never contains the body or header values).

Every verifier has the same shape as the SDK's `AbstractVerifier`:
`verify(headers, body: bytes, envelope: RequestEnvelope | None) -> None`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import logging
import re
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import verification as x509v

if TYPE_CHECKING:  # ask-sdk-model is imported where an envelope is parsed, not here
    from ask_sdk_model import RequestEnvelope

log = logging.getLogger(__name__)

SIGNATURE_CERT_CHAIN_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_256_HEADER = "Signature-256"
LEGACY_SIGNATURE_HEADER = "Signature"

ECHO_API_DOMAIN = "echo-api.amazon.com"
CERT_CHAIN_HOST = "s3.amazonaws.com"
CERT_CHAIN_PATH_PREFIX = "/echo.api/"

TIMESTAMP_TOLERANCE_SECONDS = 150
SKILL_EVENT_TOLERANCE_SECONDS = 3600

FETCH_TIMEOUT_SECONDS = (1.5, 1.0)  # (connect, each read), for requests
FETCH_DEADLINE_SECONDS = 2.0  # the whole download; Alexa waits 8 s for the whole answer
MAX_CHAIN_BYTES = 64 * 1024  # Amazon's chain is ~5 KB
MAX_FETCHES_IN_FLIGHT = 4  # distinct URLs downloading at once per process; more are refused
REPLAY_MEMORY_ENTRIES = 100_000


class VerificationError(Exception):
    """The request is not a genuine, fresh Alexa request for this skill. `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


Fetch = Callable[[str], bytes]
Clock = Callable[[], float]


class AbstractVerifier:
    """Shape shared by every verifier (mirrors ask_sdk_webservice_support.verifier.AbstractVerifier)."""

    def verify(
        self, headers: Mapping[str, str], body: bytes, envelope: RequestEnvelope
    ) -> None:  # pragma: no cover
        raise NotImplementedError


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup for any mapping (Flask's headers, or a plain dict)."""
    value = headers.get(name)
    if value is not None:
        return value
    lower = name.lower()
    for key, val in headers.items():
        if isinstance(key, str) and key.lower() == lower:
            return val
    return None


# --------------------------------------------------------------------------- URL rules

_UNRESERVED_PCT = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_URL_CHARS = re.compile(r"[!-~]+")  # printable ASCII, no spaces or control characters


def _decode_unreserved(path: str) -> str:
    """RFC 3986 6.2.2.2: percent-encoded unreserved characters are equivalent to the characters."""

    def repl(m: re.Match[str]) -> str:
        ch = chr(int(m.group(1), 16))
        return ch if ch in _UNRESERVED else "%" + m.group(1).upper()

    return _UNRESERVED_PCT.sub(repl, path)


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, verbatim algorithm."""
    inp, out = path, list[str]()
    while inp:
        if inp.startswith("../"):
            inp = inp[3:]
        elif inp.startswith("./"):
            inp = inp[2:]
        elif inp.startswith("/./"):
            inp = "/" + inp[3:]
        elif inp == "/.":
            inp = "/"
        elif inp.startswith("/../"):
            inp = "/" + inp[4:]
            if out:
                out.pop()
        elif inp == "/..":
            inp = "/"
            if out:
                out.pop()
        elif inp in (".", ".."):
            inp = ""
        else:
            start = 1 if inp.startswith("/") else 0
            cut = inp.find("/", start)
            if cut == -1:
                cut = len(inp)
            out.append(inp[:cut])
            inp = inp[cut:]
    return "".join(out)


def normalise_cert_chain_url(url: Any) -> str:
    """The canonical https://s3.amazonaws.com/echo.api/... URL to download, or VerificationError.

    Scheme and host compare case-insensitively, the path case-sensitively after dot-segment
    removal; the port, if given, must be 443. User info, whitespace, control and non-ASCII
    characters are refused outright.
    """
    if not isinstance(url, str) or not url:
        raise VerificationError("missing SignatureCertChainUrl header")
    if len(url) > 2048 or not _URL_CHARS.fullmatch(url):
        raise VerificationError("SignatureCertChainUrl is not a well-formed URL")
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError:
        raise VerificationError("SignatureCertChainUrl is not a well-formed URL") from None
    if parts.scheme.lower() != "https":
        raise VerificationError("SignatureCertChainUrl must use https")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise VerificationError("SignatureCertChainUrl must not carry user information")
    if (host or "").lower() != CERT_CHAIN_HOST:
        raise VerificationError(f"SignatureCertChainUrl host must be {CERT_CHAIN_HOST}")
    if port is not None and port != 443:
        raise VerificationError("SignatureCertChainUrl port must be 443")
    path = remove_dot_segments(_decode_unreserved(parts.path))
    if not path.startswith(CERT_CHAIN_PATH_PREFIX):
        raise VerificationError(f"SignatureCertChainUrl path must start with {CERT_CHAIN_PATH_PREFIX}")
    # The query string is dropped: the path names the object, and a unique query string must not
    # turn every request into a fresh download.
    return f"https://{CERT_CHAIN_HOST}{path}"


# --------------------------------------------------------------------------- fetching


def fetch_certificate_chain(
    url: str,
    *,
    timeout: float | tuple[float, float] = FETCH_TIMEOUT_SECONDS,
    max_bytes: int = MAX_CHAIN_BYTES,
    deadline: float = FETCH_DEADLINE_SECONDS,
    session: Any = None,
) -> bytes:
    """Download the PEM chain with requests: timeouts, a total deadline, no redirects, a size cap.

    Each read returns whatever one socket read brings (`read1`), so a server trickling a byte at a
    time still meets the deadline. Network and HTTP failures become VerificationError.
    """
    import requests
    import urllib3

    getter = session or requests
    give_up_at = time.monotonic() + deadline
    try:
        with getter.get(url, timeout=timeout, allow_redirects=False, stream=True) as resp:
            if resp.status_code != 200:
                raise VerificationError(f"certificate chain download answered HTTP {resp.status_code}")
            data = bytearray()
            while True:
                if time.monotonic() > give_up_at:
                    raise VerificationError("could not download the certificate chain (Timeout: deadline)")
                chunk = resp.raw.read1(16384)
                if not chunk:
                    return bytes(data)
                data += chunk
                if len(data) > max_bytes:
                    raise VerificationError("certificate chain download is too large")
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        name = "Timeout" if isinstance(exc, urllib3.exceptions.TimeoutError) else type(exc).__name__
        raise VerificationError(f"could not download the certificate chain ({name})") from None


# --------------------------------------------------------------------------- trust roots

_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)
_default_roots: list[x509.Certificate] | None = None
_default_roots_lock = threading.Lock()


def load_pem_roots(data: bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM bundle that `cryptography` can parse (others are skipped)."""
    roots = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a few old roots have non-positive serials
        for block in _PEM_BLOCK.findall(data):
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return roots


def default_roots() -> list[x509.Certificate]:
    """The trust store: certifi's bundle (a declared dependency, so always installed)."""
    global _default_roots
    with _default_roots_lock:
        if _default_roots is None:
            with open(certifi.where(), "rb") as f:
                roots = load_pem_roots(f.read())
            if not roots:
                raise RuntimeError(f"the CA bundle {certifi.where()} holds no certificate we can parse")
            _default_roots = roots
        return _default_roots


# --------------------------------------------------------------------------- cache


class _Flight:
    """One download in progress: the requests that wait for it share its outcome."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.chain: list[x509.Certificate] | None = None
        self.error: BaseException | None = None


def chain_expiry(chain: Sequence[x509.Certificate]) -> float:
    """When the first certificate of a validated chain expires (its validation ends then)."""
    return min(cert.not_valid_after_utc.timestamp() for cert in chain)


class CertificateCache:
    """Validated certificate chains by normalised URL, each kept until its first certificate expires.

    Thread-safe. `get_or_load` is single-flight: while a URL loads, later callers wait for that
    load and get its chain or its error; failed loads are not cached. At most `max_in_flight`
    distinct URLs load at once; past that a new URL is refused at once, not queued.
    """

    def __init__(self, max_entries: int = 16, max_in_flight: int = MAX_FETCHES_IN_FLIGHT):
        self.max_entries = max_entries
        self.max_in_flight = max_in_flight
        self._entries: OrderedDict[str, tuple[float, list[x509.Certificate]]] = OrderedDict()
        self._lock = threading.Lock()
        self._flights: dict[str, _Flight] = {}

    def get(self, url: str, now: float) -> list[x509.Certificate] | None:
        with self._lock:
            return self._get_locked(url, now)

    def _get_locked(self, url: str, now: float) -> list[x509.Certificate] | None:
        entry = self._entries.get(url)
        if entry is None:
            return None
        expires, chain = entry
        if now >= expires:
            del self._entries[url]
            return None
        self._entries.move_to_end(url)
        return chain

    def put(self, url: str, chain: list[x509.Certificate]) -> None:
        expires = chain_expiry(chain)
        with self._lock:
            self._entries[url] = (expires, chain)
            self._entries.move_to_end(url)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get_or_load(
        self, url: str, now: float, load: Callable[[], list[x509.Certificate]]
    ) -> list[x509.Certificate]:
        with self._lock:
            chain = self._get_locked(url, now)
            if chain is not None:
                return chain
            flight = self._flights.get(url)
            leader = flight is None
            if leader:
                if len(self._flights) >= self.max_in_flight:
                    raise VerificationError("too many certificate chain downloads at once; try again")
                flight = self._flights[url] = _Flight()
        assert flight is not None
        if not leader:
            flight.done.wait()
            if flight.chain is None:
                raise flight.error or VerificationError("certificate chain download failed")
            return flight.chain
        try:
            flight.chain = load()
            self.put(url, flight.chain)
            return flight.chain
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                self._flights.pop(url, None)
            flight.done.set()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


# --------------------------------------------------------------------------- verifiers


class RequestVerifier(AbstractVerifier):
    """Certificate chain URL, certificate chain and body signature (see module docstring).

    roots: trusted root certificates (default: `default_roots()`); fetch: url -> PEM bytes
    (default: `fetch_certificate_chain`, requests with a timeout); cache: a CertificateCache
    (default: a new one per verifier); clock: seconds since the epoch.
    """

    def __init__(
        self,
        *,
        roots: Sequence[x509.Certificate] | None = None,
        fetch: Fetch | None = None,
        cache: CertificateCache | None = None,
        clock: Clock = time.time,
        domain: str = ECHO_API_DOMAIN,
    ):
        # The default trust store is loaded now, so a missing CA bundle stops the server at startup.
        self._store = x509v.Store(list(roots) if roots is not None else default_roots())
        self._fetch = fetch or fetch_certificate_chain
        self.cache = cache if cache is not None else CertificateCache()
        self._clock = clock
        self._domain = domain

    def verify(
        self, headers: Mapping[str, str], body: bytes, envelope: RequestEnvelope | None = None
    ) -> None:
        url = normalise_cert_chain_url(_header(headers, SIGNATURE_CERT_CHAIN_URL_HEADER))
        raw_sig = _header(headers, SIGNATURE_256_HEADER)
        if raw_sig is None:
            if _header(headers, LEGACY_SIGNATURE_HEADER) is not None:
                raise VerificationError(
                    "only the legacy SHA-1 Signature header was sent; Signature-256 is required"
                )
            raise VerificationError("missing Signature-256 header")
        signature = _decode_signature(raw_sig)
        now = self._clock()
        # A cached chain was validated when it was loaded and lapses when its first certificate
        # expires, so it is not validated again here.
        chain = self.cache.get_or_load(url, now, lambda: self._load_chain(url, now))
        public_key = chain[0].public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise VerificationError("signing certificate does not hold an RSA key")
        try:
            public_key.verify(signature, bytes(body), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise VerificationError("Signature-256 does not match the request body") from None

    def _load_chain(self, url: str, now: float) -> list[x509.Certificate]:
        data = self._fetch(url)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                chain = x509.load_pem_x509_certificates(bytes(data))
        except (ValueError, TypeError):
            raise VerificationError("certificate chain is not a valid PEM file") from None
        if not chain:
            raise VerificationError("certificate chain is empty")
        self._validate_chain(chain, now)
        return chain

    def _validate_chain(self, chain: list[x509.Certificate], now: float) -> None:
        leaf, intermediates = chain[0], chain[1:]
        when = dt.datetime.fromtimestamp(now, dt.UTC)
        if when < leaf.not_valid_before_utc:
            raise VerificationError("signing certificate is not yet valid")
        if when > leaf.not_valid_after_utc:
            raise VerificationError("signing certificate has expired")
        # Amazon: the domain must be present in the SAN list (a wildcard is not enough).
        try:
            names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            dns_names = {n.lower() for n in names.get_values_for_type(x509.DNSName)}
        except (x509.ExtensionNotFound, ValueError):
            dns_names = set()
        if self._domain not in dns_names:
            raise VerificationError(f"signing certificate is not issued to {self._domain}")
        try:
            verifier = (
                x509v.PolicyBuilder()
                .store(self._store)
                .time(when)
                .build_server_verifier(x509.DNSName(self._domain))
            )
            verifier.verify(leaf, intermediates)
        except x509v.VerificationError as exc:
            log.debug("certificate path validation failed: %s", exc)
            raise VerificationError("certificate chain does not validate to a trusted root") from None


def _decode_signature(value: str) -> bytes:
    try:
        sig = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise VerificationError("Signature-256 is not valid base64") from None
    if not sig:
        raise VerificationError("Signature-256 is empty")
    return sig


def _request_type(envelope: RequestEnvelope) -> str:
    return (envelope.request.object_type if envelope.request is not None else None) or ""


def parse_timestamp(value: Any) -> float:
    """Seconds since the epoch for a request timestamp (datetime or ISO 8601 text; naive = UTC)."""
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise VerificationError("request timestamp is not an ISO 8601 time") from None
    if not isinstance(value, dt.datetime):
        raise VerificationError("request has no timestamp")
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        return value.timestamp()
    except (OverflowError, ValueError, OSError):
        raise VerificationError("request timestamp is out of range") from None


class TimestampVerifier(AbstractVerifier):
    """request.timestamp within `tolerance` seconds of now (both directions)."""

    def __init__(
        self,
        tolerance: float = TIMESTAMP_TOLERANCE_SECONDS,
        *,
        skill_event_tolerance: float = SKILL_EVENT_TOLERANCE_SECONDS,
        clock: Clock = time.time,
    ):
        self.tolerance = tolerance
        self.skill_event_tolerance = skill_event_tolerance
        self._clock = clock

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: RequestEnvelope) -> None:
        if envelope.request is None:
            raise VerificationError("envelope has no request")
        when = parse_timestamp(envelope.request.timestamp)
        age = self._clock() - when
        allowed = (
            self.skill_event_tolerance
            if _request_type(envelope).startswith("AlexaSkillEvent.")
            else self.tolerance
        )
        if age > allowed:
            raise VerificationError(
                f"request timestamp is {age:.0f} s old; at most {allowed:.0f} s is allowed"
            )
        if -age > self.tolerance:
            raise VerificationError(f"request timestamp is {-age:.0f} s in the future")


def application_ids(envelope: RequestEnvelope) -> list[str | None]:
    """The application ids an envelope names: context.System.application, session.application."""
    ids: list[str | None] = []
    system = envelope.context.system if envelope.context is not None else None
    if system is not None and system.application is not None:
        ids.append(system.application.application_id)
    if envelope.session is not None and envelope.session.application is not None:
        ids.append(envelope.session.application.application_id)
    return ids


class SkillIdVerifier(AbstractVerifier):
    """Every application id in the envelope equals `skill_id`, and there is at least one."""

    def __init__(self, skill_id: str):
        if not skill_id:
            raise ValueError("SkillIdVerifier needs a skill id")
        self.skill_id = skill_id

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: RequestEnvelope) -> None:
        ids = application_ids(envelope)
        if not ids or any(i is None for i in ids):
            raise VerificationError("request names no application id")
        if any(i != self.skill_id for i in ids):
            raise VerificationError("request is for a different skill id")


Remember = Callable[[str, float], bool]


class ReplayVerifier(AbstractVerifier):
    """A request id is answered once within the window its timestamp is accepted in.

    Run it last, so only requests that passed every other check are remembered. Ids are kept
    in-process (bounded, expiring) and, when `remember(key, expires_at) -> first_time` is given,
    in the database, so a replay sent to another worker or machine is refused too. Keys are
    SHA-256 hashes of the request id.
    """

    def __init__(
        self,
        *,
        remember: Remember | None = None,
        clock: Clock = time.time,
        max_entries: int = REPLAY_MEMORY_ENTRIES,
    ):
        self._remember = remember
        self._clock = clock
        self._max_entries = max_entries
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: Any) -> None:
        request = getattr(envelope, "request", None)
        request_id = getattr(request, "request_id", None)
        if not isinstance(request_id, str) or not request_id:
            raise VerificationError("request has no request id")
        now = self._clock()
        try:
            when = parse_timestamp(getattr(request, "timestamp", None))
        except VerificationError:
            when = now
        allowed = (
            SKILL_EVENT_TOLERANCE_SECONDS
            if _request_type(envelope).startswith("AlexaSkillEvent.")
            else TIMESTAMP_TOLERANCE_SECONDS
        )
        # Kept until the timestamp check would refuse it anyway (a minute's margin for clocks).
        expires_at = max(when, now) + allowed + 60
        key = hashlib.sha256(request_id.encode("utf-8", "surrogatepass")).hexdigest()
        with self._lock:
            while self._seen and (
                next(iter(self._seen.values())) <= now or len(self._seen) >= self._max_entries
            ):
                self._seen.popitem(last=False)
            if key in self._seen:
                raise VerificationError("this request was already answered (a replay)")
            self._seen[key] = expires_at
        if self._remember is not None and not self._remember(key, expires_at):
            raise VerificationError("this request was already answered (a replay)")


def default_verifiers(
    skill_id: str | None,
    *,
    roots: Sequence[x509.Certificate] | None = None,
    fetch: Fetch | None = None,
    cache: CertificateCache | None = None,
    clock: Clock = time.time,
    remember: Remember | None = None,
) -> list[AbstractVerifier]:
    """What production runs, cheapest first: timestamp, the skill id when one is configured, then
    certificate chain + signature (the only one that may download), then the replay check.

    remember: the cross-process half of the replay check (see ReplayVerifier).
    """
    verifiers: list[AbstractVerifier] = [TimestampVerifier(clock=clock)]
    if skill_id:
        verifiers.append(SkillIdVerifier(skill_id))
    verifiers.append(RequestVerifier(roots=roots, fetch=fetch, cache=cache, clock=clock))
    verifiers.append(ReplayVerifier(remember=remember, clock=clock))
    return verifiers


def run_verifiers(
    verifiers: Iterable[AbstractVerifier], headers: Mapping[str, str], body: bytes, envelope: RequestEnvelope
) -> None:
    for verifier in verifiers:
        verifier.verify(headers, body, envelope)
