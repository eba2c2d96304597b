"""The exercise figure for the Echo Show, as an APL vector graphic (AVG 1.2).

Built from the same shapes as the phone's SVG (shared_content.figures.render.pose_shapes), never
by parsing SVG. Each pose is a group whose opacity follows the graphic's `pose` parameter, so the
document shows the start pose during the intro and the working pose during the hold by binding
`pose` on the VectorGraphic component.
"""

from __future__ import annotations

from typing import Any

from shared_content.figures import load_figures
from shared_content.figures.model import Figure
from shared_content.figures.render import Shape, alt_text, figure_size, frame_top, pose_shapes, prop_shapes

AVG_VERSION = "1.2"
GRAPHIC_NAME = "exerciseFigure"
# The session document's theme is dark: the phone's dark palette.
INK = "#E3ECEF"
FAR = "#8197A1"
ACCENT = "#F2A65E"
PROP = "#526A76"


def _item(shape: Shape) -> dict[str, Any]:
    """One AVG path with the style the SVG gives the same classes."""
    classes = set(shape.classes.split())
    item: dict[str, Any] = {"type": "path", "pathData": shape.d}
    if classes & {"h", "pr", "pk"}:
        item["fill"] = INK if "h" in classes else PROP if "pr" in classes else ACCENT
        if "pk" in classes:
            item["fillOpacity"] = 0.55
        return item
    colour, width = INK, 8
    if "f" in classes:
        colour = FAR
    if "t" in classes:
        width = 12
    if classes & {"g", "hl", "a"}:
        colour, width = ACCENT, {"g": 18, "hl": 8, "a": 3}[next(iter(classes & {"g", "hl", "a"}))]
    if "pl" in classes:
        colour, width = PROP, 4
    item.update(stroke=colour, strokeWidth=width, strokeLineCap="round", strokeLineJoin="round")
    if "g" in classes:
        item["strokeOpacity"] = 0.3
    if "d" in classes:
        item["strokeDashArray"] = [4, 6]
    return item


def avg_graphic(figure: Figure, name: str) -> dict[str, Any]:
    """The figure as an AVG object with a `pose` parameter (default: the key pose)."""
    width, height = figure_size(figure)
    props = [_item(s) for p in figure.props for s in prop_shapes(p)]
    poses = [
        {
            "type": "group",
            "opacity": f"${{pose == '{pose.name}' ? 1 : 0}}",
            "items": [_item(s) for s in pose_shapes(figure, pose)],
        }
        for pose in figure.poses
    ]
    return {
        "type": "AVG",
        "version": AVG_VERSION,
        "description": alt_text(figure, name),
        "width": width,
        "height": height,
        "viewportWidth": width,
        "viewportHeight": height,
        "parameters": [{"name": "pose", "type": "string", "default": figure.key_pose.name}],
        # AVG has no viewBox origin: shift the picture up to the cropped frame's top.
        "items": [{"type": "group", "translateY": -frame_top(figure), "items": props + poses}],
    }


def figure_pose(figure: Figure, phase: str, side: str | None) -> str:
    """The pose the screen shows: the working pose while holding, otherwise the start pose."""
    if phase != "holding" or len(figure.poses) == 1:
        return figure.poses[0].name
    names = [p.name for p in figure.poses]
    if side in names:
        return str(side)
    return figure.key_pose.name


def graphic_for(exercise_id: str, name: str) -> dict[str, Any] | None:
    figure = load_figures().get(exercise_id)
    return avg_graphic(figure, name) if figure else None
