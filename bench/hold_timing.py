"""How long does a counted hold really take to say?

For holds of 5, 10, 15, 20, 30, 45 and 60 s: render `count_hold` SSML, speak it with
espeak-ng in SSML mode (`espeak-ng -m -w out.wav`), measure the WAV with `soxi -D`, and
print intended vs measured seconds. Exits 1 when any hold is off by more than 10 %
(2 when espeak-ng or soxi is missing).

    python bench/hold_timing.py [--locale en-GB] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shared_content.vocabulary import DEFAULT_LOCALE, LOCALES  # noqa: E402
from skill.speech.counting import count_hold  # noqa: E402
from skill.speech.ssml import estimate_seconds, speak  # noqa: E402

HOLDS = (5, 10, 15, 20, 30, 45, 60)
TOLERANCE = 0.10


def measure(ssml: str, wav: Path) -> float:
    subprocess.run(["espeak-ng", "-m", "-w", str(wav), ssml], check=True, capture_output=True)
    out = subprocess.run(["soxi", "-D", str(wav)], check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locale", default=DEFAULT_LOCALE, choices=LOCALES)
    parser.add_argument("--keep", help="write the WAV files into this folder")
    args = parser.parse_args(argv)
    missing = [tool for tool in ("espeak-ng", "soxi") if shutil.which(tool) is None]
    if missing:
        print(f"missing: {', '.join(missing)} (apt-get install espeak-ng sox)", file=sys.stderr)
        return 2
    folder = Path(args.keep or tempfile.mkdtemp(prefix="hold-timing-"))
    folder.mkdir(parents=True, exist_ok=True)
    worst = 0.0
    print(f"{'intended s':>10} {'estimated s':>11} {'measured s':>10} {'error %':>8}")
    for seconds in HOLDS:
        ssml = speak(count_hold(seconds, args.locale))
        measured = measure(ssml, folder / f"hold-{seconds}.wav")
        error = (measured - seconds) / seconds
        worst = max(worst, abs(error))
        flag = "" if abs(error) <= TOLERANCE else "  <-- over 10%"
        print(f"{seconds:>10} {estimate_seconds(ssml):>11.2f} {measured:>10.2f} {error * 100:>+8.1f}{flag}")
    print(f"worst error {worst * 100:.1f}% (limit {TOLERANCE * 100:.0f}%)")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if worst <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
