"""The voice mix beside the floor, in one process: CPU per request of each turn, and the ratio.

    .venv/bin/python bench/voice_mix.py                 # 6 alternations of 320 mix turns / 320 floor launches
    .venv/bin/python bench/voice_mix.py --profile out.prof

The same signed requests as bench/alexa_latency.py's mix (launch, start, next, next, repeat, pause,
resume, next, next, stop; 32 speakers, check-ins off, the first routine started in a warm-up), each
taken the server's way minus Flask and gunicorn: body -> `skill.endpoint.parse_envelope` -> the
production verifiers (test CA; the Coach's replay check in the database as in production) -> `skill.endpoint.invoke_safely` -> JSON. The floor
(bench/floor_skill.py, one LaunchRequest handler) takes the same path. Blocks of the two alternate,
so the machine's load falls on both alike; CPU is this process's (`time.process_time`). What
gunicorn and Flask add is the same for both and not here, so this ratio is above the served
one (alexa_latency.py): use it to see where the voice's own work goes, turn by turn.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.alexa_latency import MIX, ROUTINE  # noqa: E402
from bench.harness import InProcess, envelope_bytes  # noqa: E402
from skill import envelopes  # noqa: E402
from tests.e2e.clients import answer_before_start  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speakers", type=int, default=32)
    parser.add_argument("--turns", type=int, default=320, help="mix turns (and floor launches) per block")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--database-url", default=None, help="default: SQLite on /dev/shm")
    parser.add_argument("--profile", default=None, help="write a cProfile of the mix turns here")
    args = parser.parse_args(argv)

    from bench.floor_skill import build_floor_skill
    from shared_content.replay import SeenRequests
    from skill.builder import build_skill
    from tests.skill.certs import sign

    bench = InProcess()
    coach = bench.coach(args.database_url, "psoas-mix-")
    skills = {"coach": build_skill(coach), "floor": build_floor_skill()}
    # As bench/signed_wsgi.py: the Coach's replay check also remembers in the database.
    verifiers = {"coach": bench.verifiers(SeenRequests(coach.store, coach.clock)), "floor": bench.verifiers()}

    def handle(which: str, body: bytes, signature: str) -> dict:
        return bench.handle(skills[which], verifiers[which], body, signature)

    def signed(env: dict) -> tuple[bytes, str]:
        body = envelope_bytes(env)
        return body, sign(body)

    users = [f"amzn1.ask.account.mix-{i}" for i in range(args.speakers)]
    for user in users:  # check-ins off, then a first routine past the screen and the equipment
        session = envelopes.new_session_id()
        handle("coach", *signed(envelopes.intent("CheckinsOffIntent", user_id=user, new_session=True)))
        reply = handle(
            "coach",
            *signed(
                envelopes.intent(
                    "StartRoutineIntent",
                    {"routine": ROUTINE},
                    user_id=user,
                    new_session=True,
                    session_id=session,
                )
            ),
        )
        for _ in range(3):
            attrs = reply.get("sessionAttributes") or {}
            answer = answer_before_start(attrs)
            if answer is None:
                break
            reply = handle(
                "coach", *signed(envelopes.intent(answer, user_id=user, attributes=attrs, session_id=session))
            )

    def mix_block(start: int) -> list[tuple[str, bytes, str]]:
        out, sessions = [], {}
        for k in range(args.turns):
            user_no = k % args.speakers
            name, new_session = MIX[(start + k // args.speakers) % len(MIX)]
            if new_session or user_no not in sessions:
                sessions[user_no] = envelopes.new_session_id()
            user, session = users[user_no], sessions[user_no]
            if name == "launch":
                env = envelopes.launch(user, session_id=session)
            else:
                slots = {"routine": ROUTINE} if name == "StartRoutineIntent" else None
                env = envelopes.intent(name, slots, user_id=user, new_session=new_session, session_id=session)
            out.append((name, *signed(env)))
        return out

    profiler = cProfile.Profile() if args.profile else None
    per_turn: dict[str, list[float]] = {}
    coach_ms, floor_ms = [], []
    step = 0
    for _ in range(args.rounds):
        block = mix_block(step)
        step += args.turns // args.speakers
        spent = 0.0
        for name, body, signature in block:
            t = time.process_time()
            if profiler:
                profiler.enable()
            reply = handle("coach", body, signature)
            if profiler:
                profiler.disable()
            dt = time.process_time() - t
            spent += dt
            per_turn.setdefault(name, []).append(dt)
            if "went wrong" in json.dumps(reply):
                raise SystemExit(f"the skill apologised: {reply}")
        coach_ms.append(1000 * spent / len(block))
        floor = [signed(envelopes.launch(f"amzn1.ask.account.floor-{i}")) for i in range(args.turns)]
        t = time.process_time()
        for body, signature in floor:
            handle("floor", body, signature)
        floor_ms.append(1000 * (time.process_time() - t) / len(floor))
    bench.close()

    ratios = [c / f for c, f in zip(coach_ms, floor_ms, strict=True)]
    print(f"{'turn':<24}{'count':>7}{'CPU ms':>9}")
    for name, times in per_turn.items():
        print(f"{name:<24}{len(times):>7}{1000 * statistics.fmean(times):>9.3f}")
    print(
        f"\nmix {statistics.median(coach_ms):.3f} ms, floor {statistics.median(floor_ms):.3f} ms of CPU per request: "
        f"in-process ratio {statistics.median(ratios):.2f} (per round {', '.join(f'{r:.2f}' for r in ratios)})"
    )
    if profiler:
        profiler.dump_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
