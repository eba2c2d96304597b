"""Start the real Psoas Coach server as its own OS process, for end-to-end tests and benchmarks.

    from tests.e2e.servers import start_server
    with start_server(tmp_dir, mode="dev", workers=2) as srv:       # psoas-coach serve --dev --workers 2
        requests.get(srv.url + "/pair")
        srv.rss_bytes()                                              # master + workers, from /proc

    start_server(tmp_dir, mode="production", workers=2)
        # gunicorn -c python:psoas_coach.gunicorn_conf psoas_coach.wsgi:app (after `psoas-coach migrate`),
        # PSOAS_SECRET_KEY set, Alexa request verification ON (unsigned /alexa requests get a 400).

Each server gets a free loopback port, its own XDG_DATA_HOME under `tmp_dir`, and DATABASE_URL
(a SQLite file under `tmp_dir` unless `database_url` is given, e.g. a PostgreSQL database). It runs
in a new session (process group), with RLIMIT_NOFILE raised to at least `nofile` in the child (and
PR_SET_PDEATHSIG, so a killed test run does not leave servers behind), its
output goes to `tmp_dir/server-<port>.log`, and `stop()` terminates the whole process group
(SIGTERM, then SIGKILL after `stop_timeout`). `start_server` waits until the app answers HTTP and
gunicorn has forked all its workers; if the process dies or never answers, ServerError carries the
log's tail.

Only the standard library is imported here (plus `requests`, lazily), so bench/ can use it too.
"""

from __future__ import annotations

import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MODES = ("dev", "production")


class ServerError(RuntimeError):
    """The server process exited or never answered; the message ends with its log's tail."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _child_setup(minimum_nofile: int):
    def preexec():  # runs in the child between fork and exec
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = minimum_nofile if hard == resource.RLIM_INFINITY else min(max(soft, minimum_nofile), hard)
        if want > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        try:  # Linux: if the test or bench process dies (timeout, SIGKILL), the server gets SIGTERM too
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    return preexec


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = _children(p)
        out.extend(kids)
        todo.extend(kids)
    return out


def vm_rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class ServerProcess:
    def __init__(
        self,
        proc: subprocess.Popen,
        url: str,
        port: int,
        workers: int,
        mode: str,
        database_url: str,
        data_home: Path,
        log_path: Path,
        env: dict[str, str],
    ):
        self.proc, self.url, self.port, self.workers, self.mode = proc, url, port, workers, mode
        self.database_url, self.data_home, self.log_path, self.env = database_url, data_home, log_path, env
        self.alexa_url = url + "/alexa"

    # --- inspection

    @property
    def pid(self) -> int:
        return self.proc.pid

    def worker_pids(self) -> list[int]:
        return _children(self.proc.pid)

    def pids(self) -> list[int]:
        """The gunicorn master (the process we started) and every process below it."""
        return [self.proc.pid, *_descendants(self.proc.pid)]

    def rss_bytes(self) -> int:
        """Sum of VmRSS of the master and its workers."""
        return sum(vm_rss_bytes(p) for p in self.pids())

    def rss_by_pid(self) -> dict[int, int]:
        return {p: vm_rss_bytes(p) for p in self.pids()}

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def alive(self) -> bool:
        return self.proc.poll() is None

    # --- life cycle

    def wait_ready(self, timeout: float = 45.0) -> None:
        deadline = time.monotonic() + timeout
        answered = 0
        last_error = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError(
                    f"server exited with status {self.proc.returncode} before answering\n"
                    f"--- {self.log_path}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=5) as r:
                    ok = r.status == 200
            except urllib.error.HTTPError as exc:
                ok, last_error = False, f"HTTP {exc.code}"
            except OSError as exc:
                ok, last_error = False, repr(exc)
            if ok:
                answered += 1
                # All workers forked, and a few answers in a row (each may land on another worker).
                if len(self.worker_pids()) >= self.workers and answered >= 2 * self.workers:
                    return
            time.sleep(0.1)
        self.stop()
        raise ServerError(
            f"server on {self.url} did not answer within {timeout:.0f} s ({last_error})\n"
            f"--- {self.log_path}:\n{self.log_tail()}"
        )

    def stop(self, stop_timeout: float = 10.0, graceful: bool = False) -> int | None:
        """Stop the process group; SIGKILL what is left after `stop_timeout`. Returns the exit status.

        SIGINT is gunicorn's quick shutdown: a test's open live streams would otherwise hold each
        stop for the whole graceful timeout (5 s). `graceful=True` sends SIGTERM, as systemd would."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM if graceful else signal.SIGINT)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(stop_timeout)
            except subprocess.TimeoutExpired:
                pass
        # Whatever is left in the group (a worker that outlived the master) goes too.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        return self.proc.returncode

    _log_file = None
    ready_path = "/pair"

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_server(
    tmp_dir: str | os.PathLike,
    *,
    mode: str = "dev",
    workers: int = 2,
    database_url: str | None = None,
    port: int | None = None,
    nofile: int = 4096,
    extra_env: dict[str, str] | None = None,
    ready_timeout: float = 45.0,
    python: str | None = None,
    entry: list[str] | None = None,
    wsgi_app: str = "psoas_coach.wsgi:app",
    ready_path: str = "/pair",
) -> ServerProcess:
    """Start `psoas-coach serve --dev --workers N` (mode "dev") or production gunicorn (mode "production").

    entry: what runs the CLI in dev mode (default ["-m", "psoas_coach.cli"]); a script path lets a
    diagnosis wrap the app (e.g. log bus deliveries) before calling psoas_coach.cli.main().
    wsgi_app: what production gunicorn serves (bench/signed_wsgi.py: the app on a test CA);
    ready_path: the GET that must answer 200 before the server counts as up.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    tmp = Path(tmp_dir)
    tmp.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    data_home = tmp / f"xdg-data-{port}"
    data_home.mkdir(exist_ok=True)
    runtime_dir = (
        tmp / f"xdg-run-{port}"
    )  # gunicorn puts its control socket in $XDG_RUNTIME_DIR; one per server
    runtime_dir.mkdir(mode=0o700, exist_ok=True)
    database_url = database_url or f"sqlite:///{tmp / f'psoas-{port}.db'}"
    python = python or sys.executable

    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PSOAS_SECRET_KEY", "ALEXA_SKILL_ID"}
    }
    env.update(
        {
            "XDG_DATA_HOME": str(data_home),
            "XDG_RUNTIME_DIR": str(runtime_dir),
            "DATABASE_URL": database_url,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])),
            "PYTHONUNBUFFERED": "1",
        }
    )
    if mode == "production":
        env["PSOAS_SECRET_KEY"] = secrets.token_hex(32)
        env["PSOAS_BIND"] = f"127.0.0.1:{port}"
        env["PSOAS_WORKERS"] = str(workers)
        # wsgi.py builds the app in each worker without migrating; migrate once, as a deploy would.
        done = subprocess.run(
            [python, "-m", "psoas_coach.cli", "migrate"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise ServerError(
                f"psoas-coach migrate failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            )
        cmd = [python, "-m", "gunicorn", "-c", "python:psoas_coach.gunicorn_conf", wsgi_app]
    else:
        cmd = [
            python,
            *(entry or ["-m", "psoas_coach.cli"]),
            "serve",
            "--dev",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
    env.update(extra_env or {})

    log_path = tmp / f"server-{port}.log"
    log_file = open(log_path, "w")
    proc = subprocess.Popen(
        cmd,
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_child_setup(nofile),
    )
    server = ServerProcess(
        proc, f"http://127.0.0.1:{port}", port, workers, mode, database_url, data_home, log_path, env
    )
    server._log_file = log_file
    server.ready_path = ready_path
    try:
        server.wait_ready(ready_timeout)
    except BaseException:
        server.stop()
        raise
    return server


class CuttableProxy:
    """A loopback TCP proxy in front of a server, whose connections a test can cut: a network blip
    the browser does not notice as "offline" (no `offline` event), only as a dropped connection.

        proxy = CuttableProxy(server.port); phone uses proxy.url
        proxy.cut(refuse_for=1.0)     # drop every open connection, refuse new ones for a second
        proxy.close()
    """

    def __init__(self, target_port: int, host: str = "127.0.0.1"):
        import threading

        self.target = (host, target_port)
        self.listener = socket.create_server((host, 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._refuse_until = 0.0
        self._closed = False
        self.accepted = 0
        self._thread = threading.Thread(target=self._accept_loop, name="cuttable-proxy", daemon=True)
        self._thread.start()

    def _accept_loop(self) -> None:
        import threading

        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if time.monotonic() < self._refuse_until:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
                self.accepted += 1
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            self._drop(s)

    def _drop(self, s: socket.socket) -> None:
        with self._lock:
            self._open.discard(s)
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            s.close()
        except OSError:
            pass

    def cut(self, refuse_for: float = 0.0) -> int:
        """Reset every open connection (RST, like a dropped network); returns how many were open."""
        self._refuse_until = time.monotonic() + refuse_for
        with self._lock:
            victims = list(self._open)
        for s in victims:
            try:  # SO_LINGER 0: close() sends RST instead of FIN
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
            self._drop(s)
        return len(victims) // 2

    def close(self) -> None:
        self._closed = True
        self.cut()
        self.listener.close()
        self._thread.join(2)
