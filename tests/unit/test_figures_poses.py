"""Figures: poses.toml, its checks in `content check` (each rule broken once), and the SVG renderer."""

from __future__ import annotations

import json
import math
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared_content.catalogue import load_catalogue
from shared_content.catalogue.cli import catalogue_as_json, main
from shared_content.catalogue.loader import DEFAULT_DATA_DIR
from shared_content.figures import load_figures, render_svg, solve
from shared_content.figures.check import RANGES
from shared_content.figures.model import JOINTS, Pose
from shared_content.figures.render import figure_size

SVG = "{http://www.w3.org/2000/svg}"
CATALOGUE = load_catalogue()
FIGURES = load_figures()
EXERCISES = [e["id"] for e in catalogue_as_json(CATALOGUE)["exercises"]]


@pytest.fixture
def data_dir(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, copy)
    return copy


def edit_pose(folder: Path, exercise: str, pose: str, old: str, new: str) -> None:
    """Replace `old` (which must occur once) inside one pose's table of poses.toml."""
    path = folder / "poses.toml"
    text = path.read_text()
    chunks = re.split(r"(?m)^(?=\[)", text)
    for number, chunk in enumerate(chunks):
        if chunk.startswith(f"[[{exercise}.poses]]") and f'name = "{pose}"' in chunk:
            assert chunk.count(old) == 1, f"{old!r} is not unique in {exercise}/{pose}"
            chunks[number] = chunk.replace(old, new)
            path.write_text("".join(chunks))
            return
    raise AssertionError(f"no pose {pose!r} for {exercise!r}")


def check(folder: Path, capsys) -> tuple[int, list[str]]:
    code = main(["check", "--path", str(folder)])
    return code, capsys.readouterr().err.splitlines()


# --- every exercise has figures -------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_exercise_in_the_content_list_has_poses(exercise_id):
    figure = FIGURES[exercise_id]
    exercise = CATALOGUE.exercise(exercise_id)
    if exercise.kind == "timed":
        assert figure.poses[0].name == "start" and len(figure.poses) >= 2
    else:
        assert len(figure.poses) == 1


def test_content_list_json_gives_every_exercise_its_poses(capsys):
    assert main(["list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)["exercises"]
    assert [e["id"] for e in listed] == EXERCISES
    for exercise in listed:
        figure = exercise["figure"]
        assert figure["view"] in {"side", "front"} and figure["poses"]
        assert figure["poses"] == [p.name for p in FIGURES[exercise["id"]].poses]


def test_every_exercise_an_assembled_routine_can_pick_has_a_figure():
    picked = set()
    for minutes in (1, 3, 5, 10, 20, 45, 90):
        for focus in (None, "stretch", "strengthen", "release", "posture", "mixed"):
            try:
                picked |= set(CATALOGUE.assemble(minutes, focus).exercise_ids)
            except ValueError:
                continue
    assert picked and picked <= set(FIGURES)


def test_a_new_exercise_without_poses_fails_the_check(data_dir, capsys):
    stretches = data_dir / "stretches.toml"
    text = stretches.read_text()
    first = text.index("[[exercise]]")
    block = text[first : text.index("[[exercise]]", first + 1)]
    block = block.replace('id = "pelvic-tilt"', 'id = "side-bend"').replace('"Pelvic tilt"', '"Side bend"')
    block = re.sub(r"synonyms = \[.*?\]", "synonyms = []", block, flags=re.S)
    stretches.write_text(text + "\n" + block)
    code, lines = check(data_dir, capsys)
    assert code == 1
    assert "poses.toml: exercise 'side-bend': has no figure; every exercise needs its poses" in lines


def test_the_packaged_poses_check_ok(capsys):
    assert main(["check"]) == 0


# --- each rule, broken once ---------------------------------------------------------------------


def test_a_joint_outside_its_human_range_names_exercise_pose_and_joint(data_dir, capsys):
    edit_pose(data_dir, "pelvic-tilt", "hold", "left_knee = 114", "left_knee = 200")
    code, lines = check(data_dir, capsys)
    assert code == 1
    assert (
        "poses.toml: exercise 'pelvic-tilt': pose 'hold': joint 'left_knee': angle 200° outside 0–160°"
        in lines
    )


def test_a_body_that_floats_above_its_support_fails(data_dir, capsys):
    edit_pose(data_dir, "pelvic-tilt", "start", "pelvis = [120.0, 6.0]", "pelvis = [120.0, 30.0]")
    code, lines = check(data_dir, capsys)
    assert code == 1
    assert (
        "poses.toml: exercise 'pelvic-tilt': pose 'start': point 'pelvis': "
        "should rest on the floor but is 24 units above it"
    ) in lines


def test_a_limb_through_the_floor_fails(data_dir, capsys):
    edit_pose(data_dir, "knee-to-chest", "start", "left_hip = 0,", "left_hip = -25,")
    code, lines = check(data_dir, capsys)
    assert code == 1
    assert any(
        line.startswith("poses.toml: exercise 'knee-to-chest': pose 'start': point 'left_heel': goes ")
        and line.endswith("units through the floor")
        for line in lines
    ), lines


def test_resting_on_a_prop_the_figure_lacks_fails(data_dir, capsys):
    path = data_dir / "poses.toml"
    path.write_text(
        path.read_text().replace(
            'props = [{ kind = "floor" }, { kind = "bolster", x = 110.0, size = 14.0, width = 34.0 }]',
            'props = [{ kind = "floor" }]',
        )
    )
    code, lines = check(data_dir, capsys)
    assert code == 1
    prefix = "poses.toml: exercise 'bolster-psoas-stretch': "
    assert prefix + "needs a bolster prop: the exercise uses a bolster pillow" in lines
    assert prefix + "pose 'start': point 'pelvis': rests on a bolster the figure lacks" in lines


def test_a_seated_exercise_must_rest_the_pelvis_on_a_seat(data_dir, capsys):
    edit_pose(
        data_dir,
        "pelvic-floor-squeeze",
        "hold",
        'support = [{ point = "pelvis", on = "chair" }, ',
        "support = [",
    )
    code, lines = check(data_dir, capsys)
    assert code == 1
    assert (
        "poses.toml: exercise 'pelvic-floor-squeeze': pose 'hold': "
        "a seated exercise rests the pelvis on a chair or the floor"
    ) in lines


def test_a_timed_exercise_needs_a_start_and_a_working_pose(data_dir, capsys):
    edit_pose(data_dir, "plank", "hold", 'name = "hold"', 'name = "rest"')
    edit_pose(data_dir, "transverse-abdominis", "hold", 'name = "hold"', 'name = "start"')
    code, lines = check(data_dir, capsys)
    assert code == 1
    assert "poses.toml: exercise 'plank': pose 'rest': working poses are named hold, left, right" in lines
    assert "poses.toml: exercise 'transverse-abdominis': field 'poses': pose 'start' appears twice" in lines


def test_a_figure_outside_the_picture_fails(data_dir, capsys):
    edit_pose(data_dir, "plank", "hold", "pelvis = [96.0, 23.6]", "pelvis = [196.0, 23.6]")
    code, lines = check(data_dir, capsys)
    assert code == 1
    assert "poses.toml: exercise 'plank': pose 'hold': point 'head': is outside the picture" in lines


def test_an_unknown_joint_and_an_unknown_exercise_are_named(data_dir, capsys):
    edit_pose(data_dir, "plank", "start", "left_knee = 40,", "left_knees = 40,")
    path = data_dir / "poses.toml"
    path.write_text(path.read_text().replace("[neutral-spine]", "[neutral-spines]").replace(
        "[[neutral-spine.poses]]", "[[neutral-spines.poses]]"))  # fmt: skip
    code, lines = check(data_dir, capsys)
    assert code == 1
    assert any(
        "exercise 'plank': pose 'start': field 'joints': unknown joint 'left_knees'" in x for x in lines
    )
    assert "poses.toml: exercise 'neutral-spines': no such exercise in the catalogue" in lines
    assert "poses.toml: exercise 'neutral-spine': has no figure; every exercise needs its poses" in lines


def test_a_missing_poses_file_is_reported(data_dir, capsys):
    (data_dir / "poses.toml").unlink()
    code, lines = check(data_dir, capsys)
    assert code == 1 and any(line.startswith("poses.toml: file not found") for line in lines)


# --- geometry ---------------------------------------------------------------------------------------


def _length(a, b) -> float:
    return math.dist(a, b)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_limbs_keep_their_length_across_poses(exercise_id):
    figure = FIGURES[exercise_id]
    lengths = set()
    for pose in figure.poses:
        sk = solve(pose, figure.view)
        segments = ["torso", "left_thigh", "left_shin", "right_thigh", "right_shin", "left_upper_arm"]
        lengths.add(tuple(round(_length(*sk.segment(s)), 6) for s in segments))
    assert len(lengths) == 1


angles = st.fixed_dictionaries(
    {j: st.floats(*RANGES["side"][j.split("_", 1)[-1]], allow_nan=False) for j in JOINTS}
)


@settings(max_examples=60, deadline=None)
@given(joints=angles, torso=st.floats(0, 360), x=st.floats(60, 180), y=st.floats(0, 80))
def test_any_pose_in_range_renders_valid_svg_with_fixed_limb_lengths(joints, torso, x, y):
    base = FIGURES["plank"]
    pose = Pose(
        name="start", description="Any pose.", pelvis=[x, y], torso=torso, joints=joints,
        support=[{"point": "pelvis", "on": "floor"}],
    )  # fmt: skip
    figure = base.model_copy(update={"poses": [pose]})
    sk = solve(pose, "side")
    assert round(_length(*sk.segment("left_thigh")), 6) == round(_length(*sk.segment("right_thigh")), 6)
    ET.fromstring(render_svg(figure, "Any"))


# --- the renderer -----------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_each_figure_renders_small_accessible_svg(exercise_id):
    figure = FIGURES[exercise_id]
    name = CATALOGUE.exercise(exercise_id).name
    svg = render_svg(figure, name)
    assert len(svg.encode()) < 3072
    root = ET.fromstring(svg)
    width, height = figure_size(figure)
    assert root.get("viewBox").split()[2:] == [str(width), str(height)]
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert root.get("aria-labelledby") == title.get("id")
    assert title.text.startswith(name + ": ") and figure.key_pose.description in title.text
    assert render_svg(figure, name) == svg  # deterministic
    caps = "stroke-linecap:round" in root.find(f"{SVG}style").text
    assert caps and "prefers-color-scheme:dark" in svg and "currentColor" in svg


@pytest.mark.parametrize("exercise_id", [e for e in EXERCISES if len(FIGURES[e].poses) > 1])
def test_the_all_poses_svg_has_matching_groups_for_animation(exercise_id):
    figure = FIGURES[exercise_id]
    names = [p.name for p in figure.poses]
    root = ET.fromstring(render_svg(figure, "X", poses=names))
    groups = [g for g in root.iter(f"{SVG}g") if "pose" in (g.get("class") or "").split()]
    assert [g.get("data-pose") for g in groups] == names
    assert "on" in groups[0].get("class").split() and all("on" not in g.get("class") for g in groups[1:])
    shapes = [[(p.get("class"), len(re.findall("[A-Za-z]", p.get("d")))) for p in g] for g in groups]
    limbs = [[s for s in group if s[0].startswith(("l ", "h "))] for group in shapes]
    assert all(group == limbs[0] for group in limbs), "pose groups must tween element for element"
    assert root.get("data-poses") == " ".join(names)


def test_a_pose_that_moves_shows_it_in_the_picture():
    figure = FIGURES["knee-to-chest"]
    start, hold = (render_svg(figure, "Knee to chest", poses=[p]) for p in ("start", "hold"))
    assert start != hold
    assert 'class="hl"' in hold and 'class="hl"' not in start  # the stretched hip flexor is marked
    assert 'class="a"' in hold  # and the direction of movement
