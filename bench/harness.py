"""What bench/alexa_latency.py and bench/page_cost.py share: signed servers, a keep-alive load
generator, and server CPU and memory from /proc.

- `SignedServers`: the test PKI (tests/skill/certs.py), a local chain server for its signing
  chain, and gunicorn servers started as production starts them (tests/e2e/servers.py, mode
  "production": `gunicorn -c python:psoas_coach.gunicorn_conf`, gevent workers, verification ON)
  serving bench/signed_wsgi.py, either Psoas Coach or the floor (bench/floor_skill.py).
- `presign`: Alexa requests signed ahead of time in a process pool (RSA-2048 signing costs the
  client about 1.5 ms, more than a floor request costs the server), each with its own request id.
- `Connection` / `saturate` / `offered_load`: raw HTTP/1.1 keep-alive connections on asyncio;
  saturation (every connection sends back to back) and a fixed offered load (open loop: latency
  counts from the request's scheduled time, so a slow server cannot hide its queue).
- `cpu_seconds(pids)`: utime + stime of the gunicorn master and workers; `rss_bytes`.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from skill import envelopes  # noqa: E402
from tests.e2e.servers import ServerProcess, start_server  # noqa: E402

CHAIN_PATH = "/echo.api/echo-api-cert.pem"
CHAIN_URL = f"https://s3.amazonaws.com{CHAIN_PATH}"
SKILL_ID = envelopes.DEFAULT_SKILL_ID
CLK_TCK = os.sysconf("SC_CLK_TCK")
APOLOGY_MARK = b"something went wrong on my side"


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# --------------------------------------------------------------------------- /proc


def cpu_seconds(pids: Sequence[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLK_TCK


def machine() -> str:
    import platform

    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores, {mem_gb:.0f} GB, Linux {platform.release()}, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at start"
    )


# --------------------------------------------------------------------------- signing


_signing_key: Any = None


def _init_signer(key_pem: bytes) -> None:
    global _signing_key
    from cryptography.hazmat.primitives import serialization

    _signing_key = serialization.load_pem_private_key(key_pem, password=None)


def _sign_all(bodies: list[bytes]) -> list[str]:
    from tests.skill.certs import sign

    return [sign(body, _signing_key) for body in bodies]


def request_bytes(host: str, body: bytes, signature: str) -> bytes:
    head = (
        f"POST /alexa HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nSignatureCertChainUrl: {CHAIN_URL}\r\n"
        f"Signature-256: {signature}\r\n\r\n"
    )
    return head.encode("ascii") + body


def get_bytes(host: str, path: str, headers: dict[str, str] | None = None) -> bytes:
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode("ascii")


# --------------------------------------------------------------------------- servers


class SignedServers:
    """The test PKI, a chain server, and the signed gunicorn servers started on it (`start`)."""

    def __init__(self, tmp: Path):
        from cryptography.hazmat.primitives import serialization

        from tests.skill.certs import ChainServer, build_pki, leaf_key

        self.tmp = tmp
        self.pki = build_pki()
        self.key = leaf_key()
        self.key_pem = self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self.chain_server = ChainServer({CHAIN_PATH: self.pki.good_chain})
        self.root_path = tmp / "bench-root.pem"
        self.root_path.write_bytes(self.pki.root.public_bytes(serialization.Encoding.PEM))
        self.servers: list[ServerProcess] = []

    def start(self, app: str, workers: int = 2, database_url: str | None = None) -> ServerProcess:
        from bench.floor_skill import READY_PATH

        server = start_server(
            self.tmp,
            mode="production",
            workers=workers,
            database_url=database_url,
            wsgi_app="bench.signed_wsgi:app",
            ready_path=READY_PATH if app == "floor" else "/pair",
            extra_env={
                "PSOAS_BENCH_APP": app,
                "PSOAS_BENCH_TRUST_ROOT": str(self.root_path),
                "PSOAS_BENCH_CHAIN_BASE": self.chain_server.base,
                "ALEXA_SKILL_ID": SKILL_ID,
            },
        )
        self.servers.append(server)
        return server

    def presign(self, bodies: list[bytes], processes: int = 2) -> list[str]:
        """Signature-256 values for `bodies`, in order, signed in `processes` processes."""
        if len(bodies) < 64:
            return _sign_here(self.key, bodies)
        chunks = [bodies[i : i + 256] for i in range(0, len(bodies), 256)]
        with ProcessPoolExecutor(processes, initializer=_init_signer, initargs=(self.key_pem,)) as pool:
            return [sig for part in pool.map(_sign_all, chunks) for sig in part]

    def sign(self, body: bytes) -> str:
        return _sign_here(self.key, [body])[0]

    def close(self) -> None:
        for server in self.servers:
            server.stop()
        self.chain_server.close()


def _sign_here(key: Any, bodies: list[bytes]) -> list[str]:
    from tests.skill.certs import sign

    return [sign(body, key) for body in bodies]


def bench_tmp() -> Path:
    return Path(tempfile.mkdtemp(prefix="psoas-bench-"))


class InProcess:
    """The server's way for a signed Alexa request, minus Flask and gunicorn, for in-process
    benches (profile_command.py, voice_mix.py): body -> `parse_envelope` -> the production
    verifiers on the test CA (the chain from a local HTTP server once, then from the cache) ->
    `invoke_safely` -> JSON. `coach()`: a Coach on SQLite in a fresh folder on /dev/shm when
    there is one (a commit's wait for a disk is not work the server's CPU does)."""

    def __init__(self) -> None:
        from tests.skill.certs import ChainServer, build_pki

        self.pki = build_pki()
        self.chains = ChainServer({CHAIN_PATH: self.pki.good_chain})
        self.fetch = self.chains.fetcher()

    @staticmethod
    def coach(database_url: str | None, prefix: str) -> Any:
        from shared_content.service import Coach

        shm = Path("/dev/shm")
        tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=shm if shm.is_dir() else None))
        return Coach.from_url(database_url or f"sqlite:///{tmp / 'bench.db'}")

    def verifiers(self, remember: Any = None) -> list[Any]:
        from skill.verification import default_verifiers

        return default_verifiers(SKILL_ID, roots=self.pki.roots, fetch=self.fetch, remember=remember)

    @staticmethod
    def handle(skill: Any, verifiers: list[Any], body: bytes, signature: str) -> dict[str, Any]:
        from skill.endpoint import invoke_safely, parse_envelope
        from skill.verification import run_verifiers

        envelope = parse_envelope(body)
        run_verifiers(
            verifiers, {"SignatureCertChainUrl": CHAIN_URL, "Signature-256": signature}, body, envelope
        )
        out: dict[str, Any] = invoke_safely(skill, envelope)
        json.dumps(out, separators=(",", ":"))
        return out

    def close(self) -> None:
        self.chains.close()


def envelope_bytes(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope, separators=(",", ":")).encode()


# --------------------------------------------------------------------------- the load generator


class HttpError(Exception):
    pass


@dataclass
class Connection:
    """One keep-alive connection; `next_request()` gives the bytes of its next request (or None: done)."""

    index: int
    next_request: Callable[[], bytes | None]
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    done: int = 0
    errors: list[str] = field(default_factory=list)

    address: tuple[str, int] | None = None

    async def open(self, host: str, port: int) -> None:
        self.address = (host, port)
        self.reader, self.writer = await asyncio.open_connection(host, port)

    async def exchange(self, data: bytes) -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None and self.address is not None
        if self.reader.at_eof():
            # The server closed it while idle (its keep-alive timeout, 10 s, passes while the
            # other server's phases run): a client reconnects, under the same index.
            await self._reopen()
        assert self.reader is not None and self.writer is not None
        self.writer.write(data)
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if exc.partial:
                raise
            # Closed by that timeout as the request went out, so not answered: sent once more on
            # a new connection (had it been answered, the server refuses the copy as a replay).
            await self._reopen()
            assert self.reader is not None and self.writer is not None
            self.writer.write(data)
            head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = None
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding":
                raise HttpError("chunked responses are not supported by the bench client")
        if length is None:
            raise HttpError("response without Content-Length")
        body = await self.reader.readexactly(length)
        return status, body

    async def _reopen(self) -> None:
        assert self.writer is not None and self.address is not None
        self.writer.close()
        await self.open(*self.address)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def check(status: int, body: bytes) -> str | None:
    if status != 200:
        return f"HTTP {status}: {body[:120]!r}"
    if APOLOGY_MARK in body:
        return "the skill answered with its apology (an exception inside)"
    return None


@dataclass
class PhaseResult:
    label: str
    requests: int
    seconds: float
    latencies_ms: list[float]
    cpu_s: float
    rss_bytes: int
    per_connection: list[int]
    errors: list[str]
    offered_rps: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.cpu_s / self.requests if self.requests else float("nan")

    def fairness(self) -> tuple[float, float]:
        """(smallest, largest) connection share divided by the mean share."""
        mean = sum(self.per_connection) / len(self.per_connection)
        return min(self.per_connection) / mean, max(self.per_connection) / mean

    def summary(self) -> dict[str, Any]:
        lo, hi = self.fairness()
        return {
            "label": self.label,
            "offered_rps": self.offered_rps,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "rps": round(self.rps, 1),
            "p50_ms": round(percentile(self.latencies_ms, 0.5), 2),
            "p99_ms": round(percentile(self.latencies_ms, 0.99), 2),
            "cpu_ms_per_request": round(self.cpu_ms_per_request, 3),
            "rss_mb": round(self.rss_bytes / 2**20, 1),
            "fairness_min": round(lo, 2),
            "fairness_max": round(hi, 2),
            "errors": len(self.errors),
        }


async def open_connections(server: ServerProcess, makers: Sequence[Callable[[], bytes | None]]):
    conns = [Connection(i, make) for i, make in enumerate(makers)]
    await asyncio.gather(*(c.open("127.0.0.1", server.port) for c in conns))
    return conns


async def saturate(server: ServerProcess, conns: list[Connection], total: int, label: str) -> PhaseResult:
    """Every connection sends back to back until `total` requests have been answered."""
    budget = [total]
    latencies: list[float] = []
    errors: list[str] = []
    counts = [0] * len(conns)

    async def run(conn: Connection) -> None:
        while budget[0] > 0:
            data = conn.next_request()
            if data is None:
                return
            budget[0] -= 1
            t = time.perf_counter()
            try:
                status, body = await conn.exchange(data)
            except (OSError, asyncio.IncompleteReadError, HttpError) as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                return
            latencies.append(1000 * (time.perf_counter() - t))
            counts[conn.index] += 1
            problem = check(status, body)
            if problem:
                errors.append(problem)

    cpu0, t0 = cpu_seconds(server.pids()), time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(run(c) for c in conns)), timeout=120)
    seconds, cpu = time.perf_counter() - t0, cpu_seconds(server.pids()) - cpu0
    done = sum(counts)
    return PhaseResult(label, done, seconds, latencies, cpu, server.rss_bytes(), counts, errors)


async def offered_load(
    server: ServerProcess, conns: list[Connection], rate: float, seconds: float, label: str
) -> PhaseResult:
    """`rate` requests per second for `seconds`, each on whichever connection is idle (open loop)."""
    loop = asyncio.get_running_loop()
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for conn in conns:
        idle.put_nowait(conn)
    latencies: list[float] = []
    errors: list[str] = []
    counts = [0] * len(conns)

    async def one(conn: Connection, scheduled: float, data: bytes) -> None:
        try:
            status, body = await conn.exchange(data)
        except (OSError, asyncio.IncompleteReadError, HttpError) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            return
        latencies.append(1000 * (loop.time() - scheduled))
        counts[conn.index] += 1
        problem = check(status, body)
        if problem:
            errors.append(problem)
        idle.put_nowait(conn)

    n = int(rate * seconds)
    tasks = []
    cpu0, t0 = cpu_seconds(server.pids()), loop.time()
    for i in range(n):
        scheduled = t0 + i / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        conn = await idle.get()
        data = conn.next_request()
        if data is None:
            errors.append(f"connection {conn.index} ran out of prepared requests")
            break
        tasks.append(asyncio.create_task(one(conn, scheduled, data)))
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=120)
    elapsed, cpu = loop.time() - t0, cpu_seconds(server.pids()) - cpu0
    result = PhaseResult(label, sum(counts), elapsed, latencies, cpu, server.rss_bytes(), counts, errors)
    result.offered_rps = rate
    return result
