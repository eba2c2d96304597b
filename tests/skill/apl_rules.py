"""Rules an APL document must follow to render on a screen device, from the APL and AVG specs:
the document shape, every VectorGraphic's source defined, and each AVG object's items
(groups, paths, text) with only the properties and values the AVG format knows."""

from __future__ import annotations

import re
from typing import Any

AVG_VERSIONS = {"1.0", "1.1", "1.2"}
AVG_TOP = {
    "type", "version", "description", "width", "height", "viewportWidth", "viewportHeight",
    "parameters", "items", "item", "resources", "styles", "scaleTypeHeight", "scaleTypeWidth", "data",
    "lang", "layoutDirection",
}  # fmt: skip
GROUP = {
    "type", "items", "item", "opacity", "clipPath", "rotation", "pivotX", "pivotY", "scaleX", "scaleY",
    "translateX", "translateY", "transform", "when", "description", "filters", "data", "bind", "style",
}  # fmt: skip
PATH = {
    "type", "pathData", "fill", "fillOpacity", "fillTransform", "pathLength", "stroke", "strokeDashArray",
    "strokeDashOffset", "strokeLineCap", "strokeLineJoin", "strokeMiterLimit", "strokeOpacity",
    "strokeTransform", "strokeWidth", "when", "description", "filters", "data", "bind", "style",
}  # fmt: skip
LINE_CAPS = {"butt", "round", "square"}
LINE_JOINS = {"miter", "round", "bevel"}
PATH_DATA = re.compile(r"^\s*[Mm][MmLlHhVvCcSsQqTtAaZz0-9eE.,+\-\s]*$")
BINDING = re.compile(r"^\$\{.+\}$")


def _number_or_binding(value: Any) -> bool:
    return isinstance(value, (int, float)) or (isinstance(value, str) and bool(BINDING.match(value)))


def avg_problems(graphic: dict[str, Any], where: str = "graphic") -> list[str]:
    problems = []
    if graphic.get("type") != "AVG":
        problems.append(f"{where}: type must be 'AVG'")
    if graphic.get("version") not in AVG_VERSIONS:
        problems.append(f"{where}: version must be one of {sorted(AVG_VERSIONS)}")
    for key in ("width", "height"):
        if not (isinstance(graphic.get(key), (int, float)) and graphic[key] > 0):
            problems.append(f"{where}: {key} must be a positive number")
    problems += [f"{where}: unknown property {k!r}" for k in graphic if k not in AVG_TOP]
    names = {p.get("name") for p in graphic.get("parameters", [])}
    for item in graphic.get("items", []):
        problems += _item_problems(item, where, names)
    return problems


def _item_problems(item: dict[str, Any], where: str, parameters: set[Any]) -> list[str]:
    kind = item.get("type")
    if kind == "group":
        problems = [f"{where}: group: unknown property {k!r}" for k in item if k not in GROUP]
        if "opacity" in item and not _number_or_binding(item["opacity"]):
            problems.append(f"{where}: group opacity must be a number or a binding")
        for name in re.findall(r"\$\{(\w+)", str(item.get("opacity", ""))):
            if name not in parameters:
                problems.append(f"{where}: group opacity binds {name!r}, which is not a parameter")
        for child in item.get("items", []):
            problems += _item_problems(child, where, parameters)
        return problems
    if kind == "path":
        problems = [f"{where}: path: unknown property {k!r}" for k in item if k not in PATH]
        if not (isinstance(item.get("pathData"), str) and PATH_DATA.match(item["pathData"])):
            problems.append(f"{where}: path: pathData is not path data: {item.get('pathData')!r}")
        if item.get("strokeLineCap", "butt") not in LINE_CAPS:
            problems.append(f"{where}: path: strokeLineCap {item['strokeLineCap']!r}")
        if item.get("strokeLineJoin", "miter") not in LINE_JOINS:
            problems.append(f"{where}: path: strokeLineJoin {item['strokeLineJoin']!r}")
        if "stroke" in item and not _number_or_binding(item.get("strokeWidth", 1)):
            problems.append(f"{where}: path: strokeWidth must be a number")
        return problems
    if kind == "text":
        return []
    return [f"{where}: item type {kind!r} is not group, path or text"]


def _components(node: Any):
    if isinstance(node, dict):
        if "type" in node:
            yield node
        for value in node.values():
            yield from _components(value)
    elif isinstance(node, list):
        for value in node:
            yield from _components(value)


def document_problems(document: dict[str, Any]) -> list[str]:
    """Problems with a whole APL document (an empty list means it follows the rules)."""
    problems = []
    if document.get("type") != "APL":
        problems.append("document: type must be 'APL'")
    if not isinstance(document.get("version"), str):
        problems.append("document: version must be a string")
    template = document.get("mainTemplate") or {}
    if not template.get("items"):
        problems.append("document: mainTemplate needs items")
    graphics = document.get("graphics") or {}
    for name, graphic in graphics.items():
        problems += avg_problems(graphic, f"graphics.{name}")
    components = list(_components(template))
    problems += _command_problems(document, components)
    for component in components:
        if component.get("type") == "VectorGraphic":
            source = component.get("source")
            if not (isinstance(source, str) and (source in graphics or source.startswith("https://"))):
                problems.append(f"VectorGraphic {component.get('id')!r}: source {source!r} is not defined")
    return problems


# The commands the skill's documents use, with the properties each one takes (APL standard
# commands: https://developer.amazon.com/docs/alexa-presentation-language/apl-standard-commands.html).
BASE_COMMAND = {"type", "description", "delay", "screenLock", "sequencer", "when"}
COMMANDS = {
    "SetValue": {"componentId", "property", "value"},
    "Sequential": {"commands", "catch", "finally", "repeatCount", "data"},
    "Parallel": {"commands", "data"},
    "Idle": set(),
}


def _command_problems(document: dict[str, Any], components: list[dict[str, Any]]) -> list[str]:
    """onMount commands: known types and properties, delays whole non-negative milliseconds, and
    each SetValue aimed at a component id that exists and, for a name that is not a built-in
    dynamic property, at one of that component's `bind` names."""
    user = set(document.get("commands") or {})
    by_id = {c["id"]: c for c in components if isinstance(c.get("id"), str)}
    problems: list[str] = []

    def check(command: Any, where: str) -> None:
        if not isinstance(command, dict):
            problems.append(f"{where}: a command must be an object")
            return
        kind = command.get("type")
        if kind in user:
            return
        if kind not in COMMANDS:
            problems.append(f"{where}: unknown command type {kind!r}")
            return
        problems.extend(
            f"{where}: {kind}: unknown property {k!r}"
            for k in command
            if k not in BASE_COMMAND | COMMANDS[kind]
        )
        delay = command.get("delay", 0)
        if not (isinstance(delay, int) and not isinstance(delay, bool) and delay >= 0):
            problems.append(f"{where}: {kind}: delay must be a non-negative integer, not {delay!r}")
        if kind == "SetValue":
            target = by_id.get(command.get("componentId"))
            if target is None:
                problems.append(f"{where}: SetValue: no component with id {command.get('componentId')!r}")
            elif command.get("property") not in {"text", "opacity", "display"} | {
                b.get("name") for b in target.get("bind", [])
            }:
                problems.append(
                    f"{where}: SetValue: {command.get('property')!r} is not bound on {target['id']!r}"
                )
            if "value" not in command:
                problems.append(f"{where}: SetValue needs a value")
        for key in ("commands", "catch", "finally"):
            for i, child in enumerate(command.get(key, [])):
                check(child, f"{where}.{key}[{i}]")

    for i, command in enumerate(document.get("onMount") or []):
        check(command, f"onMount[{i}]")
    return problems
