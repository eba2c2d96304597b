"""The phone's session page beside a bare Flask route rendering one template, under the same server.

    .venv/bin/python bench/page_cost.py            # about 40-60 s; exits 1 if a target is missed

Both apps run as production runs (bench/signed_wsgi.py under `gunicorn -c python:psoas_coach.gunicorn_conf`,
2 gevent workers). One phone is paired with a speaker (signed LinkPhoneIntent, then POST /pair) and
a routine is started by voice, so `/session` shows a live exercise. Then 16 keep-alive connections
fetch, back to back, each of:

    GET /session                                       the full page
    GET /session  HX-Request, HX-Target: session-panel the #session-panel partial (what a control swaps)
    GET /session  HX-Request, HX-Target: main          the #main partial (an htmx navigation)
    GET /floor-page  (bench/floor_skill.py)            the floor: one bare Flask route, one small template

Server CPU per request is utime+stime of the gunicorn master and workers (/proc/<pid>/stat) over
the phase, divided by its answers; the phases alternate between the two servers, `--rounds` times.
Target (exit status 1 when missed): each session request costs at most 2x the floor's server CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (  # noqa: E402
    SignedServers,
    bench_tmp,
    envelope_bytes,
    get_bytes,
    machine,
    open_connections,
    saturate,
)
from skill import envelopes  # noqa: E402
from tests.e2e.clients import answer_before_start, pairing_code  # noqa: E402

CONNECTIONS = 16
RATIO_TARGET = 2.0
RESULTS = Path(__file__).resolve().parent / "results"
USER = "amzn1.ask.account.bench-page-speaker"


def _cookie(resp) -> str:
    found = re.search(r"psoas_phone=([^;]+)", resp.headers.get("Set-Cookie", ""))
    if not found:
        raise SystemExit(f"no psoas_phone cookie from {resp.url}")
    return f"psoas_phone={found.group(1)}"


def _voice(pki: SignedServers, url: str, envelope: dict) -> dict:
    import requests

    body = envelope_bytes(envelope)
    headers = {
        "Content-Type": "application/json",
        "SignatureCertChainUrl": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "Signature-256": pki.sign(body),
    }
    r = requests.post(url + "/alexa", data=body, headers=headers, timeout=30)
    if r.status_code != 200:
        raise SystemExit(f"/alexa answered {r.status_code}: {r.text[:300]}")
    return r.json()


def paired_phone_with_routine(pki: SignedServers, url: str) -> str:
    """A phone cookie for a person whose routine is running (paired by voice code, started by voice)."""
    import requests

    page = requests.get(url + "/pair", timeout=30)
    cookie = _cookie(page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    reply = _voice(pki, url, envelopes.intent("LinkPhoneIntent", user_id=USER, new_session=True))
    code = pairing_code(reply["response"]["outputSpeech"]["ssml"])
    r = requests.post(
        url + "/pair",
        data={"csrf_token": token, "code": code},
        headers={"Cookie": cookie},
        allow_redirects=False,
        timeout=30,
    )
    if r.status_code != 303:
        raise SystemExit(f"POST /pair answered {r.status_code}")
    if "psoas_phone=" in r.headers.get("Set-Cookie", ""):
        cookie = _cookie(r)
    session = envelopes.new_session_id()
    start = envelopes.intent(
        "StartRoutineIntent",
        {"routine": ("quick release", "quick-release")},
        user_id=USER,
        new_session=True,
        session_id=session,
    )
    reply = _voice(pki, url, start)
    for _ in range(3):  # the red-flag screen ("no"), then the before check-in ("skip"), as a person says
        attrs = reply.get("sessionAttributes") or {}
        answer = answer_before_start(attrs)
        if "v" in attrs or answer is None:
            break
        reply = _voice(pki, url, envelopes.intent(answer, user_id=USER, attributes=attrs, session_id=session))
    if "v" not in (reply.get("sessionAttributes") or {}):
        raise SystemExit(f"the routine did not start: {reply}")
    page = requests.get(url + "/session", headers={"Cookie": cookie}, timeout=30)
    if page.status_code != 200 or 'id="session-panel"' not in page.text:
        raise SystemExit(f"GET /session answered {page.status_code} without a session panel")
    # The first page that looks the person up marks the browser as seen in its cookie; a cookie
    # without that mark counts as a new browser each time (rate-limited per network, 429).
    if "psoas_phone=" in page.headers.get("Set-Cookie", ""):
        cookie = _cookie(page)
    return cookie


def kinds(cookie: str) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        "GET /session": ("/session", {"Cookie": cookie}),
        "GET /session #session-panel": (
            "/session",
            {"Cookie": cookie, "HX-Request": "true", "HX-Target": "session-panel"},
        ),
        "GET /session #main": ("/session", {"Cookie": cookie, "HX-Request": "true", "HX-Target": "main"}),
    }


async def phase(server, path: str, headers: dict[str, str], requests_: int, label: str):
    data = get_bytes(f"127.0.0.1:{server.port}", path, headers)
    conns = await open_connections(server, [lambda: data] * CONNECTIONS)
    try:
        return await saturate(server, conns, requests_, label)
    finally:
        for c in conns:
            c.close()


async def run(args) -> int:
    started = time.monotonic()
    print(f"machine: {machine()}", flush=True)
    pki = SignedServers(bench_tmp())
    results: dict[str, list] = {}
    try:
        coach = pki.start("coach", workers=args.workers, database_url=args.database_url)
        floor = pki.start("floor", workers=args.workers)
        cookie = paired_phone_with_routine(pki, coach.url)
        page_kinds = kinds(cookie)
        # Warm both: templates compiled, connections to the database open.
        for path, headers in page_kinds.values():
            await phase(coach, path, headers, 4 * CONNECTIONS, "warm-up")
        await phase(floor, "/floor-page", {}, 8 * CONNECTIONS, "warm-up")
        for n in range(args.rounds):
            if n and time.monotonic() - started > 0.75 * args.max_seconds:
                print(f"stopping after {n} rounds: the time budget is nearly spent")
                break
            results.setdefault("floor", []).append(
                await phase(floor, "/floor-page", {}, args.requests, "GET /floor-page (floor)")
            )
            for label, (path, headers) in page_kinds.items():
                results.setdefault(label, []).append(await phase(coach, path, headers, args.requests, label))
    finally:
        pki.close()

    floor_cpu = statistics.median(p.cpu_ms_per_request for p in results["floor"])
    print(f"\n{'request':<30} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10} {'x floor':>8}")
    failures, summary = [], {}
    for label, phases in results.items():
        cpu = statistics.median(p.cpu_ms_per_request for p in phases)
        ratio = cpu / floor_cpu
        s = [p.summary() for p in phases]
        row = {
            "rps": statistics.median(x["rps"] for x in s),
            "p50_ms": statistics.median(x["p50_ms"] for x in s),
            "p99_ms": statistics.median(x["p99_ms"] for x in s),
            "cpu_ms_per_request": round(cpu, 3),
            "ratio": round(ratio, 2),
            "errors": sum(x["errors"] for x in s),
        }
        summary[label] = row
        shown = phases[0].label
        print(
            f"{shown:<30} {row['rps']:>8.1f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
            f"{cpu:>10.3f} {ratio:>8.2f}"
        )
        if row["errors"]:
            failures.append(f"{label}: {row['errors']} failed requests ({sorted(set(phases[0].errors))[:2]})")
        if label != "floor" and ratio > RATIO_TARGET:
            failures.append(
                f"{label} costs {ratio:.2f}x the floor's server CPU (target <= {RATIO_TARGET:g}x)"
            )
    print(f"({len(results['floor'])} rounds, medians; total {time.monotonic() - started:.0f} s)")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"page_cost-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps({"machine": machine(), "args": vars(args), "summary": summary}, indent=2))
    print(f"results: {out}")
    ratios = ", ".join(f"{label} {row['ratio']:.2f}x" for label, row in summary.items() if label != "floor")
    print(f"RESULT: {ratios} the floor's server CPU (target <= {RATIO_TARGET:g}x)")
    if failures:
        print("\nTARGETS MISSED:", file=sys.stderr)
        for f in failures:
            print(f"  - {f}", file=sys.stderr)
        return 1
    print("all targets met")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200, help="answers per phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temporary folder")
    parser.add_argument("--max-seconds", type=float, default=90.0, help="time budget (default 90 s)")
    args = parser.parse_args(argv)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
