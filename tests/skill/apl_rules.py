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
    for component in _components(template):
        if component.get("type") == "VectorGraphic":
            source = component.get("source")
            if not (isinstance(source, str) and (source in graphics or source.startswith("https://"))):
                problems.append(f"VectorGraphic {component.get('id')!r}: source {source!r} is not defined")
    return problems
