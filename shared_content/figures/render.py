"""SVG for a figure: deterministic, viewBox-based, styled with CSS custom properties.

    render_svg(figure, name)                  the key pose as a still (what <img> shows)
    render_svg(figure, name, poses=[...])     several poses, one <g class="pose"> each, for animation

Colours come from `currentColor` and `--fig-*` custom properties with light defaults and a
`prefers-color-scheme: dark` block, so the picture suits both themes as an <img> and can be
restyled when inlined. The animation contract is in docs/architecture.md ("Figures").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

from shared_content.figures.geometry import (
    FLOOR_MARGIN,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    HEAD_RADIUS,
    Point,
    Skeleton,
    solve,
)
from shared_content.figures.model import Arrow, Figure, Pose, Prop

WIDTH = int(FRAME_WIDTH)
_GROUND = FRAME_HEIGHT - FLOOR_MARGIN  # svg y of the floor line
ARROW_HEAD = 6.0
# Props drawn over the person: a pack lies on the body. (A plumb line stays behind: the body
# covers it where it is aligned, and it shows above the head, like the string that lifts it.)
ON_TOP = {"pack"}

STYLE = (
    ".pc-fig{color:var(--fig-ink,#2d4653);--a:var(--fig-accent,#c8641e);--p:var(--fig-prop,#b4c3ca);"
    "--f:var(--fig-far,#8ea2ac)}"
    "@media(prefers-color-scheme:dark){.pc-fig{color:var(--fig-ink,#e3ecef);--a:var(--fig-accent,#f2a65e);"
    "--p:var(--fig-prop,#526a76);--f:var(--fig-far,#8197a1)}}"
    ".pc-fig path{fill:none;stroke-linecap:round;stroke-linejoin:round}"
    ".pc-fig .l{stroke:currentColor;stroke-width:8}.pc-fig .f{stroke:var(--f)}.pc-fig .t{stroke-width:12}"
    ".pc-fig .h{fill:currentColor}.pc-fig .hl{stroke:var(--a);stroke-width:8}"
    ".pc-fig .g{stroke:var(--a);stroke-width:18;opacity:.3}.pc-fig .a{stroke:var(--a);stroke-width:3}"
    ".pc-fig .pr{fill:var(--p)}.pc-fig .pl{stroke:var(--p);stroke-width:4}.pc-fig .d{stroke-dasharray:4 6}"
    ".pc-fig .pk{fill:var(--a);opacity:.55}"
    ".pc-fig[data-poses] .pose{display:none}.pc-fig[data-poses] .pose.on{display:inline}"
)


def num(value: float) -> str:
    """Short, stable number text: one decimal, no trailing zero, never "-0"."""
    text = f"{round(value, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def to_screen(point: Point) -> Point:
    """World (y up, floor 0) to picture coordinates (y down, floor near the bottom)."""
    return point[0], _GROUND - point[1]


def path_data(points: Sequence[Point]) -> str:
    screen = [to_screen(p) for p in points]
    return "M" + "L".join(f"{num(x)} {num(y)}" for x, y in screen)


def alt_text(figure: Figure, name: str, poses: Sequence[str] | None = None) -> str:
    """The text alternative: what the picture shows, from the data."""
    chosen = [figure.pose(p) for p in poses] if poses else [figure.key_pose]
    return f"{name}: " + " Then: ".join(p.description for p in chosen)


def arrow_points(arrow: Arrow, skeleton: Skeleton) -> tuple[list[Point], list[Point]]:
    """(shaft, head) of an arrow in world units."""
    x, y = skeleton.point(arrow.at)
    start = (x + arrow.dx, y + arrow.dy)
    rad = math.radians(arrow.angle)
    tip = (start[0] + math.cos(rad) * arrow.length, start[1] + math.sin(rad) * arrow.length)
    head = []
    for turn in (150.0, -150.0):
        side = math.radians(arrow.angle + turn)
        head.append((tip[0] + math.cos(side) * ARROW_HEAD, tip[1] + math.sin(side) * ARROW_HEAD))
    return [start, tip], [head[0], tip, head[1]]


def highlight_points(pose: Pose, skeleton: Skeleton) -> list[list[Point]]:
    parts = []
    for mark in pose.highlight:
        (ax, ay), (bx, by) = skeleton.segment(mark.segment)
        parts.append(
            [(ax + (bx - ax) * mark.start, ay + (by - ay) * mark.start),
             (ax + (bx - ax) * mark.end, ay + (by - ay) * mark.end)]
        )  # fmt: skip
    return parts


def body_chains(skeleton: Skeleton) -> list[tuple[str, list[Point]]]:
    """(class names, points) in drawing order: far side first in the side view."""
    torso = ("l t torso", [skeleton.pelvis, skeleton.shoulders])
    if skeleton.view == "side":
        return [
            ("l f leg-r", skeleton.leg("right")),
            ("l f arm-r", skeleton.arm("right")),
            torso,
            ("l leg-l", skeleton.leg("left")),
            ("l arm-l", skeleton.arm("left")),
        ]
    hips = ("l t hips", [skeleton.left_hip, skeleton.right_hip])
    shoulders = ("l shoulders", [skeleton.left_shoulder, skeleton.right_shoulder])
    return [
        torso,
        hips,
        shoulders,
        # Seen from the front the legs are drawn lighter, so the arms read clearly across them.
        ("l f leg-l", skeleton.leg("left")),
        ("l f leg-r", skeleton.leg("right")),
        ("l arm-l", skeleton.arm("left")),
        ("l arm-r", skeleton.arm("right")),
    ]


class Shape(NamedTuple):
    """One drawn path: its style classes (see STYLE) and its path data in picture coordinates.
    The SVG and the Echo Show's AVG are both built from these."""

    classes: str
    d: str


def _rounded_rect(x: float, y: float, w: float, h: float, r: float) -> str:
    """Path data of a rectangle with corner radius r (top-left x, y in picture coordinates)."""
    return (
        f"M{num(x + r)} {num(y)}H{num(x + w - r)}A{num(r)} {num(r)} 0 0 1 {num(x + w)} {num(y + r)}"
        f"V{num(y + h - r)}A{num(r)} {num(r)} 0 0 1 {num(x + w - r)} {num(y + h)}H{num(x + r)}"
        f"A{num(r)} {num(r)} 0 0 1 {num(x)} {num(y + h - r)}V{num(y + r)}A{num(r)} {num(r)} 0 0 1 "
        f"{num(x + r)} {num(y)}Z"
    )


def circle_path(center: Point, r: float) -> str:
    """A circle as path data (AVG has no circle element), centre in picture coordinates."""
    x, y = center
    return f"M{num(x - r)} {num(y)}A{num(r)} {num(r)} 0 1 0 {num(x + r)} {num(y)}A{num(r)} {num(r)} 0 1 0 {num(x - r)} {num(y)}Z"


def pose_shapes(figure: Figure, pose: Pose) -> list[Shape]:
    """Everything one pose draws, in order; the same classes and order for every pose of a
    figure, so a player can tween one pose's paths into the next."""
    sk = solve(pose, figure.view)
    marks = highlight_points(pose, sk)
    shapes = [Shape("g", path_data(seg)) for seg in marks]
    for classes, points in body_chains(sk):
        shapes.append(Shape(classes, path_data(points)))
        if classes.endswith("torso"):
            shapes.append(Shape("h head", circle_path(to_screen(sk.head), HEAD_RADIUS)))
    shapes += [Shape("hl", path_data(seg)) for seg in marks]
    for arrow in pose.arrows:
        shaft, head = arrow_points(arrow, sk)
        shapes.append(Shape("a", path_data(shaft) + path_data(head)))
    return shapes


def prop_shapes(prop: Prop) -> list[Shape]:
    g = _GROUND
    if prop.kind == "floor":
        return [Shape("pl", f"M6 {num(g + 2)}H{WIDTH - 6}")]
    if prop.kind == "bolster":
        h = prop.size
        return [Shape("pr", _rounded_rect(prop.x - prop.width / 2, g - h, prop.width, h, h / 2))]
    if prop.kind == "foam-roller":
        return [Shape("pr", circle_path((prop.x, g - prop.size / 2), prop.size / 2))]
    if prop.kind == "chair":
        seat, back, front = g - prop.size + 2, prop.x - prop.width, prop.x
        return [
            Shape(
                "pl", f"M{num(back)} {num(seat - 48)}V{num(g)}M{num(back)} {num(seat)}H{num(front)}V{num(g)}"
            )
        ]
    if prop.kind == "wall":
        return [Shape("pl", f"M{num(prop.x)} 4V{num(g)}")]
    if prop.kind == "pack":
        x, y = to_screen((prop.x - prop.width / 2, prop.y + prop.size / 2))
        return [Shape("pk", _rounded_rect(x, y, prop.width, prop.size, 3))]
    if prop.kind == "plumb-line":
        return [Shape("pl d", f"M{num(prop.x)} {num(g - prop.size)}V{num(g)}")]
    # level-line: a dashed horizontal guide at height y
    _, y = to_screen((0.0, prop.y))
    half = prop.width / 2
    return [Shape("pl d", f"M{num(prop.x - half)} {num(y)}H{num(prop.x + half)}")]


def _svg_path(shape: Shape) -> str:
    return f'<path class="{shape.classes}" d="{shape.d}"/>'


def _pose_group(figure: Figure, pose: Pose, on: bool) -> str:
    state = " on" if on else ""
    body = "".join(_svg_path(s) for s in pose_shapes(figure, pose))
    return f'<g class="pose{state}" data-pose={quoteattr(pose.name)}>{body}</g>'


def frame_top(figure: Figure) -> float:
    """Picture y of the top edge of the (cropped) frame."""
    return _GROUND + FLOOR_MARGIN - figure_size(figure)[1]


def content_top(figure: Figure) -> float:
    """Highest world y anything of the figure reaches, over all its poses."""
    top = 0.0
    for pose in figure.poses:
        sk = solve(pose, figure.view)
        top = max(top, *(y + sk.radius(n) for n, (_, y) in sk.named_points().items()))
        for arrow in pose.arrows:
            shaft, head = arrow_points(arrow, sk)
            top = max(top, *(y for _, y in shaft + head))
    for prop in figure.props:
        top = max(top, {"chair": prop.size + 46, "plumb-line": prop.size}.get(prop.kind, prop.size))
    return top


def figure_size(figure: Figure) -> tuple[int, int]:
    """(width, height) of the picture: the full width, cropped above what the figure reaches, so
    a lying figure is not a strip at the bottom of an empty frame. The same for every pose."""
    top = min(_GROUND, math.ceil((content_top(figure) + 8) / 10) * 10)
    return WIDTH, int(top + FLOOR_MARGIN)


def render_svg(figure: Figure, name: str, poses: Sequence[str] | None = None) -> str:
    """The figure as a standalone SVG document (also fine to inline)."""
    chosen = [figure.pose(p) for p in poses] if poses else [figure.key_pose]
    title_id = f"fig-{figure.exercise_id}-title"
    animated = f' data-poses="{" ".join(p.name for p in chosen)}"' if poses else ""
    width, height = figure_size(figure)
    top = num(frame_top(figure))
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pc-fig" viewBox="0 {top} {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{title_id}"'
        f' data-exercise="{figure.exercise_id}"{animated}>'
    )
    title = f'<title id="{title_id}">{escape(alt_text(figure, name, poses))}</title>'
    behind = "".join(_svg_path(s) for p in figure.props if p.kind not in ON_TOP for s in prop_shapes(p))
    front = "".join(_svg_path(s) for p in figure.props if p.kind in ON_TOP for s in prop_shapes(p))
    groups = "".join(_pose_group(figure, pose, index == 0) for index, pose in enumerate(chosen))
    props = f'<g class="props">{behind}</g>'
    marks = f'<g class="marks">{front}</g>' if front else ""
    return head + title + f"<style>{STYLE}</style>" + props + groups + marks + "</svg>"
