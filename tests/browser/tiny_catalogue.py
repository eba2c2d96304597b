"""A tiny but valid catalogue for tests that play a whole routine in real time: the packaged data
files, with one routine added ("tiny-test": a two-rep, two-set exercise with a rest, then a
per-side one) and those two exercises made short. Served through PSOAS_CATALOGUE_DIR."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from shared_content.catalogue.loader import DEFAULT_DATA_DIR

ROUTINE_ID = "tiny-test"
ROUTINE_NAME = "Tiny test routine"
SHORT = {
    "pelvic-tilt": {"hold_seconds": 5, "repetitions": 2, "rep_gap_seconds": 1, "sets": 2, "rest_seconds": 3},
    "knee-to-chest": {
        "hold_seconds": 5,
        "repetitions": 1,
        "rep_gap_seconds": 0,
        "sets": 1,
        "rest_seconds": 0,
    },
}


def _shorten(text: str, exercise_id: str, values: dict[str, int]) -> str:
    start = text.index(f'id = "{exercise_id}"')
    end = text.find("[[exercise]]", start)
    end = len(text) if end < 0 else end
    block = text[start:end]
    # One short step, so the spoken introduction (its reading time) is short too.
    block = re.sub(r"^steps = \[.*?^\]$", 'steps = ["Get into position."]', block, count=1, flags=re.M | re.S)
    for key, value in values.items():
        block, n = re.subn(rf"^{key} = \d+$", f"{key} = {value}", block, flags=re.M)
        assert n == 1, (exercise_id, key)
    return text[:start] + block + text[end:]


def write_tiny_catalogue(folder: Path) -> Path:
    shutil.copytree(DEFAULT_DATA_DIR, folder, dirs_exist_ok=True)
    stretches = folder / "stretches.toml"
    text = stretches.read_text()
    for exercise_id, values in SHORT.items():
        text = _shorten(text, exercise_id, values)
    stretches.write_text(text)
    with (folder / "routines.toml").open("a") as f:
        f.write(
            f'\n[[routine]]\nid = "{ROUTINE_ID}"\nname = "{ROUTINE_NAME}"\nsynonyms = ["tiny test"]\n'
            'focus = "stretch"\ndescription = "A very short routine for the tests."\n'
            'exercise_ids = ["pelvic-tilt", "knee-to-chest"]\n'
        )
    return folder
