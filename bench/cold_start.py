"""How long from a cold start to a served page?

  * serve    - launch `python -m psoas_coach.cli serve --dev` with a brand-new, empty data folder
               (XDG_DATA_HOME, no DATABASE_URL: the default SQLite file does not exist yet, so the
               time includes creating and migrating it) and poll `GET /` until the first 200.
  * content  - wall time of `psoas-coach content list --format json` (new process, output checked).
  * migrate  - `Store(url).migrate()` on a fresh SQLite file, timed inside a new process (Alembic's
               imports happen inside migrate(), so they count; importing shared_content does not).

Each is the median of --runs (5) runs; min and max are shown too.
Target: every serve run answers 200 within 60 s (expect ~1-3 s). content and migrate are reported
without a target. Exits 0 when the target is met, 1 when missed, 2 when a run failed outright.

    python bench/cold_start.py [--runs 5] [--limit 60]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.e2e.servers import ServerProcess, free_port  # noqa: E402  (stdlib-only helpers)

SERVE_LIMIT_S = 60.0
PYTHON = sys.executable


def _env(data_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PSOAS_SECRET_KEY"}}
    env["XDG_DATA_HOME"] = str(data_home)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def time_serve(tmp: Path, limit: float) -> float:
    """Seconds from Popen to the first 200 from `/`; raises RuntimeError when it never comes."""
    data_home = tmp / "data"
    data_home.mkdir(parents=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp / "server.log"
    log = open(log_path, "w")
    cmd = [PYTHON, "-m", "psoas_coach.cli", "serve", "--dev", "--host", "127.0.0.1", "--port", str(port)]
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=REPO,
        env=_env(data_home),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = ServerProcess(proc, url, port, 1, "dev", "", data_home, log_path, {})
    server._log_file = log
    try:
        while True:
            elapsed = time.perf_counter() - started
            if proc.poll() is not None:
                raise RuntimeError(f"serve exited with {proc.returncode}:\n{server.log_tail(20)}")
            if elapsed > limit * 2:
                raise RuntimeError(f"no 200 from / after {elapsed:.0f} s:\n{server.log_tail(20)}")
            try:
                with urllib.request.urlopen(url + "/", timeout=5) as resp:
                    if resp.status == 200:
                        resp.read()
                        elapsed = time.perf_counter() - started
                        break
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.01)
        db = data_home / "psoas-coach" / "psoas-coach.db"
        if not db.exists():
            raise RuntimeError(f"served, but the default database {db} was not created")
        return elapsed
    finally:
        server.stop()


def content_command() -> list[str]:
    exe = Path(PYTHON).with_name("psoas-coach")
    return [str(exe)] if exe.exists() else [PYTHON, "-m", "psoas_coach.cli"]


def time_content(tmp: Path) -> float:
    cmd = content_command() + ["content", "list", "--format", "json"]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, env=_env(tmp), capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {done.returncode}:\n{done.stderr[-2000:]}")
    data = json.loads(done.stdout)
    if not data:
        raise RuntimeError("content list printed an empty catalogue")
    return elapsed


MIGRATE_SNIPPET = """
import sys, time
from shared_content.store import Store
store = Store(sys.argv[1])
t = time.perf_counter()
store.migrate()
print(time.perf_counter() - t)
store.dispose()
"""


def time_migrate(tmp: Path) -> float:
    db = tmp / "fresh.db"
    done = subprocess.run(
        [PYTHON, "-c", MIGRATE_SNIPPET, f"sqlite:///{db}"],
        cwd=REPO,
        env=_env(tmp),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0 or not db.exists():
        raise RuntimeError(f"Store.migrate() failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def run_many(label: str, fn, runs: int) -> list[float]:
    times = []
    for i in range(runs):
        tmp = Path(tempfile.mkdtemp(prefix=f"cold-start-{label}-"))
        try:
            times.append(fn(tmp))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(f"  {label} run {i + 1}: {times[-1]:.3f} s", flush=True)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--limit", type=float, default=SERVE_LIMIT_S, help="serve target in seconds (default 60)"
    )
    args = parser.parse_args(argv)
    results = {}
    try:
        results["serve --dev: launch to first 200 from /"] = run_many(
            "serve", lambda tmp: time_serve(tmp, args.limit), args.runs
        )
        results["psoas-coach content list --format json"] = run_many("content", time_content, args.runs)
        results["Store.migrate() on a fresh SQLite file"] = run_many("migrate", time_migrate, args.runs)
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
        print(f"cold_start: a run failed: {exc}", file=sys.stderr)
        return 2
    print(f"\n{'measurement':<44} {'median s':>9} {'min s':>7} {'max s':>7}  target")
    for name, times in results.items():
        target = f"< {args.limit:g} s every run" if name.startswith("serve") else "-"
        print(f"{name:<44} {statistics.median(times):>9.3f} {min(times):>7.3f} {max(times):>7.3f}  {target}")
    serve = results["serve --dev: launch to first 200 from /"]
    ok = max(serve) < args.limit
    print(
        f"RESULT: cold start to first 200 median {statistics.median(serve):.2f} s (max {max(serve):.2f} s, "
        f"limit {args.limit:g} s) {'OK' if ok else 'MISSED'}; content list "
        f"{statistics.median(results['psoas-coach content list --format json']):.2f} s; migrate "
        f"{statistics.median(results['Store.migrate() on a fresh SQLite file']):.2f} s"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
