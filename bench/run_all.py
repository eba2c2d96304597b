"""Run every benchmark in bench/ and print one summary table (`make bench`).

Every bench/*.py with a top-level `main()` (except this file) runs in its own process, one after
another (never in parallel: they time things). Each one's exit status is its verdict:
0 target met, 1 target missed, anything else it could not run. Its headline is the last stdout line
starting with "RESULT:" (else its last line).

--quick trims the long ones: sync_latency.py gets `--phones 100`, cold_start.py `--runs 3`,
alexa_latency.py and page_cost.py `--rounds 1`, profile_command.py `--requests 100`.
Without it, each runs with its own defaults (the full measurement).

Exits 0 when every benchmark met its target, 1 otherwise (missed, failed, timed out).

    python bench/run_all.py [--quick] [--only NAME ...] [--skip NAME ...] [--timeout S]
"""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

# Extra arguments in --quick mode (a flag is only passed when the script's source mentions it,
# so a benchmark still being written does not fail on an unknown option).
QUICK_ARGS: dict[str, list[str]] = {
    "sync_latency": ["--phones", "100"],
    "cold_start": ["--runs", "3"],
    "alexa_latency": ["--rounds", "1"],
    "page_cost": ["--rounds", "1"],
    "profile_command": ["--requests", "100"],
}
FULL_ARGS: dict[str, list[str]] = {}
# Cheap first; the long load test last.
ORDER = [
    "cold_start",
    "page_weight",
    "hold_timing",
    "profile_command",
    "page_cost",
    "alexa_latency",
    "sync_latency",
]
STATUS = {0: "PASS", 1: "MISSED"}


def discover() -> list[str]:
    names = []
    for path in sorted(BENCH.glob("*.py")):
        if path.name == Path(__file__).name or path.name.startswith("_"):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except (SyntaxError, OSError):
            names.append(path.stem)  # let it run and fail visibly rather than vanish from the table
            continue
        if any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body):
            names.append(path.stem)
    return sorted(names, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))


def args_for(name: str, quick: bool) -> list[str]:
    wanted = (QUICK_ARGS if quick else FULL_ARGS).get(name, [])
    source = (BENCH / f"{name}.py").read_text(encoding="utf-8")
    out, i = [], 0
    while i < len(wanted):
        flag = wanted[i]
        value = wanted[i + 1 : i + 2] if i + 1 < len(wanted) and not wanted[i + 1].startswith("--") else []
        if flag in source:
            out += [flag, *value]
        else:
            print(f"[run_all] {name}.py has no {flag} option; running it without", flush=True)
        i += 1 + len(value)
    return out


def run_one(name: str, extra: list[str], timeout: float) -> dict:
    cmd = [sys.executable, str(BENCH / f"{name}.py"), *extra]
    print(f"\n[run_all] === {name}: {' '.join(cmd[1:])}", flush=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env["PYTHONUNBUFFERED"] = "1"
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,
    )
    lines: list[str] = []

    def pump():
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            print(f"  {line}", end="", flush=True)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        rc = proc.wait(timeout)
        status = STATUS.get(rc, "ERROR")
    except subprocess.TimeoutExpired:
        import signal

        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        rc, status = proc.returncode, "TIMEOUT"
    reader.join(5)
    seconds = time.monotonic() - started
    results = [line for line in lines if line.startswith("RESULT:")]
    headline = (
        results[-1][len("RESULT:") :].strip()
        if results
        else next((line.strip() for line in reversed(lines) if line.strip()), "(no output)")
    )
    if status == "TIMEOUT":
        headline = f"killed after {timeout:.0f} s; last: {headline}"
    return {"name": name, "status": status, "rc": rc, "seconds": seconds, "headline": headline}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs of the long benchmarks")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these (e.g. page_weight)")
    parser.add_argument("--skip", nargs="+", metavar="NAME", default=[], help="leave these out")
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds per benchmark before it is killed (default 600 with --quick, else 3600)",
    )
    args = parser.parse_args(argv)
    timeout = args.timeout or (600.0 if args.quick else 3600.0)

    names = discover()
    strip = lambda n: n[:-3] if n.endswith(".py") else n  # noqa: E731
    if args.only:
        wanted = [strip(n) for n in args.only]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            print(
                f"run_all: no benchmark called {', '.join(unknown)} (have: {', '.join(names)})",
                file=sys.stderr,
            )
            return 2
        names = [n for n in names if n in wanted]
    names = [n for n in names if n not in {strip(s) for s in args.skip}]

    rows = [run_one(name, args_for(name, args.quick), timeout) for name in names]

    width = max([len(r["name"]) for r in rows] + [9])
    print(f"\n{'benchmark':<{width}}  {'status':<7} {'time s':>7}  result")
    print(f"{'-' * width}  {'-' * 7} {'-' * 7}  {'-' * 40}")
    for r in rows:
        print(f"{r['name']:<{width}}  {r['status']:<7} {r['seconds']:>7.1f}  {r['headline']}")
    failed = [r["name"] for r in rows if r["status"] != "PASS"]
    print(
        f"\n{len(rows) - len(failed)}/{len(rows)} met their targets"
        + (f"; not met or not run: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
