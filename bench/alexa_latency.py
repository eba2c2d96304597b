"""Voice commands beside the floor: Psoas Coach vs a bare ask-sdk-core skill, signed, on loopback.

    .venv/bin/python bench/alexa_latency.py                 # about 60-90 s; exits 1 if a target is missed
    .venv/bin/python bench/alexa_latency.py --rounds 1 --database-url postgresql+psycopg://...

Both servers run as production runs (tests/e2e/servers.py mode "production": `gunicorn -c
python:psoas_coach.gunicorn_conf`, 2 gevent workers, Alexa verification ON: signature, chain,
timestamp, skill id) from bench/signed_wsgi.py, which trusts only the test CA of
tests/skill/certs.py and downloads the signing chain from a local HTTP server. The floor is
bench/floor_skill.py: one LaunchRequest handler behind the same endpoint code.

Every request is signed ahead of time (a process pool, before the clock starts) and has its own
request id. Psoas Coach gets a realistic mix from 64 speakers, one keep-alive connection each:
launch, start a routine, next, next, repeat, pause, resume, next, next, stop. While warming up
each speaker does what a person does before that: "stop asking about my pain" (so each start in
the mix is a start, not the before check-in), then a first start, hearing the safety notice and
answering the once-only red-flag screen "no". The floor gets LaunchRequests.

Each round runs, for each server (the order alternates between rounds): saturation (64
connections back to back until a fixed number of answers), then fixed offered loads (open loop).
Server CPU per request is utime+stime of the gunicorn master and workers (/proc/<pid>/stat)
over the phase, divided by its answers; memory is their summed VmRSS.

Targets (exit status 1, with the reasons, when missed):
  - a voice command costs at most 2x the floor's server CPU (median over rounds, saturation);
  - under 64 keep-alive connections (the same ones in every round) each connection's share of the
    saturation answers is within 2x of the mean (both servers: it is the gunicorn configuration's);
  - the workers share the load: each one's saturation answers at least half an even split (which
    worker holds a connection is read from /proc after each saturation phase);
  - every request is answered 200 without the skill's apology.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (  # noqa: E402
    PhaseResult,
    SignedServers,
    bench_tmp,
    envelope_bytes,
    machine,
    offered_load,
    open_connections,
    request_bytes,
    saturate,
)
from skill import envelopes  # noqa: E402
from tests.e2e.clients import answer_before_start  # noqa: E402

CONNECTIONS = 64
ROUTINE = ("quick release", "quick-release")
# One speaker's turns, repeated: (intent or "launch", starts a new session).
MIX = [
    ("launch", True),
    ("StartRoutineIntent", True),
    ("AMAZON.NextIntent", False),
    ("AMAZON.NextIntent", False),
    ("AMAZON.RepeatIntent", False),
    ("AMAZON.PauseIntent", False),
    ("AMAZON.ResumeIntent", False),
    ("AMAZON.NextIntent", False),
    ("AMAZON.NextIntent", False),
    ("AMAZON.StopIntent", False),
]
CPU_RATIO_TARGET = 2.0
FAIRNESS_TARGET = 2.0
RESULTS = Path(__file__).resolve().parent / "results"


def speaker_id(i: int) -> str:
    return f"amzn1.ask.account.bench-speaker-{i}"


def mix_bodies(user: int, count: int) -> list[bytes]:
    """`count` turns of speaker `user`, following MIX from the top."""
    bodies, session = [], envelopes.new_session_id()
    for name, new_session in itertools.islice(itertools.cycle(MIX), count):
        if new_session:
            session = envelopes.new_session_id()
        if name == "launch":
            env = envelopes.launch(speaker_id(user), session_id=session)
        else:
            slots = {"routine": ROUTINE} if name == "StartRoutineIntent" else None
            env = envelopes.intent(
                name, slots, user_id=speaker_id(user), new_session=new_session, session_id=session
            )
        bodies.append(envelope_bytes(env))
    return bodies


def floor_bodies(count: int) -> list[bytes]:
    return [envelope_bytes(envelopes.launch(f"amzn1.ask.account.floor-{i}")) for i in range(count)]


class Prepared:
    """Signed request bytes: one queue per Psoas Coach speaker, one shared queue for the floor."""

    def __init__(self, host_coach: str, host_floor: str, speakers: list[list[bytes]], floor: list[bytes]):
        self.speakers = [iter(s) for s in speakers]
        self.floor = iter(floor)
        self.host_coach, self.host_floor = host_coach, host_floor

    def coach_maker(self, i: int):
        return lambda: next(self.speakers[i], None)

    def floor_maker(self, i: int):
        return lambda: next(self.floor, None)


def sign_bodies(pki: SignedServers, args) -> tuple[list[list[tuple[bytes, str]]], list[tuple[bytes, str]]]:
    """Every body the run may send, signed: per speaker, enough for twice its fair share plus two."""

    def cap(answers: float) -> int:
        return math.ceil(2 * answers / CONNECTIONS) + 2

    per_speaker = args.rounds * (
        cap(args.coach_requests) + sum(cap(rate * args.load_seconds) for rate in args.loads)
    )
    floor_total = args.rounds * (args.floor_requests + sum(int(r * args.load_seconds) for r in args.loads))
    speakers = [mix_bodies(u, per_speaker) for u in range(CONNECTIONS)]
    floor = floor_bodies(floor_total + 8 * CONNECTIONS)
    flat = [b for s in speakers for b in s] + floor
    t = time.perf_counter()
    sigs = iter(pki.presign(flat, processes=os.cpu_count() or 2))
    print(f"signed {len(flat)} requests in {time.perf_counter() - t:.1f} s", flush=True)
    return [[(b, next(sigs)) for b in s] for s in speakers], [(b, next(sigs)) for b in floor]


def prepare(signed, coach_port: int, floor_port: int) -> Prepared:
    speakers, floor = signed
    coach_host, floor_host = f"127.0.0.1:{coach_port}", f"127.0.0.1:{floor_port}"
    return Prepared(
        coach_host,
        floor_host,
        [[request_bytes(coach_host, b, sig) for b, sig in s] for s in speakers],
        [request_bytes(floor_host, b, sig) for b, sig in floor],
    )


async def warm_up(pki: SignedServers, coach, floor, prepared: Prepared) -> None:
    """Each speaker turns the pain check-ins off and starts a first routine, answering the red-flag
    screen "no" as a person with no warning signs does (tests/e2e/clients.answer_before_start);
    both servers answer a few requests first, so imports and caches are warm before the clock starts."""
    from bench.harness import Connection

    async def speaker(i: int) -> None:
        conn = Connection(i, lambda: None)
        await conn.open("127.0.0.1", coach.port)

        async def say(name: str, slots=None, attrs=None, *, new_session: bool = False) -> dict:
            env = envelopes.intent(
                name,
                slots,
                user_id=speaker_id(i),
                new_session=new_session,
                attributes=attrs,
                session_id=session,
            )
            body = envelope_bytes(env)
            status, reply = await conn.exchange(request_bytes(prepared.host_coach, body, pki.sign(body)))
            if status != 200:
                raise SystemExit(f"warm-up: /alexa answered {status}: {reply[:300]!r}")
            return json.loads(reply).get("sessionAttributes") or {}

        session = envelopes.new_session_id()
        await say("CheckinsOffIntent", new_session=True)
        session = envelopes.new_session_id()
        attrs = await say("StartRoutineIntent", {"routine": ROUTINE}, new_session=True)
        for _ in range(3):
            answer = answer_before_start(attrs)  # the screen, the check-in, then "ready" for the equipment
            if answer is None:
                break
            attrs = await say(answer, attrs=attrs)
        if "v" not in attrs:
            raise SystemExit(f"warm-up: the routine did not start: {attrs!r}")
        conn.close()

    await asyncio.gather(*(speaker(i) for i in range(CONNECTIONS)))
    conns = await open_connections(floor, [prepared.floor_maker(i) for i in range(8)])
    await saturate(floor, conns, 8 * CONNECTIONS, "floor warm-up")
    for c in conns:
        c.close()


def socket_inodes(pid: int) -> set[int]:
    """The inodes of the sockets process `pid` holds open."""
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(int(target[8:-1]))
    except OSError:
        pass
    return inodes


def workers_of(server, conns) -> list[int | None]:
    """Which gunicorn worker (pid) holds the server end of each connection, from /proc: the
    loopback socket from the server's port to the connection's local port, and whose fd it is."""
    inode_of = {}  # client port -> inode of the server's end
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], int(fields[9])
            if int(local.split(":")[1], 16) == server.port and inode:
                inode_of[int(remote.split(":")[1], 16)] = inode
    holder = {inode: pid for pid in server.pids()[1:] for inode in socket_inodes(pid)}
    pids = []
    for conn in conns:
        port = conn.writer.get_extra_info("sockname")[1] if conn.writer is not None else None
        pids.append(holder.get(inode_of.get(port, -1)))
    return pids


async def run_server_phases(
    server, conns, sat_requests: int, args, label: str
) -> tuple[list[PhaseResult], list[int | None]]:
    """The phases, and which worker held each connection at the end of the saturation phase."""
    results = [await saturate(server, conns, sat_requests, f"{label} saturation")]
    workers = workers_of(server, conns)
    for rate in args.loads:
        results.append(await offered_load(server, conns, rate, args.load_seconds, f"{label} {rate:g} rps"))
    return results, workers


def worker_loads(phase: PhaseResult, workers: list[int | None]) -> list[tuple[int, int]]:
    """(connections, answers) per worker in a saturation phase, most answers first."""
    by_worker: dict[int | None, list[int]] = {}
    for pid, answers in zip(workers, phase.per_connection, strict=True):
        by_worker.setdefault(pid, []).append(answers)
    return sorted(((len(a), sum(a)) for a in by_worker.values()), key=lambda ca: -ca[1])


def median(values):
    return statistics.median(values) if values else float("nan")


def report(
    rounds: list[dict[str, list[PhaseResult]]], workers: list[dict[str, list[int | None]]], args
) -> tuple[dict, list[str]]:
    failures: list[str] = []
    print()
    header = f"{'round':>5}  {'phase':<26} {'answers':>7} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} "
    header += f"{'CPU ms/req':>10} {'RSS MB':>7} {'share min/max':>14} {'errors':>6}"
    print(header)
    for n, rnd in enumerate(rounds, 1):
        for phases in rnd.values():
            for p in phases:
                s = p.summary()
                # A share means something at saturation; at a low offered load it is the round-robin.
                shares = "-" if p.offered_rps else f"{s['fairness_min']:.2f}/{s['fairness_max']:.2f}"
                print(
                    f"{n:>5}  {p.label:<26} {s['requests']:>7} {s['rps']:>8.1f} {s['p50_ms']:>8.2f} "
                    f"{s['p99_ms']:>8.2f} {s['cpu_ms_per_request']:>10.3f} {s['rss_mb']:>7.1f} "
                    f"{shares:>14}  {s['errors']:>6}"
                )
                for err in sorted(set(p.errors))[:3]:
                    print(f"         error: {err}")
                if p.errors:
                    failures.append(f"{p.label} (round {n}): {len(p.errors)} failed requests")
    sat = {app: [rnd[app][0] for rnd in rounds] for app in ("coach", "floor")}
    ratios = [
        c.cpu_ms_per_request / f.cpu_ms_per_request for c, f in zip(sat["coach"], sat["floor"], strict=True)
    ]
    summary = {
        "cpu_ms_per_request": {
            app: round(median([p.cpu_ms_per_request for p in sat[app]]), 3) for app in sat
        },
        "saturation_rps": {app: round(median([p.rps for p in sat[app]]), 1) for app in sat},
        "rss_mb_peak": {
            app: round(max(p.rss_bytes for rnd in rounds for p in rnd[app]) / 2**20, 1) for app in sat
        },
        "cpu_ratio_per_round": [round(r, 2) for r in ratios],
        "cpu_ratio": round(median(ratios), 2),
        "rps_share_of_floor": round(
            median([c.rps / f.rps for c, f in zip(sat["coach"], sat["floor"], strict=True)]), 3
        ),
        "latency_ratios": {},
    }
    for i, rate in enumerate(args.loads, 1):
        c50 = median([rnd["coach"][i].summary()["p50_ms"] for rnd in rounds])
        f50 = median([rnd["floor"][i].summary()["p50_ms"] for rnd in rounds])
        c99 = median([rnd["coach"][i].summary()["p99_ms"] for rnd in rounds])
        f99 = median([rnd["floor"][i].summary()["p99_ms"] for rnd in rounds])
        summary["latency_ratios"][f"{rate:g} rps"] = {
            "coach_p50_ms": c50,
            "floor_p50_ms": f50,
            "p50_ratio": round(c50 / f50, 2),
            "coach_p99_ms": c99,
            "floor_p99_ms": f99,
            "p99_ratio": round(c99 / f99, 2),
        }
    print()
    print(f"server CPU per request, median of {len(rounds)} rounds at saturation:")
    cpu = summary["cpu_ms_per_request"]
    print(
        f"  Psoas Coach mix {cpu['coach']:.3f} ms, floor {cpu['floor']:.3f} ms: "
        f"ratio {summary['cpu_ratio']:.2f} (per round {summary['cpu_ratio_per_round']}; target <= {CPU_RATIO_TARGET:g})"
    )
    rps = summary["saturation_rps"]
    print(
        f"throughput at saturation: Psoas Coach {rps['coach']:.0f} rps, floor {rps['floor']:.0f} rps "
        f"({100 * summary['rps_share_of_floor']:.0f}% of the floor)"
    )
    for rate, lat in summary["latency_ratios"].items():
        print(
            f"latency at {rate}: p50 {lat['coach_p50_ms']:.1f} vs {lat['floor_p50_ms']:.1f} ms "
            f"(x{lat['p50_ratio']:.1f}), p99 {lat['coach_p99_ms']:.1f} vs {lat['floor_p99_ms']:.1f} ms "
            f"(x{lat['p99_ratio']:.1f})"
        )
    rss = summary["rss_mb_peak"]
    print(f"server memory peak (master + workers): Psoas Coach {rss['coach']} MB, floor {rss['floor']} MB")
    if summary["cpu_ratio"] > CPU_RATIO_TARGET:
        failures.append(
            f"a voice command costs {summary['cpu_ratio']:.2f}x the floor's server CPU (target <= {CPU_RATIO_TARGET:g}x)"
        )
    # The same 64 connections serve every round, so each one's share adds up over the rounds.
    summary["fairness"] = {}
    for app, name in (("coach", "Psoas Coach"), ("floor", "floor")):
        shares = [sum(counts) for counts in zip(*(p.per_connection for p in sat[app]), strict=True)]
        mean = sum(shares) / len(shares)
        lo, hi = min(shares) / mean, max(shares) / mean
        summary["fairness"][app] = {
            "mean": round(mean, 1),
            "min_share": round(lo, 2),
            "max_share": round(hi, 2),
        }
        print(
            f"fairness, {name}: 64 keep-alive connections answered {min(shares)} to {max(shares)} times "
            f"at saturation (mean {mean:.1f}): {lo:.2f}x to {hi:.2f}x of the mean (target within {FAIRNESS_TARGET:g}x)"
        )
        if lo < 1 / FAIRNESS_TARGET or hi > FAIRNESS_TARGET:
            failures.append(
                f"{name}: connection shares {lo:.2f}x to {hi:.2f}x of the mean (target within "
                f"{FAIRNESS_TARGET:g}x; {sum(1 for c in shares if c == 0)} of {len(shares)} got nothing)"
            )
    # Workers share the load: each one's answers over the saturation phases against an even split
    # (its connections are the kernel's SO_REUSEPORT spread, redrawn when connections reopen).
    summary["workers"] = {}
    for app, name in (("coach", "Psoas Coach"), ("floor", "floor")):
        per_round = [worker_loads(rnd[app][0], w[app]) for rnd, w in zip(rounds, workers, strict=True)]
        totals: dict[int | None, int] = {}
        for rnd, w in zip(rounds, workers, strict=True):
            for pid, answers in zip(w[app], rnd[app][0].per_connection, strict=True):
                totals[pid] = totals.get(pid, 0) + answers
        unplaced = totals.pop(None, 0)  # a connection /proc did not show (closed as the phase ended)
        even = sum(totals.values()) / args.workers
        lo, hi = min(totals.values(), default=0) / even, max(totals.values(), default=0) / even
        if len(totals) < args.workers:
            lo = 0.0
        summary["workers"][app] = {
            "per_round": [[{"connections": c, "answers": a} for c, a in r] for r in per_round],
            "min_share": round(lo, 2),
            "max_share": round(hi, 2),
        }
        rounds_text = "; ".join(", ".join(f"{c} conns {a} answers" for c, a in r) for r in per_round)
        unplaced_text = f"; {unplaced} answers on connections not found in /proc" if unplaced else ""
        print(
            f"workers, {name}: {lo:.2f}x to {hi:.2f}x of an even split (per round: {rounds_text}{unplaced_text})"
        )
        if lo < 1 / FAIRNESS_TARGET:
            failures.append(f"{name}: a worker answered {lo:.2f}x of an even split of the saturation load")
    return summary, failures


async def run(args) -> int:
    started = time.monotonic()
    tmp = bench_tmp()
    print(f"machine: {machine()}", flush=True)
    pki = SignedServers(tmp)
    try:
        # The requests are signed while the servers boot. The servers are started from this (the
        # main) thread: their PR_SET_PDEATHSIG fires when the thread that started them ends.
        with ThreadPoolExecutor(1) as pool:
            signing = pool.submit(sign_bodies, pki, args)
            coach = pki.start("coach", workers=args.workers, database_url=args.database_url)
            floor = pki.start("floor", workers=args.workers)
            signed = signing.result()
        print(f"servers up and requests signed in {time.monotonic() - started:.1f} s", flush=True)
        prepared = prepare(signed, coach.port, floor.port)
        await warm_up(pki, coach, floor, prepared)
        conns = {
            "coach": await open_connections(coach, [prepared.coach_maker(i) for i in range(CONNECTIONS)]),
            "floor": await open_connections(floor, [prepared.floor_maker(i) for i in range(CONNECTIONS)]),
        }
        rounds: list[dict[str, list[PhaseResult]]] = []
        workers: list[dict[str, list[int | None]]] = []  # per round: the worker pid of each connection
        round_started = time.monotonic()
        for n in range(args.rounds):
            per_round = (time.monotonic() - round_started) / max(n, 1)
            # (+10 s: the report and stopping the servers)
            if rounds and time.monotonic() - started + per_round + 10 > args.max_seconds:
                print(f"stopping after {len(rounds)} rounds: the time budget is nearly spent", flush=True)
                break
            order = ("floor", "coach") if n % 2 == 0 else ("coach", "floor")
            rnd: dict[str, list[PhaseResult]] = {}
            held_by: dict[str, list[int | None]] = {}
            for app in order:
                if app == "coach":
                    rnd[app], held_by[app] = await run_server_phases(
                        coach, conns[app], args.coach_requests, args, "Psoas Coach"
                    )
                else:
                    rnd[app], held_by[app] = await run_server_phases(
                        floor, conns[app], args.floor_requests, args, "floor"
                    )
            rounds.append({"coach": rnd["coach"], "floor": rnd["floor"]})
            workers.append({"coach": held_by["coach"], "floor": held_by["floor"]})
            print(f"round {n + 1} done at {time.monotonic() - started:.0f} s", flush=True)
        for c in conns["coach"] + conns["floor"]:
            c.close()
    finally:
        pki.close()
    summary, failures = report(rounds, workers, args)
    elapsed = time.monotonic() - started
    print(f"total {elapsed:.0f} s")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"alexa_latency-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(
        json.dumps(
            {
                "machine": machine(),
                "args": vars(args),
                "summary": summary,
                "phases": [p.summary() for rnd in rounds for ps in rnd.values() for p in ps],
                "failures": failures,
            },
            indent=2,
        )
    )
    print(f"results: {out}")
    fair = summary["fairness"]["coach"]
    print(
        f"RESULT: a voice command costs {summary['cpu_ratio']:.2f}x the floor's server CPU (target <= "
        f"{CPU_RATIO_TARGET:g}x); keep-alive shares {fair['min_share']:.2f}-{fair['max_share']:.2f}x of the mean"
    )
    if failures:
        print("\nTARGETS MISSED:", file=sys.stderr)
        for f in failures:
            print(f"  - {f}", file=sys.stderr)
        return 1
    print("all targets met")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternations of the two servers (default 3)")
    parser.add_argument("--coach-requests", type=int, default=256, help="answers per saturation phase")
    parser.add_argument("--floor-requests", type=int, default=768, help="answers per floor saturation phase")
    parser.add_argument(
        "--loads", type=float, nargs="*", default=[10.0, 30.0], help="offered loads, requests/s"
    )
    parser.add_argument("--load-seconds", type=float, default=2.0, help="length of each offered-load phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temporary folder")
    parser.add_argument("--max-seconds", type=float, default=90.0, help="time budget (default 90 s)")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.coach_requests < CONNECTIONS or args.floor_requests < CONNECTIONS:
        parser.error("need at least one round and at least 64 answers per saturation phase")
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
