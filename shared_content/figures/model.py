"""Poses as data: a small 2-D skeleton per key pose of an exercise, with its props and view.

A pose is joint angles (degrees) plus where the pelvis is, so limb lengths are constant by
construction; `geometry.solve` turns it into joint positions. The world is 240 x 170 units,
y up, the floor line at y = 0. In the side view the person faces +x (right) and we see their
left side, so the left limbs are the near ones. In the front view the person faces us, so their
left limbs are on the right of the picture.

Angle conventions (side view), each relative to the segment it hangs from:
    torso     absolute direction pelvis -> shoulders: 90 standing, 180 lying on the back (head left)
    neck      head tilt, chin toward chest positive
    hip       thigh forward of the torso line (flexion) positive, behind it (extension) negative
    knee      bend, 0 = straight
    ankle     angle between shin and foot, 90 = neutral
    shoulder  arm forward of the torso line positive, 0 = hanging along the body
    elbow     bend, 0 = straight
Front view: hip and shoulder are the limb's angle away from the body's midline in the picture.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

View = Literal["side", "front"]
PropKind = Literal["floor", "bolster", "foam-roller", "chair", "wall", "pack", "plumb-line", "level-line"]
Side = Literal["left", "right"]

JOINTS: tuple[str, ...] = (
    "neck",
    "left_shoulder",
    "left_elbow",
    "right_shoulder",
    "right_elbow",
    "left_hip",
    "left_knee",
    "left_ankle",
    "right_hip",
    "right_knee",
    "right_ankle",
)
# Points a pose can rest on a surface with, or mark: the joints' positions and the limb ends.
POINTS: tuple[str, ...] = (
    "head",
    "shoulders",
    "pelvis",
    "left_elbow",
    "left_hand",
    "right_elbow",
    "right_hand",
    "left_knee",
    "left_heel",
    "left_toe",
    "right_knee",
    "right_heel",
    "right_toe",
)
SEGMENTS: tuple[str, ...] = (
    "torso",
    "left_thigh",
    "left_shin",
    "right_thigh",
    "right_shin",
    "left_upper_arm",
    "left_forearm",
    "right_upper_arm",
    "right_forearm",
)
SUPPORT_SURFACES: tuple[str, ...] = ("floor", "bolster", "foam-roller", "chair", "wall")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Prop(_Strict):
    """Something drawn with the person. `x` is its centre (chair: front edge of the seat; wall: its
    face); `size` is its height (bolster, roller, pack, chair seat) or, for lines, their height."""

    kind: PropKind
    x: float = 0.0
    y: float = 0.0
    size: float = 0.0
    width: float = 0.0


class Contact(_Strict):
    """A body point that rests on a surface in this pose, checked geometrically."""

    point: str
    on: str

    @field_validator("point")
    @classmethod
    def _known_point(cls, value: str) -> str:
        if value not in POINTS:
            raise ValueError(f"unknown body point {value!r}; use one of {', '.join(POINTS)}")
        return value

    @field_validator("on")
    @classmethod
    def _known_surface(cls, value: str) -> str:
        if value not in SUPPORT_SURFACES:
            raise ValueError(f"unknown surface {value!r}; use one of {', '.join(SUPPORT_SURFACES)}")
        return value


class Highlight(_Strict):
    """The working muscle: part of a segment, from `start` to `end` (0 = its first joint, 1 = its end)."""

    segment: str
    start: float = Field(default=0.0, ge=0.0, le=1.0)
    end: float = Field(default=1.0, ge=0.0, le=1.0)

    @field_validator("segment")
    @classmethod
    def _known_segment(cls, value: str) -> str:
        if value not in SEGMENTS:
            raise ValueError(f"unknown segment {value!r}; use one of {', '.join(SEGMENTS)}")
        return value


class Arrow(_Strict):
    """The direction of movement: from near body point `at` (offset by dx, dy), `length` along `angle`."""

    at: str
    angle: float
    length: float = Field(default=22.0, gt=0.0, le=80.0)
    dx: float = 0.0
    dy: float = 0.0

    @field_validator("at")
    @classmethod
    def _known_point(cls, value: str) -> str:
        if value not in POINTS:
            raise ValueError(f"unknown body point {value!r}; use one of {', '.join(POINTS)}")
        return value


class Pose(_Strict):
    name: str
    description: str
    pelvis: list[float] = Field(min_length=2, max_length=2)
    torso: float
    joints: dict[str, float]
    support: list[Contact] = Field(min_length=1)
    highlight: list[Highlight] = []
    arrows: list[Arrow] = []

    @field_validator("description")
    @classmethod
    def _described(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must say what the picture shows")
        return value

    @field_validator("joints")
    @classmethod
    def _all_joints(cls, joints: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(joints) - set(JOINTS))
        if unknown:
            raise ValueError(f"unknown joint {unknown[0]!r}; use {', '.join(JOINTS)}")
        missing = [j for j in JOINTS if j not in joints]
        if missing:
            raise ValueError(f"joint {missing[0]!r} is missing")
        return joints


class Figure(_Strict):
    """Every key pose of one exercise. poses[0] is the start (and release) pose; the rest are the
    working poses the session moves into (a single `hold`, or `left`/`right` that alternate).
    A guidance item has one still pose."""

    exercise_id: str
    view: View
    props: list[Prop] = Field(min_length=1)
    poses: list[Pose] = Field(min_length=1)

    @field_validator("poses")
    @classmethod
    def _unique_names(cls, poses: list[Pose]) -> list[Pose]:
        names = [p.name for p in poses]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"pose {name!r} appears twice")
        return poses

    def pose(self, name: str) -> Pose:
        for pose in self.poses:
            if pose.name == name:
                return pose
        raise KeyError(f"figure {self.exercise_id!r} has no pose {name!r}")

    @property
    def key_pose(self) -> Pose:
        """The pose a still picture shows: the first working pose, or the only one."""
        return self.poses[1] if len(self.poses) > 1 else self.poses[0]
