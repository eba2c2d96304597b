"""Geometric checks of a figure against the human body and against its exercise's steps.

Each problem is one line naming the pose and the joint or point, e.g.
    pose 'hold': joint 'left_knee': angle 200° outside 0–160°
(the loader prefixes the file and the exercise).
"""

from __future__ import annotations

from shared_content.catalogue.model import Exercise
from shared_content.figures.geometry import FLOOR_MARGIN, FRAME_HEIGHT, FRAME_WIDTH, solve, surface_top
from shared_content.figures.model import JOINTS, Figure, Pose

# Degrees each joint can reach (conventions in model.py). Front-view hips and shoulders are the
# angle seen in the picture plane, which a raised knee pointing at the viewer makes large.
RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "side": {
        "neck": (-40, 60),
        "shoulder": (-60, 180),
        "elbow": (0, 150),
        "hip": (-30, 140),
        "knee": (0, 160),
        "ankle": (60, 150),
    },
    "front": {
        "neck": (-30, 30),
        "shoulder": (-45, 180),
        "elbow": (0, 150),
        "hip": (-30, 165),
        "knee": (0, 160),
        "ankle": (60, 150),
    },
}
TOUCH_TOLERANCE = 3.0  # world units between a resting point's drawn edge and the surface
FLOOR_SURFACES = {"floor", "bolster", "foam-roller"}
PROP_FOR_EQUIPMENT = {"bolster pillow": "bolster", "foam roller": "foam-roller", "chair": "chair"}
TIMED_POSE_NAMES = {"hold", "left", "right"}


def _kind(joint: str) -> str:
    return joint.split("_", 1)[-1]


def joint_problems(pose: Pose, view: str) -> list[str]:
    problems = []
    for joint in JOINTS:
        low, high = RANGES[view][_kind(joint)]
        angle = pose.joints[joint]
        if not low <= angle <= high:
            problems.append(
                f"pose {pose.name!r}: joint {joint!r}: angle {angle:g}° outside {low:g}–{high:g}°"
            )
    return problems


def contact_problems(figure: Figure, pose: Pose) -> list[str]:
    """Declared supports touch their surface; nothing goes through the floor or out of the frame."""
    sk = solve(pose, figure.view)
    problems = []
    for contact in pose.support:
        x, y = sk.point(contact.point)
        bottom = y - sk.radius(contact.point)
        props = [p for p in figure.props if p.kind == contact.on]
        if not props:
            problems.append(
                f"pose {pose.name!r}: point {contact.point!r}: rests on a {contact.on} the figure lacks"
            )
            continue
        tops = [t for t in (surface_top(p, x) for p in props) if t is not None]
        if not tops:
            problems.append(f"pose {pose.name!r}: point {contact.point!r}: is not over the {contact.on}")
            continue
        gap = min((bottom - t for t in tops), key=abs)
        if abs(gap) > TOUCH_TOLERANCE:
            where = "above" if gap > 0 else "inside"
            problems.append(
                f"pose {pose.name!r}: point {contact.point!r}: should rest on the {contact.on} "
                f"but is {abs(gap):.0f} units {where} it"
            )
    for name, (x, y) in sk.named_points().items():
        r = sk.radius(name)
        if y - r < -TOUCH_TOLERANCE:
            problems.append(
                f"pose {pose.name!r}: point {name!r}: goes {-(y - r):.0f} units through the floor"
            )
        if not (r - 0.5 <= x <= FRAME_WIDTH - r + 0.5 and y + r <= FRAME_HEIGHT - FLOOR_MARGIN + 0.5):
            problems.append(f"pose {pose.name!r}: point {name!r}: is outside the picture")
    return problems


def exercise_problems(figure: Figure, exercise: Exercise) -> list[str]:
    """The figure matches what the exercise says: poses for its kind, its position, its equipment."""
    problems = []
    names = [p.name for p in figure.poses]
    if exercise.kind == "timed":
        if len(names) < 2 or names[0] != "start":
            problems.append("a timed exercise needs a 'start' pose first and at least one working pose")
        elif bad := [n for n in names[1:] if n not in TIMED_POSE_NAMES]:
            problems.append(f"pose {bad[0]!r}: working poses are named {', '.join(sorted(TIMED_POSE_NAMES))}")
    elif len(names) != 1:
        problems.append("a guidance item has exactly one still pose")
    kinds = {p.kind for p in figure.props}
    for item in exercise.equipment:
        needed = PROP_FOR_EQUIPMENT.get(item)
        if needed and needed not in kinds:
            problems.append(f"needs a {needed} prop: the exercise uses a {item}")
        elif needed and not any(c.on == needed for p in figure.poses for c in p.support):
            problems.append(f"no pose rests on the {needed}: the exercise uses a {item}")
    for pose in figure.poses:
        problems += _position_problems(pose, exercise)
    return problems


def _position_problems(pose: Pose, exercise: Exercise) -> list[str]:
    on = {(c.point, c.on) for c in pose.support}
    surfaces = {s for _, s in on}
    label = f"pose {pose.name!r}"
    if exercise.position == "floor" and len({p for p, s in on if s in FLOOR_SURFACES}) < 2:
        return [f"{label}: a floor exercise rests at least two body points on the floor or a floor prop"]
    if exercise.position == "seated" and not ({("pelvis", "chair"), ("pelvis", "floor")} & on):
        return [f"{label}: a seated exercise rests the pelvis on a chair or the floor"]
    if exercise.position == "standing":
        feet = {p for p, s in on if s == "floor" and p.endswith(("heel", "toe"))}
        if not feet or surfaces - {"floor", "wall"}:
            return [f"{label}: a standing exercise rests on the feet, on the floor"]
    return []


def figure_problems(figure: Figure, exercise: Exercise) -> list[str]:
    problems = exercise_problems(figure, exercise)
    for pose in figure.poses:
        problems += joint_problems(pose, figure.view)
        problems += contact_problems(figure, pose)
    return problems
