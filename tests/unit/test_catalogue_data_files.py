"""Editing the data files: `content check` catches every mistake with a message that names the
file, the item and the field, and durations follow whatever numbers the files hold."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from shared_content.catalogue import CatalogueError, load_catalogue
from shared_content.catalogue.cli import main
from shared_content.catalogue.loader import DEFAULT_DATA_DIR


@pytest.fixture
def data_dir(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, copy)
    return copy


def edit_item(folder: Path, file: str, item_id: str, old: str, new: str) -> None:
    """Replace `old` with `new` inside the [[...]] table whose id is `item_id`."""
    path = folder / file
    text = path.read_text()
    tables = re.split(r"(?m)^(?=\[\[)", text)
    for number, table in enumerate(tables):
        if re.search(rf'(?m)^id = "{re.escape(item_id)}"$', table):
            assert old in table, f"{old!r} not in {item_id}"
            tables[number] = table.replace(old, new, 1)
            path.write_text("".join(tables))
            return
    raise AssertionError(f"no item {item_id!r} in {file}")


def check(folder: Path, capsys) -> tuple[int, str, str]:
    code = main(["check", "--path", str(folder)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _ok_line() -> str:
    cat = load_catalogue()
    return f"Catalogue OK: {len(cat.exercises)} exercises, {len(cat.routines)} routines"


def test_the_packaged_catalogue_checks_ok(capsys):
    assert main(["check"]) == 0
    assert capsys.readouterr().out.strip() == _ok_line()


def test_an_unchanged_copy_checks_ok(data_dir, capsys):
    code, out, err = check(data_dir, capsys)
    assert (code, err) == (0, "")
    assert _ok_line() in out


BREAKAGES = [
    pytest.param(
        "stretches.toml",
        "pelvic-tilt",
        "Hold the tilt for {hold}, then",
        "Hold the tilt for 5 seconds, then",
        "stretches.toml: exercise 'pelvic-tilt': field 'steps': step 3 types a duration ('5 seconds'): "
        "write {hold} for the hold, which the pace can change",
        id="typed-hold-in-a-step",
    ),
    pytest.param(
        "stretches.toml",
        "knee-to-chest",
        "Hold for {hold}, then",
        "Hold for ten seconds, then",
        "stretches.toml: exercise 'knee-to-chest': field 'steps': step 4 types a duration ('ten seconds')",
        id="typed-hold-in-words",
    ),
    pytest.param(
        "stretches.toml",
        "pelvic-tilt",
        "Hold the tilt for {hold}, then",
        "Hold the tilt for {seconds}, then",
        "stretches.toml: exercise 'pelvic-tilt': field 'steps': step 3 has {seconds}; the only placeholder is {hold}",
        id="unknown-placeholder",
    ),
    pytest.param(
        "posture.toml",
        "sitting-posture",
        'steps = [\n    "',
        'steps = [\n    "Stay there for {hold}.",\n    "',
        "posture.toml: exercise 'sitting-posture': field 'steps': step 1 says {hold}, but a guidance item has no hold",
        id="hold-in-guidance",
    ),
    pytest.param(
        "stretches.toml",
        "pelvic-tilt",
        "hold_seconds = 5\n",
        "hold_seconds = 0\n",
        "stretches.toml: exercise 'pelvic-tilt': field 'hold_seconds': "
        "must be between 5 and 60 for a timed exercise (got 0)",
        id="hold-out-of-range",
    ),
    pytest.param(
        "strengthening.toml",
        "plank",
        'summary = "You hold your body straight in a plank, with your core switched on."\n',
        "",
        "strengthening.toml: exercise 'plank': field 'summary': is required",
        id="missing-field",
    ),
    pytest.param(
        "stretches.toml",
        "knee-to-chest",
        'position = "floor"',
        'position = "couch"',
        "stretches.toml: exercise 'knee-to-chest': field 'position':",
        id="bad-position",
    ),
    pytest.param(
        "strengthening.toml",
        "plank",
        "per_side = false\n",
        "per_side = false\nduration_seconds = 60\n",
        "strengthening.toml: exercise 'plank': field 'duration_seconds': is not a known field (it is computed",
        id="typed-in-duration",
    ),
    pytest.param(
        "strengthening.toml",
        "plank",
        "sets = 2",
        'sets = "2"',
        "strengthening.toml: exercise 'plank': field 'sets':",
        id="wrong-type",
    ),
    pytest.param(
        "routines.toml",
        "quick-release",
        'exercise_ids = ["knee-to-chest"',
        'exercise_ids = ["yoga-flow", "knee-to-chest"',
        "routines.toml: routine 'quick-release': field 'exercise_ids': unknown exercise 'yoga-flow'",
        id="unknown-exercise-in-routine",
    ),
    pytest.param(
        "posture.toml",
        "sitting-posture",
        'id = "sitting-posture"',
        'id = "plank"',
        "posture.toml: exercise 'plank': field 'id': duplicate id, already used in strengthening.toml",
        id="duplicate-id",
    ),
    pytest.param(
        "stretches.toml",
        "pelvic-tilt",
        '"Hold the tilt for {hold}, then relax and rest for a moment."',
        '"' + "Hold the tilt " * 16 + '"',
        "stretches.toml: exercise 'pelvic-tilt': field 'steps': step 3 is 224 characters; keep each step to 200 or fewer",
        id="overlong-step",
    ),
    pytest.param(
        "stretches.toml",
        "pelvic-tilt",
        'id = "pelvic-tilt"',
        'id = "Pelvic_Tilt"',
        "stretches.toml: exercise 'Pelvic_Tilt': field 'id': must be kebab-case",
        id="id-not-kebab-case",
    ),
    pytest.param(
        "techniques.toml",
        "heat-cold-therapy",
        "hold_seconds = 0",
        "hold_seconds = 20",
        "techniques.toml: exercise 'heat-cold-therapy': field 'hold_seconds': must be 0 for a guidance item (got 20)",
        id="guidance-with-a-timer",
    ),
    pytest.param(
        "stretches.toml",
        "knee-to-chest",
        'category = "stretch"',
        'category = "release"',
        "stretches.toml: exercise 'knee-to-chest': field 'category': must be 'stretch' in stretches.toml",
        id="category-in-wrong-file",
    ),
    pytest.param(
        "posture.toml",
        "neutral-spine",
        'synonyms = ["neutral spine alignment"',
        'synonyms = ["The Plank", "neutral spine alignment"',
        "posture.toml: exercise 'neutral-spine': field 'synonyms': 'The Plank' is already used by exercise 'plank'",
        id="ambiguous-synonym",
    ),
    pytest.param(
        "stretches.toml",
        "pelvic-tilt",
        "steps = [",
        "steps = [] \nold_steps = [",
        "stretches.toml: exercise 'pelvic-tilt': field 'steps': needs at least one step",
        id="no-steps",
    ),
    pytest.param(
        "routines.toml",
        "desk-break",
        'id = "desk-break"',
        'id = "custom-desk"',
        "routines.toml: routine 'custom-desk': field 'id': ids starting with 'custom-' are kept for assembled routines",
        id="reserved-routine-id",
    ),
    pytest.param(
        "routines.toml",
        "desk-break",
        'id = "desk-break"',
        'id = "single-desk"',
        "routines.toml: routine 'single-desk': field 'id': ids starting with 'single-' are kept for single-exercise routines",
        id="reserved-single-routine-id",
    ),
]


@pytest.mark.parametrize(("file", "item_id", "old", "new", "expected"), BREAKAGES)
def test_a_broken_data_file_fails_the_check_naming_file_item_and_field(
    data_dir, capsys, file, item_id, old, new, expected
):
    edit_item(data_dir, file, item_id, old, new)
    code, out, err = check(data_dir, capsys)
    assert code == 1
    assert "Catalogue OK" not in out
    assert expected in err
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(data_dir)
    assert expected in str(raised.value)


def test_a_broken_safety_notice_fails_the_check(data_dir, capsys):
    path = data_dir / "safety.toml"
    path.write_text(re.sub(r"(?m)^short = .*$", "", path.read_text()))
    code, _, err = check(data_dir, capsys)
    assert code == 1
    assert "safety.toml: safety notice: field 'short': is required" in err


def test_invalid_toml_fails_the_check_naming_the_file(data_dir, capsys):
    (data_dir / "techniques.toml").write_text('[[exercise]]\nid = "foam-roller-release\n')
    code, _, err = check(data_dir, capsys)
    assert code == 1
    assert err.startswith("techniques.toml: not valid TOML")


def test_a_missing_file_fails_the_check_naming_the_file(data_dir, capsys):
    (data_dir / "routines.toml").unlink()
    code, _, err = check(data_dir, capsys)
    assert code == 1
    assert "routines.toml: file not found" in err


def test_every_problem_is_reported_not_just_the_first(data_dir, capsys):
    edit_item(data_dir, "strengthening.toml", "plank", "hold_seconds = 30", "hold_seconds = 90")
    edit_item(data_dir, "posture.toml", "neutral-spine", 'position = "standing"', 'position = "lying"')
    code, _, err = check(data_dir, capsys)
    assert code == 1
    assert "exercise 'plank': field 'hold_seconds'" in err
    assert "exercise 'neutral-spine': field 'position'" in err


def test_changing_a_hold_changes_the_computed_durations(data_dir):
    before = load_catalogue(data_dir)
    edit_item(data_dir, "stretches.toml", "knee-to-chest", "hold_seconds = 5", "hold_seconds = 10")
    after = load_catalogue(data_dir)
    # 3 holds on each of 2 sides, each 5 s longer.
    gained = 2 * 3 * 5
    assert (
        after.exercise("knee-to-chest").duration_seconds
        == before.exercise("knee-to-chest").duration_seconds + gained
    )
    for routine_id in ("quick-release", "morning-stretch", "full-relief"):
        assert (
            after.routine(routine_id).duration_seconds == before.routine(routine_id).duration_seconds + gained
        )
    assert after.routine("core-strength").duration_seconds == before.routine("core-strength").duration_seconds


def test_longer_instructions_take_longer(data_dir):
    before = load_catalogue(data_dir).exercise("sitting-posture").duration_seconds
    extra = " Check that your screen sits at eye height, so you do not lean in toward it."
    edit_item(
        data_dir,
        "posture.toml",
        "sitting-posture",
        'slouch or lean forward."',
        "slouch or lean forward." + extra + '"',
    )
    assert load_catalogue(data_dir).exercise("sitting-posture").duration_seconds > before
