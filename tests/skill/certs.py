"""A local test PKI built with `cryptography`: a root CA, an intermediate, and a leaf for
echo-api.amazon.com, plus the broken variants the request verifier must refuse.

Nothing here touches the network. `sign(body, key)` produces the `Signature-256` header value
Alexa would send (base64 of RSA PKCS#1 v1.5 over SHA-256 of the exact body bytes).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ECHO_HOST = "echo-api.amazon.com"
DAY = dt.timedelta(days=1)


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Psoas Coach Test PKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


@functools.cache
def ca_key(label: str) -> ec.EllipticCurvePrivateKey:
    """One EC P-256 key per label (fast to make; the path validator accepts them for CAs)."""
    return ec.generate_private_key(ec.SECP256R1())


@functools.cache
def leaf_key(label: str = "leaf") -> rsa.RSAPrivateKey:
    """RSA like Amazon's signing certificate: Signature-256 is RSA PKCS#1 v1.5."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_ca(
    cn: str,
    key,
    *,
    issuer: x509.Certificate | None = None,
    issuer_key=None,
    not_before: dt.datetime,
    not_after: dt.datetime,
    path_length: int | None = None,
) -> x509.Certificate:
    """A root (self-signed, when `issuer` is None) or an intermediate CA certificate."""
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(issuer.subject if issuer else _name(cn))
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    return builder.sign(issuer_key or key, hashes.SHA256())


def make_leaf(
    issuer: x509.Certificate,
    issuer_key,
    *,
    key=None,
    dns_names=(ECHO_HOST,),
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> x509.Certificate:
    key = key or leaf_key()
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(_name(dns_names[0] if dns_names else "no-san"))
        .issuer_name(issuer.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in dns_names]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
        .sign(issuer_key, hashes.SHA256())
    )


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def sign(body: bytes, key: rsa.RSAPrivateKey | None = None, algorithm=None) -> str:
    """The Signature-256 header value for `body` (or a legacy SHA-1 `Signature` with algorithm=SHA1())."""
    key = key or leaf_key()
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), algorithm or hashes.SHA256())).decode("ascii")


@dataclass(frozen=True)
class TestPKI:
    """A trusted root, an intermediate under it, a good leaf, and the broken variants.

    Every `*_chain` attribute is the PEM served at a SignatureCertChainUrl: leaf first,
    then the intermediate (as Amazon serves it).
    """

    now: dt.datetime
    root: x509.Certificate
    intermediate: x509.Certificate
    leaf: x509.Certificate
    good_chain: bytes
    wrong_san_chain: bytes
    wildcard_san_chain: bytes
    expired_chain: bytes
    not_yet_valid_chain: bytes
    untrusted_chain: bytes
    leaf_only_chain: bytes
    ec_leaf_chain: bytes
    short_intermediate_chain: bytes  # good today; its intermediate expires in 5 days, the leaf in 60

    __test__ = False  # not a pytest class

    @property
    def roots(self) -> list[x509.Certificate]:
        return [self.root]


def build_pki(now: dt.datetime | None = None) -> TestPKI:
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    root_k, inter_k = ca_key("root"), ca_key("intermediate")
    root = make_ca("Test Root CA", root_k, not_before=now - 365 * DAY, not_after=now + 3650 * DAY)
    inter = make_ca(
        "Test Intermediate CA",
        inter_k,
        issuer=root,
        issuer_key=root_k,
        not_before=now - 365 * DAY,
        not_after=now + 1825 * DAY,
        path_length=0,
    )
    valid = {"not_before": now - 30 * DAY, "not_after": now + 60 * DAY}
    leaf = make_leaf(inter, inter_k, **valid)
    wrong_san = make_leaf(inter, inter_k, dns_names=("echo-api.example.com",), **valid)
    wildcard = make_leaf(inter, inter_k, dns_names=("*.amazon.com",), **valid)
    expired = make_leaf(inter, inter_k, not_before=now - 90 * DAY, not_after=now - DAY)
    future = make_leaf(inter, inter_k, not_before=now + DAY, not_after=now + 90 * DAY)

    other_root_k, other_inter_k = ca_key("other-root"), ca_key("other-intermediate")
    other_root = make_ca(
        "Untrusted Root CA", other_root_k, not_before=now - 365 * DAY, not_after=now + 3650 * DAY
    )
    other_inter = make_ca(
        "Untrusted Intermediate CA",
        other_inter_k,
        issuer=other_root,
        issuer_key=other_root_k,
        not_before=now - 365 * DAY,
        not_after=now + 1825 * DAY,
        path_length=0,
    )
    untrusted_leaf = make_leaf(other_inter, other_inter_k, **valid)

    ec_leaf = make_leaf(inter, inter_k, key=ca_key("ec-leaf"), **valid)

    short_k = ca_key("short-intermediate")
    short_inter = make_ca(
        "Short-lived Intermediate CA",
        short_k,
        issuer=root,
        issuer_key=root_k,
        not_before=now - 365 * DAY,
        not_after=now + 5 * DAY,
        path_length=0,
    )
    short_leaf = make_leaf(short_inter, short_k, **valid)

    return TestPKI(
        now=now,
        root=root,
        intermediate=inter,
        leaf=leaf,
        good_chain=pem(leaf, inter),
        wrong_san_chain=pem(wrong_san, inter),
        wildcard_san_chain=pem(wildcard, inter),
        expired_chain=pem(expired, inter),
        not_yet_valid_chain=pem(future, inter),
        untrusted_chain=pem(untrusted_leaf, other_inter),
        leaf_only_chain=pem(leaf),
        ec_leaf_chain=pem(ec_leaf, inter),
        short_intermediate_chain=pem(short_leaf, short_inter),
    )


def chain_files(pki: TestPKI) -> dict[str, bytes]:
    """The files a ChainServer serves for the verifier tests: each chain of `pki` at its path,
    plus two that are not certificates at all."""
    return {
        "/echo.api/echo-api-cert.pem": pki.good_chain,
        "/echo.api/wrong-san.pem": pki.wrong_san_chain,
        "/echo.api/wildcard.pem": pki.wildcard_san_chain,
        "/echo.api/expired.pem": pki.expired_chain,
        "/echo.api/future.pem": pki.not_yet_valid_chain,
        "/echo.api/untrusted.pem": pki.untrusted_chain,
        "/echo.api/leaf-only.pem": pki.leaf_only_chain,
        "/echo.api/ec-leaf.pem": pki.ec_leaf_chain,
        "/echo.api/garbage.pem": b"this is not a certificate",
        "/echo.api/empty.pem": b"",
    }


# --------------------------------------------------------------------------- a real local chain server


class ChainServer:
    """A real HTTP server on 127.0.0.1 serving PEM files by path, counting hits per path.

    `fetcher()` returns a fetch function for RequestVerifier: it maps the normalised
    https://s3.amazonaws.com/<path> URL onto this server and downloads it with the production
    `fetch_certificate_chain` (requests, timeout, size cap), so no test touches the network.
    """

    def __init__(self, files: dict[str, bytes] | None = None):
        import http.server
        import threading

        self.files: dict[str, bytes] = dict(files or {})
        self.hits: dict[str, int] = {}
        self.delay = 0.0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                import time as _time

                outer.hits[self.path] = outer.hits.get(self.path, 0) + 1
                if outer.delay:
                    _time.sleep(outer.delay)
                body = outer.files.get(self.path)
                if self.path.startswith("/redirect/"):
                    self.send_response(302)
                    self.send_header("Location", "/echo.api/" + self.path.rsplit("/", 1)[-1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/x-pem-file")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def fetcher(self, **kwargs):
        from skill.verification import CERT_CHAIN_HOST, fetch_certificate_chain

        prefix = f"https://{CERT_CHAIN_HOST}"

        def fetch(url: str) -> bytes:
            assert url.startswith(prefix + "/"), url
            return fetch_certificate_chain(self.base + url[len(prefix) :], **kwargs)

        return fetch

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
