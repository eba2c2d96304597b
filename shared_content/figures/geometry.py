"""Forward kinematics: a pose's angles -> joint positions, plus the props' surfaces.

Everything here is world units (see model.py): y up, the floor at y = 0, a 240 x 170 frame.
The renderers (SVG for the phone, AVG for the Echo Show) draw from `Skeleton`, never from
each other's output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from shared_content.figures.model import Pose, Prop, View

Point = tuple[float, float]

FRAME_WIDTH = 240.0
FRAME_HEIGHT = 170.0
FLOOR_MARGIN = 12.0  # frame space kept below the floor line

# Limb lengths: fixed, so every pose of every figure keeps the same body.
TORSO = 46.0
NECK = 7.0
HEAD_RADIUS = 9.0
UPPER_ARM = 25.0
FOREARM = 23.0
THIGH = 38.0
SHIN = 36.0
FOOT = 11.0
FRONT_FOOT = 6.0
HALF_HIPS = 7.0  # front view only: joints sit either side of the midline
HALF_SHOULDERS = 11.0
# Drawn thickness (radius) of each part, used to check what touches what.
TORSO_RADIUS = 6.0
LIMB_RADIUS = 4.0


def _unit(degrees: float) -> Point:
    radians = math.radians(degrees)
    return math.cos(radians), math.sin(radians)


def _along(start: Point, degrees: float, length: float) -> Point:
    dx, dy = _unit(degrees)
    return start[0] + dx * length, start[1] + dy * length


@dataclass(frozen=True)
class Skeleton:
    """Joint positions of one pose. Chains run from the body outward."""

    view: View
    pelvis: Point
    shoulders: Point
    head: Point
    left_hip: Point
    right_hip: Point
    left_shoulder: Point
    right_shoulder: Point
    left_elbow: Point
    left_hand: Point
    right_elbow: Point
    right_hand: Point
    left_knee: Point
    left_heel: Point
    left_toe: Point
    right_knee: Point
    right_heel: Point
    right_toe: Point

    def point(self, name: str) -> Point:
        value: Point = getattr(self, name)
        return value

    def radius(self, name: str) -> float:
        if name == "head":
            return HEAD_RADIUS
        if name in ("pelvis", "shoulders"):
            return TORSO_RADIUS
        return LIMB_RADIUS

    def leg(self, side: str) -> list[Point]:
        return [
            self.point(f"{side}_hip"),
            self.point(f"{side}_knee"),
            self.point(f"{side}_heel"),
            self.point(f"{side}_toe"),
        ]

    def arm(self, side: str) -> list[Point]:
        return [self.point(f"{side}_shoulder"), self.point(f"{side}_elbow"), self.point(f"{side}_hand")]

    def segment(self, name: str) -> tuple[Point, Point]:
        """Ends of a named segment (model.SEGMENTS), from the body outward."""
        if name == "torso":
            return self.pelvis, self.shoulders
        side, part = name.split("_", 1)
        ends = {
            "thigh": (f"{side}_hip", f"{side}_knee"),
            "shin": (f"{side}_knee", f"{side}_heel"),
            "upper_arm": (f"{side}_shoulder", f"{side}_elbow"),
            "forearm": (f"{side}_elbow", f"{side}_hand"),
        }[part]
        return self.point(ends[0]), self.point(ends[1])

    def named_points(self) -> dict[str, Point]:
        return {name: self.point(name) for name in _POINT_NAMES}


_POINT_NAMES = (
    "head", "shoulders", "pelvis", "left_elbow", "left_hand", "right_elbow", "right_hand",
    "left_knee", "left_heel", "left_toe", "right_knee", "right_heel", "right_toe",
)  # fmt: skip


def solve(pose: Pose, view: View) -> Skeleton:
    """Joint positions for `pose` seen from `view` (angle conventions in model.py)."""
    j = pose.joints
    pelvis = (pose.pelvis[0], pose.pelvis[1])
    t = pose.torso
    shoulders = _along(pelvis, t, TORSO)
    head = _along(shoulders, t - j["neck"], NECK + HEAD_RADIUS)
    if view == "side":
        hips = {"left": pelvis, "right": pelvis}
        tops = {"left": shoulders, "right": shoulders}
        mirror = {"left": 1.0, "right": 1.0}
        foot = FOOT
    else:
        # The pelvis stays level in the front view: a lean or twist moves only the upper body.
        hips = {"left": (pelvis[0] + HALF_HIPS, pelvis[1]), "right": (pelvis[0] - HALF_HIPS, pelvis[1])}
        tops = {
            "left": _along(shoulders, t - 90, HALF_SHOULDERS),
            "right": _along(shoulders, t + 90, HALF_SHOULDERS),
        }
        mirror = {"left": 1.0, "right": -1.0}
        foot = FRONT_FOOT
    leg_base = t if view == "side" else 90.0
    points: dict[str, Point] = {}
    for side in ("left", "right"):
        m = mirror[side]
        thigh = leg_base + 180 + m * j[f"{side}_hip"]
        knee = _along(hips[side], thigh, THIGH)
        shin = thigh - m * j[f"{side}_knee"]
        heel = _along(knee, shin, SHIN)
        toe = _along(heel, shin + m * (180 - j[f"{side}_ankle"]), foot)
        upper = t + 180 + m * j[f"{side}_shoulder"]
        elbow = _along(tops[side], upper, UPPER_ARM)
        # Side view: the elbow bends the forearm forward. Front view: toward the body's midline.
        bend = 1.0 if view == "side" else -m
        hand = _along(elbow, upper + bend * j[f"{side}_elbow"], FOREARM)
        points.update(
            {
                f"{side}_knee": knee,
                f"{side}_heel": heel,
                f"{side}_toe": toe,
                f"{side}_elbow": elbow,
                f"{side}_hand": hand,
            }
        )
    return Skeleton(
        view=view,
        pelvis=pelvis,
        shoulders=shoulders,
        head=head,
        left_hip=hips["left"],
        right_hip=hips["right"],
        left_shoulder=tops["left"],
        right_shoulder=tops["right"],
        **points,
    )


def surface_top(prop: Prop, x: float) -> float | None:
    """Height of the prop's top surface above `x`, or None where the prop is not."""
    if prop.kind == "floor":
        return 0.0
    if prop.kind == "bolster":
        return prop.size if abs(x - prop.x) <= prop.width / 2 else None
    if prop.kind == "foam-roller":
        r = prop.size / 2
        dx = x - prop.x
        return r + math.sqrt(r * r - dx * dx) if abs(dx) <= r else None
    if prop.kind == "chair":
        return prop.size if prop.x - prop.width <= x <= prop.x else None
    return None
