"""How long does the progress summary take for a long history?

Builds a history of one session a day for --years years (plus a pain report every third day),
then times, in-process: `progress()` (streak, 8 weeks, pain series, trend, hurts), both charts,
and a CSV and JSON export with its round trip. Each figure is the median of --runs runs.
Target: progress() plus both charts within 50 ms for 5 years of history (the page's own work;
the database read is Coach.history's and is not timed here). Exits 0 when met, 1 when missed.

    python bench/progress_page.py [--years 5] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shared_content import charts, export  # noqa: E402
from shared_content.progress import PainReport, SessionRecord, progress  # noqa: E402

TARGET_MS = 50.0
START = 1_640_995_200.0  # 1 January 2022, 00:00 UTC


def history(years: int) -> tuple[list[SessionRecord], list[PainReport]]:
    records, reports = [], []
    for day in range(365 * years):
        start = START + day * 86400 + 7 * 3600
        records.append(
            SessionRecord(
                "morning-stretch", "Morning stretch", start, start + 720, "completed", 12, day % 7, day % 5
            )
        )
        if day % 3 == 0:
            reports.append(PainReport(start + 300, "kneeling-lunge", "Kneeling lunge", day % 11))
    return records, reports


def timed(action, runs: int) -> float:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    records, reports = history(args.years)
    now = records[-1].finished_at + 3600

    def page() -> None:
        summary = progress(records, reports, "Europe/London", now)
        charts.minutes_chart(summary.weeks)
        charts.pain_chart(summary.pain)

    page_ms = timed(page, args.runs)
    csv_ms = timed(lambda: export.from_csv(export.to_csv(records, reports, "Europe/London")), args.runs)
    json_ms = timed(lambda: export.from_json(export.to_json(records, reports, "Europe/London")), args.runs)
    print(f"history: {len(records)} sessions, {len(reports)} pain reports")
    print(f"progress + charts: {page_ms:.1f} ms (target {TARGET_MS:.0f} ms)")
    print(f"CSV export + read back: {csv_ms:.1f} ms; JSON export + read back: {json_ms:.1f} ms")
    return 0 if page_ms <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
