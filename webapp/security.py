"""CSRF protection, security headers and gzip, for every response the phone app sends."""

from __future__ import annotations

import gzip
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature
from werkzeug.exceptions import TooManyRequests

from webapp.page_cache import BoundedCache

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "manifest-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
GZIP_TYPES = {
    "text/html",
    "text/css",
    "application/javascript",
    "text/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
    "text/plain",
}
GZIP_MIN_BYTES = 500
# An unchanged identity cookie is signed again (its expiry moved a year on) at most this often.
COOKIE_REFRESH_INTERVAL = timedelta(days=1)


class CSRFError(Exception):
    """A state-changing request without this browser's token; answered with 400 and a message."""


def session_secret(key: str) -> str:
    """A random value kept in the signed session cookie under `key`, made on first use (1 year)."""
    value = session.get(key)
    if not value:
        value = secrets.token_urlsafe(32)
        session[key] = value
        session.permanent = True
    return value


def csrf_token() -> str:
    return session_secret("csrf")


def _exempt() -> bool:
    app = current_app
    view = app.view_functions.get(request.endpoint) if request.endpoint else None
    if view is not None and getattr(view, "csrf_exempt", False):
        return True
    return any(getattr(app.blueprints.get(name), "csrf_exempt", False) for name in request.blueprints)


def _as_bytes(value: object) -> bytes:
    # hmac.compare_digest refuses non-ASCII str; as UTF-8 bytes any text compares, in constant time.
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else b""


def refuse_request() -> None:
    """Mark this request as refused: its answer leaves the session cookie exactly as it was."""
    g.psoas_refused = True


def check_csrf():
    if request.method not in UNSAFE_METHODS or request.endpoint is None or _exempt():
        return None
    expected = session.get("csrf")
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD, "")
    if not expected or not sent or not hmac.compare_digest(_as_bytes(expected), _as_bytes(sent)):
        refuse_request()
        raise CSRFError()
    return None


# Cookies whose signature this process checked, by their exact text: a phone sends the same
# cookie with every request, and its HMAC, base64 and JSON need not be worked out each time.
# Only sessions of plain values are kept (a list, such as the flashed messages, could be
# changed in place by the request that reads it).
_SCALARS = (str, bool, int, float, type(None))
VERIFIED_COOKIES_KEPT = 4096


def _verified(app: Flask) -> BoundedCache[tuple[dict, datetime]]:
    found = app.extensions.get("psoas_verified_cookies")
    if found is None:
        found = app.extensions["psoas_verified_cookies"] = BoundedCache(VERIFIED_COOKIES_KEPT)
    return found


# A phone sends the same Cookie header with every request: its session cookie, parsed out of
# it once per process (werkzeug parses every cookie in the header, on every request).
COOKIE_HEADERS_KEPT = 4096


def _session_cookie(app: Flask, request, name: str) -> str | None:
    """`request.cookies.get(name)`, remembered by the request's exact Cookie header."""
    header = request.environ.get("HTTP_COOKIE")
    if not header:
        return None
    known = app.extensions.get("psoas_cookie_headers")
    if known is None:
        known = app.extensions["psoas_cookie_headers"] = BoundedCache(COOKIE_HEADERS_KEPT)
    found = known.get((name, header))
    if found is None:
        found = (request.cookies.get(name),)
        known.put((name, header), found)
    return found[0]


class SignedSession(SecureCookieSession):
    """The cookie session, with when its cookie was signed (None for a new one)."""

    psoas_signed_at: datetime | None = None


class RefusalKeepsCookieSessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, except that a refused request never sends a Set-Cookie, and an
    unchanged cookie is re-sent at most once a day.

    Without this a cross-site form post (which arrives without the SameSite=Lax cookie) got an
    error page that minted a new CSRF token, and so a fresh, empty session cookie that replaced
    the phone's identity.
    """

    session_class = SignedSession

    def get_signing_serializer(self, app):
        # Built once per app and keys (Flask builds one per request and per response).
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        found = app.extensions.get("psoas_cookie_serializer")
        if found is None or found[0] != keys:
            found = app.extensions["psoas_cookie_serializer"] = (keys, super().get_signing_serializer(app))
        return found[1]

    def open_session(self, app, request):
        # As Flask's, but remembering when the cookie was signed (see should_set_cookie), and
        # remembering cookies already verified (see _verified).
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = _session_cookie(app, request, self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = app.permanent_session_lifetime
        found = _verified(app).get(value)
        if found is not None and timedelta(0) <= datetime.now(UTC) - found[1] <= max_age:
            data, signed_at = found
        else:
            try:
                data, signed_at = serializer.loads(
                    value, max_age=int(max_age.total_seconds()), return_timestamp=True
                )
            except BadSignature:
                return self.session_class()
            if isinstance(data, dict) and all(isinstance(v, _SCALARS) for v in data.values()):
                _verified(app).put(value, (data, signed_at))
        session = self.session_class(data)  # a copy: the cached dict is never changed
        session.psoas_signed_at = signed_at
        return session

    def should_set_cookie(self, app, session) -> bool:
        """A changed session is always sent; an unchanged one only to move its year-long expiry
        on, once a day, rather than re-signing the same cookie on every answer."""
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "psoas_signed_at", None)
        return signed_at is None or datetime.now(UTC) - signed_at >= COOKIE_REFRESH_INTERVAL

    def save_session(self, app, session, response) -> None:
        if g.get("psoas_refused"):
            return
        if session and not self.should_set_cookie(app, session):
            # Flask's save_session for a cookie it does not send, without first looking up the
            # cookie's seven settings and parsing Vary.
            if session.accessed:
                add_vary(response, "Cookie")
            return
        super().save_session(app, session, response)


HSTS = "max-age=31536000; includeSubDomains"
# endpoint -> the limiter (webapp.limits) each request to it spends a token of
RATE_LIMITED_ENDPOINTS = {"pwa.session_commands": "command_batch"}


def check_rate_limits():
    name = RATE_LIMITED_ENDPOINTS.get(request.endpoint or "")
    if name is None:
        return None
    from webapp.limits import client_network, limiter

    wait = limiter(name).take(client_network())
    if wait:
        refuse_request()
        raise TooManyRequests(retry_after=wait)
    return None


def add_vary(response, name: str) -> None:
    """`response.vary.add(name)`, without parsing the header into a set and writing it back
    when the name is there already (every personal answer adds Cookie twice)."""
    current = response.headers.get("Vary")
    if not current:
        response.headers["Vary"] = name
    elif not _lists(current, name):
        response.headers["Vary"] = f"{current}, {name}"


def _lists(header: str, name: str) -> bool:
    """Whether a comma-separated header lists `name` (case-insensitively); the way this app
    writes them ("A, B, name") is recognised without splitting."""
    if header.endswith(", " + name) or header == name:
        return True
    return name.lower() in (part.strip().lower() for part in header.split(","))


def private_caching(response):
    """Anything built from a person's data is never stored by a browser or a proxy."""
    if g.get("psoas_personal"):
        current = response.headers.get("Cache-Control", "")
        if "no-store" not in current:
            kept = [
                d.strip() for d in current.split(",") if d.strip() in ("no-cache", "no-transform", "private")
            ]
            response.headers["Cache-Control"] = ", ".join(["no-store", *kept])
        add_vary(response, "Cookie")
    return response


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


_SECURITY_HEADERS_KEY = "psoas_security_headers"


def _security_headers_for(app: Flask) -> tuple[tuple[str, str], ...]:
    if app.config.get("PSOAS_DEV"):
        return SECURITY_HEADERS
    return (("Strict-Transport-Security", HSTS), *SECURITY_HEADERS)


def security_headers_of(app: Flask) -> tuple[tuple[str, str], ...]:
    """The security headers this app sends: HSTS too unless it serves plain HTTP (--dev)."""
    found: tuple[tuple[str, str], ...] = app.extensions[_SECURITY_HEADERS_KEY]
    return found


def security_headers(response):
    """Each header unless the response set its own (one pass over the headers, not one per name)."""
    wanted = security_headers_of(current_app)
    present = {name.lower() for name, _ in response.headers.items()}
    response.headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


def gzip_response(response):
    if (
        "gzip" not in request.headers.get("Accept-Encoding", "").lower()  # first: the cheapest test
        or response.status_code != 200
        or response.is_streamed
        and not response.direct_passthrough
        or response.mimetype not in GZIP_TYPES
        or "Content-Encoding" in response.headers
    ):
        return response
    response.direct_passthrough = False
    data = response.get_data()
    response.vary.add("Accept-Encoding")
    if len(data) <= GZIP_MIN_BYTES:
        return response
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(etag + "-gz", weak)
    return response


def init_app(app: Flask) -> None:
    app.session_interface = RefusalKeepsCookieSessionInterface()
    from webapp import limits

    limits.init_app(app)
    app.extensions[_SECURITY_HEADERS_KEY] = _security_headers_for(app)  # create_app set PSOAS_DEV
    app.before_request(check_csrf)
    app.before_request(check_rate_limits)
    app.after_request(gzip_response)
    app.after_request(security_headers)
    app.after_request(private_caching)
