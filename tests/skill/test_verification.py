"""The request verifiers on their own: URL rules, certificate chain, signature, timestamp, skill id,
the certificate cache and the production fetcher (against a real local HTTP server)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.verification import (
    CertificateCache,
    RequestVerifier,
    SkillIdVerifier,
    TimestampVerifier,
    VerificationError,
    default_roots,
    fetch_certificate_chain,
    normalise_cert_chain_url,
    parse_timestamp,
    remove_dot_segments,
)
from tests.skill.certs import ChainServer, sign

GOOD_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"


def verifier(pki, server, **kw) -> RequestVerifier:
    return RequestVerifier(roots=pki.roots, fetch=server.fetcher(), **kw)


BODY = json.dumps({"version": "1.0", "request": {"type": "LaunchRequest"}}).encode()


def headers(url: str = GOOD_URL, body: bytes = BODY, **extra) -> dict[str, str]:
    return {"SignatureCertChainUrl": url, "Signature-256": sign(body), **extra}


# --------------------------------------------------------------------------- URL rules (Amazon's examples)

VALID_URLS = [
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "HTTPS://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/./echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/%65cho-api-cert.pem",
]

INVALID_URLS = [
    ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https"),
    ("https://notamazon.com/echo.api/echo-api-cert.pem", "host"),
    ("https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem", "host"),
    ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "port"),
    ("https://s3.amazonaws.com:80/echo.api/echo-api-cert.pem", "port"),
    ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "path"),
    ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "path"),
    ("https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem", "path"),
    ("https://s3.amazonaws.com/echo.api/%2e%2e/invalid.path/echo-api-cert.pem", "path"),
    ("https://s3.amazonaws.com/echo.api", "path"),
    ("https://s3.amazonaws.com", "path"),
    ("https://user@s3.amazonaws.com/echo.api/echo-api-cert.pem", "user information"),
    ("https://s3.amazonaws.com@evil.example/echo.api/echo-api-cert.pem", "user information"),
    ("https://s3.amazonaws.com:99999/echo.api/x.pem", "well-formed"),
    ("https://[::1/echo.api/x.pem", "well-formed"),
    ("https://s3.amazonaws.com/echo.api/ x.pem", "well-formed"),
    ("https://s3.amazonaws.com/echo.api/x.pem\n", "well-formed"),
    ("ftp://s3.amazonaws.com/echo.api/x.pem", "https"),
    ("//s3.amazonaws.com/echo.api/x.pem", "https"),
    ("", "missing"),
]


@pytest.mark.parametrize("url", VALID_URLS)
def test_amazon_valid_url_forms_are_accepted_and_normalised(url):
    assert normalise_cert_chain_url(url) == "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"


@pytest.mark.parametrize("url,why", INVALID_URLS)
def test_invalid_url_forms_are_refused_with_a_reason(url, why):
    with pytest.raises(VerificationError) as err:
        normalise_cert_chain_url(url)
    assert why in err.value.reason


def test_missing_url_header_is_refused():
    with pytest.raises(VerificationError, match="missing SignatureCertChainUrl"):
        normalise_cert_chain_url(None)


@pytest.mark.parametrize(
    "path,expected",
    [
        ("/a/b/c/./../../g", "/a/g"),  # RFC 3986 5.2.4 examples
        ("mid/content=5/../6", "mid/6"),
        ("/../../x", "/x"),
        ("/echo.api/..", "/"),
        ("/echo.api/.", "/echo.api/"),
        ("", ""),
    ],
)
def test_remove_dot_segments_follows_rfc3986(path, expected):
    assert remove_dot_segments(path) == expected


@given(st.text(max_size=200))
@settings(max_examples=400, deadline=None)
def test_arbitrary_url_strings_never_crash_the_url_check(url):
    try:
        out = normalise_cert_chain_url(url)
    except VerificationError as exc:
        assert exc.reason
    else:
        assert out.startswith("https://s3.amazonaws.com/echo.api/")
        assert "/../" not in out and "/./" not in out


_segment = st.sampled_from(["..", ".", "echo.api", "ECHO.API", "invalid.path", "%2e%2E", "%2E", "x.pem", ""])


@given(
    scheme=st.sampled_from(["https", "HTTPS", "HtTpS", "http"]),
    host=st.sampled_from(["s3.amazonaws.com", "S3.AmazonAWS.com", "s3.amazonaws.com.", "amazonaws.com"]),
    port=st.sampled_from(["", ":443", ":563", ":"]),
    segments=st.lists(_segment, max_size=6),
)
@settings(max_examples=400, deadline=None)
def test_structured_urls_pass_exactly_when_every_rule_holds(scheme, host, port, segments):
    url = f"{scheme}://{host}{port}/" + "/".join(segments)
    path = remove_dot_segments("/" + "/".join(segments).replace("%2e", ".").replace("%2E", "."))
    should_pass = (
        scheme.lower() == "https"
        and host.lower() == "s3.amazonaws.com"
        and port in ("", ":443", ":")
        and path.startswith("/echo.api/")
    )
    try:
        out = normalise_cert_chain_url(url)
    except VerificationError:
        assert not should_pass, url
    else:
        assert should_pass, url
        assert out == "https://s3.amazonaws.com" + path


# --------------------------------------------------------------------------- chain and signature


def test_good_chain_and_signature_pass(pki, server):
    verifier(pki, server).verify(headers(), BODY, None)


def test_header_names_are_case_insensitive(pki, server):
    h = {"signaturecertchainurl": GOOD_URL, "SIGNATURE-256": sign(BODY)}
    verifier(pki, server).verify(h, BODY, None)


@pytest.mark.parametrize(
    "path,reason",
    [
        ("wrong-san.pem", "not issued to echo-api.amazon.com"),
        ("wildcard.pem", "not issued to echo-api.amazon.com"),
        ("expired.pem", "expired"),
        ("future.pem", "not yet valid"),
        ("untrusted.pem", "trusted root"),
        ("leaf-only.pem", "trusted root"),  # intermediate missing: no path to the root
        ("ec-leaf.pem", "RSA"),
        ("garbage.pem", "PEM"),
        ("empty.pem", "PEM"),
        ("missing.pem", "HTTP 404"),
    ],
)
def test_bad_chains_are_refused(pki, server, path, reason):
    with pytest.raises(VerificationError) as err:
        verifier(pki, server).verify(headers(f"https://s3.amazonaws.com/echo.api/{path}"), BODY, None)
    assert reason in err.value.reason


def test_the_production_trust_store_does_not_trust_a_home_made_ca(pki, server):
    v = RequestVerifier(fetch=server.fetcher())  # default roots: the certifi / system bundle
    with pytest.raises(VerificationError, match="trusted root"):
        v.verify(headers(), BODY, None)


def test_one_changed_byte_in_the_body_is_refused(pki, server):
    tampered = BODY.replace(b"LaunchRequest", b"LaunchRequesT")
    with pytest.raises(VerificationError, match="does not match"):
        verifier(pki, server).verify(headers(body=BODY), tampered, None)


@pytest.mark.parametrize(
    "mutate,reason",
    [
        (lambda h: h.pop("Signature-256"), "missing Signature-256"),
        (lambda h: h.update({"Signature-256": "not base64!!"}), "base64"),
        (lambda h: h.update({"Signature-256": ""}), "empty"),
        (lambda h: h.update({"Signature-256": "AAAA"}), "does not match"),
        (lambda h: h.update({"Signature-256": sign(b"another body")}), "does not match"),
    ],
)
def test_missing_or_garbled_signature_is_refused(pki, server, mutate, reason):
    h = headers()
    mutate(h)
    with pytest.raises(VerificationError) as err:
        verifier(pki, server).verify(h, BODY, None)
    assert reason in err.value.reason


def test_sha1_only_signature_is_refused_with_a_clear_reason(pki, server):
    from cryptography.hazmat.primitives import hashes

    h = {"SignatureCertChainUrl": GOOD_URL, "Signature": sign(BODY, algorithm=hashes.SHA1())}
    with pytest.raises(VerificationError, match="legacy SHA-1 .* Signature-256 is required"):
        verifier(pki, server).verify(h, BODY, None)


def test_a_bad_url_is_refused_before_anything_is_downloaded(pki, server):
    before = dict(server.hits)
    with pytest.raises(VerificationError, match="path"):
        verifier(pki, server).verify(
            headers("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem"), BODY, None
        )
    assert server.hits == before


def test_signature_is_checked_with_the_clock_of_the_verifier(pki, server):
    """Past the leaf's not_after by the verifier's own clock, a once-good chain is refused."""
    late = (pki.now + dt.timedelta(days=61)).timestamp()
    with pytest.raises(VerificationError, match="expired"):
        verifier(pki, server, clock=lambda: late).verify(headers(), BODY, None)


# --------------------------------------------------------------------------- cache


def test_cache_fetches_a_url_once(pki):
    srv = ChainServer({"/echo.api/echo-api-cert.pem": pki.good_chain})
    try:
        v = verifier(pki, srv)
        for _ in range(5):
            v.verify(headers(), BODY, None)
        # the same URL written differently is the same cache entry
        v.verify(headers("HTTPS://S3.amazonaws.com:443/echo.api/../echo.api/echo-api-cert.pem"), BODY, None)
        assert srv.hits == {"/echo.api/echo-api-cert.pem": 1}
    finally:
        srv.close()


def test_cache_fetches_once_under_concurrent_first_requests(pki):
    srv = ChainServer({"/echo.api/echo-api-cert.pem": pki.good_chain})
    srv.delay = 0.2
    try:
        v = verifier(pki, srv)
        errors: list[BaseException] = []

        def call():
            try:
                v.verify(headers(), BODY, None)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=call) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert srv.hits == {"/echo.api/echo-api-cert.pem": 1}
    finally:
        srv.close()


def test_failed_downloads_are_not_cached(pki):
    srv = ChainServer({})
    try:
        v = verifier(pki, srv)
        with pytest.raises(VerificationError, match="404"):
            v.verify(headers(), BODY, None)
        srv.files["/echo.api/echo-api-cert.pem"] = pki.good_chain
        v.verify(headers(), BODY, None)
        assert srv.hits["/echo.api/echo-api-cert.pem"] == 2
    finally:
        srv.close()


def test_invalid_chains_are_not_cached(pki):
    srv = ChainServer({"/echo.api/echo-api-cert.pem": pki.untrusted_chain})
    try:
        v = verifier(pki, srv)
        for _ in range(2):
            with pytest.raises(VerificationError):
                v.verify(headers(), BODY, None)
        assert len(v.cache) == 0
        assert srv.hits["/echo.api/echo-api-cert.pem"] == 2
    finally:
        srv.close()


def test_a_cached_chain_lapses_when_its_first_certificate_expires(pki):
    """The intermediate expires before the leaf: the cache entry ends with it, and the chain is
    downloaded and validated again (and then refused)."""
    srv = ChainServer({"/echo.api/echo-api-cert.pem": pki.short_intermediate_chain})
    clock = [pki.now.timestamp()]
    try:
        v = verifier(pki, srv, clock=lambda: clock[0])
        v.verify(headers(), BODY, None)
        clock[0] += 4 * 86400  # still inside every certificate: served from the cache
        v.verify(headers(), BODY, None)
        assert srv.hits == {"/echo.api/echo-api-cert.pem": 1}
        clock[0] += 2 * 86400
        with pytest.raises(VerificationError, match="trusted root"):
            v.verify(headers(), BODY, None)
        assert srv.hits == {"/echo.api/echo-api-cert.pem": 2}
    finally:
        srv.close()


def test_a_cached_chain_is_not_validated_again_on_every_request(pki, server, monkeypatch):
    v = verifier(pki, server)
    v.verify(headers(), BODY, None)
    calls = []
    monkeypatch.setattr(v, "_validate_chain", lambda *a: calls.append(a))
    for _ in range(3):
        v.verify(headers(), BODY, None)
    assert calls == []


def test_a_unique_query_string_does_not_bypass_the_cache(pki):
    srv = ChainServer({"/echo.api/echo-api-cert.pem": pki.good_chain})
    try:
        v = verifier(pki, srv)
        for i in range(10):
            v.verify(headers(f"{GOOD_URL}?nonce={i}"), BODY, None)
        assert srv.hits == {"/echo.api/echo-api-cert.pem": 1}
    finally:
        srv.close()


def test_concurrent_requests_share_one_slow_failing_download(pki):
    """Ten requests at once while the chain URL hangs: one download, and every request is answered
    (refused) within the fetch deadline, not one deadline after another."""
    srv = ChainServer({"/echo.api/echo-api-cert.pem": pki.good_chain})
    srv.delay = 30.0
    try:
        v = verifier(pki, srv)
        took: list[float] = []
        reasons: list[str] = []

        def call():
            started = time.monotonic()
            try:
                v.verify(headers(), BODY, None)
            except VerificationError as exc:
                reasons.append(exc.reason)
            took.append(time.monotonic() - started)

        threads = [threading.Thread(target=call) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=20)
        assert len(took) == 10 and max(took) < 3.5, took
        assert all("could not download" in r for r in reasons) and len(reasons) == 10
        assert srv.hits == {"/echo.api/echo-api-cert.pem": 1}
    finally:
        srv.delay = 0
        srv.close()


def test_too_many_distinct_downloads_at_once_are_refused_without_a_fetch(pki):
    release = threading.Event()
    started = []

    def slow_fetch(url):
        started.append(url)
        release.wait(5)
        raise VerificationError("could not download the certificate chain (test)")

    cache = CertificateCache(max_in_flight=2)
    v = RequestVerifier(roots=pki.roots, fetch=slow_fetch, cache=cache)
    threads = [
        threading.Thread(
            target=lambda i=i: pytest.raises(
                VerificationError, v.verify, headers(f"{GOOD_URL[:-4]}{i}.pem"), BODY, None
            )
        )
        for i in range(2)
    ]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 5
    while len(started) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(VerificationError, match="too many"):
        v.verify(headers(f"{GOOD_URL[:-4]}-third.pem"), BODY, None)
    release.set()
    for t in threads:
        t.join()
    assert len(started) == 2


def test_an_expired_cached_chain_is_downloaded_again(pki):
    srv = ChainServer({"/echo.api/echo-api-cert.pem": pki.good_chain})
    clock = [pki.now.timestamp()]
    try:
        v = verifier(pki, srv, clock=lambda: clock[0])
        v.verify(headers(), BODY, None)
        clock[0] = pki.leaf.not_valid_after_utc.timestamp() + 1
        with pytest.raises(VerificationError, match="expired"):
            v.verify(headers(), BODY, None)
        assert srv.hits == {"/echo.api/echo-api-cert.pem": 2}
    finally:
        srv.close()


def test_cache_entry_lapses_at_the_leaf_not_after(pki):
    cache = CertificateCache()
    not_after = pki.leaf.not_valid_after_utc.timestamp()
    cache.put("u", [pki.leaf, pki.intermediate])
    assert cache.get("u", not_after - 1) is not None
    assert cache.get("u", not_after) is None
    assert len(cache) == 0


def test_cache_is_bounded(pki):
    cache = CertificateCache(max_entries=3)
    for i in range(10):
        cache.put(f"u{i}", [pki.leaf])
    assert len(cache) == 3
    assert cache.get("u9", 0) is not None and cache.get("u0", 0) is None


# --------------------------------------------------------------------------- production fetcher (real HTTP)


def test_fetcher_downloads_over_http(pki, server):
    assert fetch_certificate_chain(server.base + "/echo.api/echo-api-cert.pem") == pki.good_chain


def test_fetcher_refuses_oversized_downloads(server):
    server.files["/echo.api/huge.pem"] = b"A" * 100_000
    with pytest.raises(VerificationError, match="too large"):
        fetch_certificate_chain(server.base + "/echo.api/huge.pem")


def test_fetcher_does_not_follow_redirects(server):
    with pytest.raises(VerificationError, match="HTTP 302"):
        fetch_certificate_chain(server.base + "/redirect/echo-api-cert.pem")


def test_fetcher_times_out():
    srv = ChainServer({"/echo.api/slow.pem": b"x"})
    srv.delay = 1.0
    try:
        started = time.monotonic()
        with pytest.raises(VerificationError, match="could not download .*Timeout"):
            fetch_certificate_chain(srv.base + "/echo.api/slow.pem", timeout=0.2)
        assert time.monotonic() - started < 1.0
    finally:
        srv.close()


def test_fetcher_gives_up_on_a_server_that_trickles_at_its_deadline():
    """A byte every 0.3 s never trips a per-read timeout; the total deadline still ends it."""
    import socket

    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle():
        conn, _ = listener.accept()
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 60000\r\n\r\n")
        while not stop.is_set():
            try:
                conn.sendall(b"A")
            except OSError:
                break
            time.sleep(0.3)
        conn.close()

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        with pytest.raises(VerificationError, match="could not download"):
            fetch_certificate_chain(
                f"http://127.0.0.1:{listener.getsockname()[1]}/echo.api/x.pem", deadline=1.0
            )
        assert time.monotonic() - started < 2.0
    finally:
        stop.set()
        listener.close()


def test_fetcher_reports_connection_failures():
    with pytest.raises(VerificationError, match="could not download"):
        fetch_certificate_chain("http://127.0.0.1:9/echo.api/x.pem", timeout=1)


def test_default_trust_store_loads_and_holds_amazon_root_ca_1():
    roots = default_roots()
    assert len(roots) > 50
    names = {r.subject.rfc4514_string() for r in roots}
    assert any("Amazon Root CA 1" in n for n in names)


# --------------------------------------------------------------------------- timestamp


class Env:
    """The two envelope attributes the timestamp/skill-id verifiers read, built by the real deserializer."""

    @staticmethod
    def make(timestamp, kind="LaunchRequest", app_ids=("amzn1.ask.skill.mine", "amzn1.ask.skill.mine")):
        from ask_sdk_core.serialize import DefaultSerializer
        from ask_sdk_model import RequestEnvelope

        env = {"version": "1.0", "request": {"type": kind, "requestId": "r", "timestamp": timestamp}}
        ctx_id, session_id = app_ids
        if ctx_id is not None:
            env["context"] = {"System": {"application": {"applicationId": ctx_id}, "user": {"userId": "u"}}}
        if session_id is not None:
            env["session"] = {"new": True, "sessionId": "s", "application": {"applicationId": session_id}}
        return DefaultSerializer().deserialize(json.dumps(env), RequestEnvelope)


NOW = 1_800_000_000.0


def iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("offset", [0, -150, 150, -30])
def test_timestamps_within_150_seconds_pass(offset):
    TimestampVerifier(clock=lambda: NOW).verify({}, b"", Env.make(iso(NOW + offset)))


@pytest.mark.parametrize(
    "offset,reason", [(-151, "151 s old"), (151, "151 s in the future"), (-86400, "old"), (3600, "future")]
)
def test_stale_or_future_timestamps_are_refused(offset, reason):
    with pytest.raises(VerificationError, match=reason):
        TimestampVerifier(clock=lambda: NOW).verify({}, b"", Env.make(iso(NOW + offset)))


def test_skill_events_may_be_up_to_an_hour_old():
    v = TimestampVerifier(clock=lambda: NOW)
    v.verify({}, b"", Env.make(iso(NOW - 3000), kind="AlexaSkillEvent.SkillDisabled"))
    with pytest.raises(VerificationError, match="old"):
        v.verify({}, b"", Env.make(iso(NOW - 3601), kind="AlexaSkillEvent.SkillDisabled"))
    with pytest.raises(VerificationError, match="future"):
        v.verify({}, b"", Env.make(iso(NOW + 151), kind="AlexaSkillEvent.SkillDisabled"))


def test_missing_timestamp_is_refused():
    with pytest.raises(VerificationError, match="no timestamp"):
        TimestampVerifier(clock=lambda: NOW).verify({}, b"", Env.make(None))


def test_naive_timestamps_are_read_as_utc():
    TimestampVerifier(clock=lambda: NOW).verify({}, b"", Env.make(iso(NOW)[:-1]))


@given(st.datetimes(timezones=st.none() | st.timezones()))
@settings(max_examples=300, deadline=None)
def test_any_datetime_either_passes_or_is_refused_with_a_reason(when):
    v = TimestampVerifier(clock=lambda: NOW)

    class R:
        object_type = "LaunchRequest"
        timestamp = when

    class E:
        request = R()

    try:
        v.verify({}, b"", E())
    except VerificationError as exc:
        assert exc.reason
    else:
        aware = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
        assert abs(aware.timestamp() - NOW) <= 150


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_arbitrary_timestamp_text_parses_or_is_refused(text):
    try:
        parse_timestamp(text)
    except VerificationError as exc:
        assert exc.reason


# --------------------------------------------------------------------------- skill id


def test_matching_skill_id_passes():
    SkillIdVerifier("amzn1.ask.skill.mine").verify({}, b"", Env.make(iso(NOW)))
    SkillIdVerifier("amzn1.ask.skill.mine").verify(
        {}, b"", Env.make(iso(NOW), app_ids=("amzn1.ask.skill.mine", None))
    )


@pytest.mark.parametrize(
    "app_ids,reason",
    [
        (("amzn1.ask.skill.other", "amzn1.ask.skill.other"), "different skill"),
        (("amzn1.ask.skill.mine", "amzn1.ask.skill.other"), "different skill"),
        (("amzn1.ask.skill.other", "amzn1.ask.skill.mine"), "different skill"),
        ((None, None), "no application id"),
    ],
)
def test_wrong_or_missing_skill_id_is_refused(app_ids, reason):
    with pytest.raises(VerificationError, match=reason):
        SkillIdVerifier("amzn1.ask.skill.mine").verify({}, b"", Env.make(iso(NOW), app_ids=app_ids))


_header_names = st.sampled_from(
    [
        "SignatureCertChainUrl",
        "signaturecertchainurl",
        "Signature-256",
        "signature-256",
        "Signature",
        "X-Other",
    ]
) | st.text(max_size=15)
_header_values = st.text(max_size=80) | st.sampled_from(
    [GOOD_URL, sign(BODY), "AAAA", "====", " " + sign(BODY)]
)


@given(hdrs=st.dictionaries(_header_names, _header_values, max_size=5))
@settings(max_examples=300, deadline=None)
def test_arbitrary_headers_are_verified_or_refused_with_a_reason(pki, server, hdrs):
    from skill.verification import _header

    try:
        verifier(pki, server).verify(hdrs, BODY, None)
    except VerificationError as exc:
        assert exc.reason
    else:  # passing needs the right URL and the real signature
        assert normalise_cert_chain_url(_header(hdrs, "SignatureCertChainUrl")) == GOOD_URL
        assert "".join(_header(hdrs, "Signature-256").split()) == sign(BODY)
