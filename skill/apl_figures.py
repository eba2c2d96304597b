"""The exercise figure for the Echo Show, as an APL vector graphic (AVG 1.2).

Built from the same shapes as the phone's SVG (shared_content.figures.render.pose_shapes), never
by parsing SVG. Each pose is a group whose opacity follows the graphic's `pose` parameter, so the
document shows the start pose during the intro and the working pose during the hold by binding
`pose` on the VectorGraphic component.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shared_content.figures import load_figures
from shared_content.figures.model import Figure
from shared_content.figures.render import Shape, alt_text, figure_size, frame_top, pose_shapes, prop_shapes
from shared_content.service import Cue

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


FIGURE_COMPONENT = "figure"  # the VectorGraphic's id in apl/session.json
POSE_BINDING = "shownPose"  # its bound pose, which the timed SetValue commands change
POSE_SEQUENCER = "figurePose"  # its own sequencer, so the countdown on MAIN runs alongside
INTO_HOLD_SECONDS = 1.0  # as on the phone: into the hold over the countdown's last second
# Cues after which the screen shows another exercise (a new document comes with that turn).
EXERCISE_ENDS = {"next_up", "intro", "wait", "well_done"}


def hold_pose(figure: Figure, side: str | None, rep: int) -> str:
    """The working pose for a hold: the side's pose where the figure has one, else left and right
    alternate rep by rep (twists, bicycle crunches), else the key pose. Same rule as the phone's
    static/figure_anim.js."""
    names = [p.name for p in figure.poses]
    if len(names) == 1:
        return names[0]
    if side in names:
        return str(side)
    if "left" in names and "right" in names:
        return "right" if rep % 2 == 0 else "left"
    return figure.key_pose.name


def _leaves(figure: Figure, cue: Cue) -> bool:
    """Whether the screen moves on to another exercise at this cue."""
    if cue.key == "intro":
        return cue.params.get("exercise") != figure.exercise_id
    return cue.key in EXERCISE_ENDS


def pose_schedule(
    figure: Figure, cues: Iterable[Cue], now: float, side: str | None
) -> list[tuple[float, str]]:
    """(seconds from now, pose) for each change of pose the cues call for while this exercise is
    on screen: into the hold from the countdown's "1" (or the hold's start), back to the start pose
    on the release."""
    start = figure.poses[0].name
    out: list[tuple[float, str]] = []
    rep = 1
    cues = list(cues)
    ends = min((c.at for c in cues if _leaves(figure, c) and c.at > now), default=float("inf"))
    for cue in cues:
        # The last release falls at the moment the next exercise is announced: it still counts.
        if cue.at > ends or cue.key in EXERCISE_ENDS:
            continue
        if cue.key == "get_ready":
            side, rep = cue.params.get("side"), 1
        elif cue.key == "switch_side":
            side = cue.params.get("side")
        pose = None
        at = cue.at
        if cue.key == "countdown" and cue.params.get("n") == 1:
            pose = hold_pose(figure, side, rep)
        elif cue.key == "hold_start":
            rep = int(cue.params.get("rep") or 1)
            pose = hold_pose(figure, side, rep)
        elif cue.key == "release":
            pose, rep = start, int(cue.params.get("rep") or 0) + 1
        if pose is not None and at >= now and (not out or out[-1][1] != pose):
            out.append((at - now, pose))
    return out


def pose_commands(schedule: list[tuple[float, str]]) -> list[dict[str, Any]]:
    """The schedule as one Sequential of SetValue commands on the figure's pose binding. In a
    Sequential each command waits for the one before, so each delay is the gap since the last."""
    commands: list[dict[str, Any]] = []
    elapsed_ms = 0
    for offset, pose in schedule:
        at_ms = max(elapsed_ms, round(offset * 1000))
        commands.append(
            {
                "type": "SetValue",
                "componentId": FIGURE_COMPONENT,
                "property": POSE_BINDING,
                "value": pose,
                "delay": at_ms - elapsed_ms,
            }
        )
        elapsed_ms = at_ms
    if not commands:
        return []
    return [{"type": "Sequential", "sequencer": POSE_SEQUENCER, "commands": commands}]


def graphic_for(exercise_id: str, name: str) -> dict[str, Any] | None:
    figure = load_figures().get(exercise_id)
    return avg_graphic(figure, name) if figure else None
