"""Where one voice command's time goes: cProfile of "next" mid-routine, in-process (no server).

    .venv/bin/python bench/profile_command.py                  # 300 requests, SQLite in a temp folder
    .venv/bin/python bench/profile_command.py --top 30 --requests 500 --database-url postgresql+psycopg://...

Each profiled request takes the server's path minus Flask and gunicorn: the signed body ->
`skill.endpoint.parse_envelope` -> the production verifiers (`default_verifiers`, on the test CA
of tests/skill/certs.py; the chain comes from a local HTTP server once, then from the cache) ->
`skill.endpoint.invoke_safely` (the skill, its interceptors, the Coach and the store) -> JSON.
Speakers have a routine running; one whose routine ends is restarted outside the profile, so
every profiled request is an `AMAZON.NextIntent` mid-routine. Signing is done before profiling.

Prints the time per request (CPU and wall; the SQLite file is on /dev/shm when there is one,
so commits do not wait for a disk), the share of the profiled time by area (own time of the functions
in each package) and the top functions by cumulative time. Deterministic apart from timing:
the same requests in the same order.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import InProcess, envelope_bytes  # noqa: E402
from skill import envelopes  # noqa: E402
from tests.e2e.clients import answer_before_start  # noqa: E402

ROUTINE = ("quick release", "quick-release")
# Own time of the functions under each path fragment; the first match wins.
AREAS = [
    (
        "engine + catalogue (shared_content/engine, catalogue)",
        ("shared_content/engine", "shared_content/catalogue"),
    ),
    ("store (shared_content/store)", ("shared_content/store",)),
    ("Coach service + bus (shared_content/*.py)", ("shared_content/",)),
    ("SQLAlchemy", ("sqlalchemy/",)),
    ("database driver (sqlite3, psycopg)", ("sqlite3", "psycopg")),
    ("verification (skill/verification.py, cryptography)", ("skill/verification", "cryptography")),
    ("speech + APL (skill/speech, skill/apl.py)", ("skill/speech", "skill/apl")),
    ("skill handlers + glue (skill/)", ("skill/",)),
    ("ask-sdk (core, model: (de)serialisation, dispatch)", ("ask_sdk",)),
    ("other installed packages", ("site-packages",)),
    ("standard library (json, datetime, re, threading, ...)", ("/lib/python",)),
]


def area_of(filename: str, function: str) -> str:
    where = f"{filename} {function}"  # a C function has filename "~" and says its module in its name
    for name, fragments in AREAS:
        if any(f in where for f in fragments):
            return name
    return "builtins (C functions of no module above)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--speakers", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temporary folder")
    parser.add_argument("--save", default=None, help="also write the raw profile here (for snakeviz etc.)")
    args = parser.parse_args(argv)

    from skill.builder import build_skill
    from tests.skill.certs import sign

    bench = InProcess()
    coach = bench.coach(args.database_url, "psoas-profile-")
    skill = build_skill(coach)
    verifiers = bench.verifiers()

    def handle(body: bytes, signature: str) -> dict:
        return bench.handle(skill, verifiers, body, signature)

    def say(user: str, name: str, slots=None, *, attributes=None, new_session=False, session=None) -> dict:
        body = envelope_bytes(
            envelopes.intent(
                name, slots, user_id=user, attributes=attributes, new_session=new_session, session_id=session
            )
        )
        return handle(body, sign(body))

    def start(user: str) -> dict:
        session = envelopes.new_session_id()
        reply = say(user, "StartRoutineIntent", {"routine": ROUTINE}, new_session=True, session=session)
        for _ in range(3):  # the first time the red-flag screen ("no"), then the check-in ("skip")
            attrs = reply.get("sessionAttributes") or {}
            answer = answer_before_start(attrs)
            if "v" in attrs or answer is None:
                break
            reply = say(user, answer, attributes=attrs, session=session)
        if "v" not in (reply.get("sessionAttributes") or {}):
            raise SystemExit(f"the routine did not start: {reply}")
        return {"session": session, "attrs": reply["sessionAttributes"]}

    users = [f"amzn1.ask.account.profile-{i}" for i in range(args.speakers)]
    state = {u: start(u) for u in users}
    for u in users:  # warm: one unprofiled next each
        state[u]["attrs"] = say(
            u, "AMAZON.NextIntent", attributes=state[u]["attrs"], session=state[u]["session"]
        )["sessionAttributes"]

    from sqlalchemy import event

    counted = {"statements": 0, "transactions": 0, "on": False}

    @event.listens_for(coach.store.engine, "before_cursor_execute")
    def _statement(*_: object) -> None:
        counted["statements"] += counted["on"]

    @event.listens_for(coach.store.engine, "begin")
    def _transaction(*_: object) -> None:
        counted["transactions"] += counted["on"]

    profiler = cProfile.Profile()
    spent = wall = 0.0
    for i in range(args.requests):
        u = users[i % len(users)]
        view = coach.current(coach.person_for_device("alexa", u).id)
        if view is None or view.state.phase == "done":
            state[u] = start(u)
        env = envelopes.intent(
            "AMAZON.NextIntent", user_id=u, attributes=state[u]["attrs"], session_id=state[u]["session"]
        )
        body = envelope_bytes(env)
        signature = sign(body)
        t, w = time.process_time(), time.perf_counter()
        counted["on"] = True
        profiler.enable()
        reply = handle(body, signature)
        profiler.disable()
        counted["on"] = False
        spent += time.process_time() - t
        wall += time.perf_counter() - w
        if "apology" in json.dumps(reply) or "went wrong" in json.dumps(reply):
            raise SystemExit(f"the skill apologised: {reply}")
        state[u]["attrs"] = reply.get("sessionAttributes") or state[u]["attrs"]
    bench.close()

    stats = pstats.Stats(profiler)
    total = sum(tt for (_, _, tt, _, _) in stats.stats.values())
    by_area: dict[str, float] = {}
    for (filename, _, function), (_, _, tt, _, _) in stats.stats.items():
        area = area_of(filename, function)
        by_area[area] = by_area.get(area, 0.0) + tt
    print(
        f'"next" mid-routine: {args.requests} requests, {1000 * spent / args.requests:.2f} ms of CPU each '
        f"with cProfile on ({1000 * wall / args.requests:.2f} ms wall)\n"
    )
    calls = sum(nc for (_, nc, _, _, _) in stats.stats.values())
    print(
        f"per request: {counted['statements'] / args.requests:.1f} SQL statements (BEGIN/COMMIT not counted) "
        f"in {counted['transactions'] / args.requests:.1f} transactions, "
        f"{calls / args.requests:,.0f} Python function calls\n"
    )
    print("share of the time by area (own time of the functions in it):")
    for name, tt in sorted(by_area.items(), key=lambda kv: -kv[1]):
        print(f"  {100 * tt / total:5.1f} %  {name}")
    print(f"\ntop {args.top} functions by cumulative time:")
    stats.sort_stats("cumulative").print_stats(args.top)
    if args.save:
        stats.dump_stats(args.save)
    top = max(by_area.items(), key=lambda kv: kv[1])
    print(
        f'RESULT: "next" {1000 * spent / args.requests:.2f} ms CPU with cProfile on; '
        f"largest area: {top[0]} ({100 * top[1] / total:.0f} %)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
