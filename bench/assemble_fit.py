"""How well, and how fast, do assembled routines fit the minutes asked for?

For every request from 3 to 40 minutes, each focus (none, stretch, strengthen, release, posture)
and each set of positions to avoid, builds the routine with `assemble` (in-process, uncached: the
catalogue's own cache is bypassed, as in a fresh process that meets the id first) and reports:
how many land within 15 % of the minutes, the built minutes for a few requests, and the time per
request (each the fastest of --runs runs; median, p95 and worst over all requests).
Target: every request under 50 ms. Exits 0 when met, 1 when missed.

    python bench/assemble_fit.py [--runs 3]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shared_content.catalogue import assemble as assembly  # noqa: E402
from shared_content.catalogue import load_catalogue  # noqa: E402
from shared_content.vocabulary import POSITIONS  # noqa: E402

TARGET_MS = 50.0
FOCUSES = ("any", "stretch", "strengthen", "release", "posture")
SHOWN = [
    (5, "any"),
    (10, "stretch"),
    (15, "strengthen"),
    (20, "any"),
    (25, "stretch"),
    (30, "any"),
    (40, "any"),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    exercises = load_catalogue().exercises
    avoid_sets = [set(c) for n in range(len(POSITIONS)) for c in itertools.combinations(POSITIONS, n)]
    times: list[float] = []
    fitted = total = 0
    plain_fitted = plain_total = 0  # requests that avoid no position
    built: dict[tuple[int, str], float] = {}
    for minutes, focus, avoid in itertools.product(range(3, 41), FOCUSES, avoid_sets):
        request = assembly.make_request(minutes, focus, avoid)
        best = float("inf")
        routine = None
        for _ in range(args.runs):
            started = time.perf_counter()
            try:
                routine = assembly.assemble(request, exercises)
            except ValueError:  # nothing usable once those positions are avoided
                routine = None
            best = min(best, time.perf_counter() - started)
        times.append(best * 1000)
        if routine is None:
            continue
        total += 1
        fitted += 0.85 * minutes * 60 <= routine.duration_seconds <= 1.15 * minutes * 60
        if not avoid:
            built[(minutes, focus)] = routine.duration_seconds / 60
            plain_total += 1
            plain_fitted += 0.85 * minutes * 60 <= routine.duration_seconds <= 1.15 * minutes * 60
    times.sort()
    print("requested  focus       built")
    for minutes, focus in SHOWN:
        print(f"{minutes:>9}  {focus:<10} {built[(minutes, focus)]:5.1f}")
    print(f"within 15 %: {fitted} of {total} requests that have usable exercises")
    print(f"within 15 %: {plain_fitted} of {plain_total} requests that avoid no position")
    median, p95, worst = statistics.median(times), times[int(0.95 * (len(times) - 1))], times[-1]
    print(
        f"assemble: median {median:.1f} ms, p95 {p95:.1f} ms, worst {worst:.1f} ms (target < {TARGET_MS:.0f})"
    )
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
