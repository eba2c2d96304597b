"""Server-rendered SVG charts that need no JavaScript, work offline and follow the page's colours.

Each chart comes with its data as table rows, so a page shows the same figures as a table for
anyone who cannot see the chart. Marks carry `data-label`/`data-value` so a test can check the
drawing against the table. Colours are `currentColor` (the text colour, which the page's dark mode
sets) with classes a stylesheet may recolour; the two pain lines also differ by dash and marker
shape, so they do not rely on colour at all. No inline styles: the app's CSP forbids them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from shared_content.progress import PainPoint, WeekTotal

WIDTH = 320
LABEL_CHAR_WIDTH = 5.5  # about the advance of one 9-unit sans-serif character, plus a gap
HEIGHT = 180
LEFT, RIGHT, TOP, BOTTOM = 30, 8, 12, 28


@dataclass(frozen=True)
class Chart:
    svg: str  # markup to embed as is
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # the data table alternative, in the chart's order


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(chart_id: str, title: str, summary: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-label="{escape(title)}" aria-describedby="{escape(chart_id)}-desc" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" fill="currentColor">'
        f'<title>{escape(title)}</title><desc id="{escape(chart_id)}-desc">{escape(summary)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _nice_max(value: float) -> int:
    """A round top for the y axis: 1, 2, 5, 10, 20, 50... at or above value."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return int(step * power)
    return int(10 * power)  # pragma: no cover - the loop always returns


def _axes(top_value: int, unit: str) -> list[str]:
    plot_bottom = HEIGHT - BOTTOM
    parts = [
        f'<g class="chart-axis" aria-hidden="true" font-size="10">'
        f'<line x1="{LEFT}" y1="{plot_bottom}" x2="{WIDTH - RIGHT}" y2="{plot_bottom}" '
        f'stroke="currentColor" stroke-width="1"/>'
    ]
    for fraction in (0.0, 0.5, 1.0):
        y = plot_bottom - fraction * (plot_bottom - TOP)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="currentColor" '
            f'stroke-opacity="0.25" stroke-width="1"/>'
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" text-anchor="end">{_fmt(fraction * top_value)}</text>'
        )
    parts.append(f'<text x="2" y="{TOP - 2}">{escape(unit)}</text></g>')
    return parts


def bar_chart(chart_id: str, title: str, labels: Sequence[str], values: Sequence[float], unit: str) -> Chart:
    """One bar per label (e.g. minutes per week)."""
    if len(labels) != len(values):
        raise ValueError("bar_chart needs one value per label")
    if any(v < 0 for v in values):
        raise ValueError("bar values must not be negative")
    top_value = _nice_max(max(values, default=0))
    plot_h = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    body = _axes(top_value, unit)
    body.append('<g class="chart-bars">')
    # Axis labels that would run into each other are thinned out, counting back from the latest bar
    # (always labelled); every value stays in the bar's data and in the table.
    widest = max((len(label) for label in labels), default=0) * LABEL_CHAR_WIDTH
    every = max(1, math.ceil(widest / slot))
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = plot_h * value / top_value
        x = LEFT + index * slot + slot * 0.15
        body.append(
            f'<rect class="chart-bar" x="{x:.1f}" y="{HEIGHT - BOTTOM - height:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{height:.1f}" data-label="{escape(label)}" data-value="{_fmt(value)}"/>'
        )
        if (len(labels) - 1 - index) % every == 0:
            body.append(
                f'<text aria-hidden="true" font-size="9" text-anchor="middle" x="{x + slot * 0.35:.1f}" '
                f'y="{HEIGHT - BOTTOM + 12}">{escape(label)}</text>'
            )
    body.append("</g>")
    total = sum(values)
    summary = (
        f"{len(values)} bars, from {labels[0]} to {labels[-1]}; total {_fmt(total)} {unit}." if labels else ""
    )
    rows = tuple((label, _fmt(value)) for label, value in zip(labels, values, strict=True))
    return Chart(_svg(chart_id, title, summary, body), title, ("Week", unit.capitalize()), rows)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int | float | None]  # None: no value at that point (a gap in the line)
    dashed: bool = False
    marker: str = "circle"  # "circle" | "square"


def line_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    y_max: int,
    unit: str,
    first_column: str = "Date",
) -> Chart:
    """Lines over labelled points on a fixed 0..y_max scale (e.g. pain 0-10 before and after)."""
    for line in series:
        if len(line.values) != len(labels):
            raise ValueError(f"series {line.name!r} needs one value per label")
        if any(v is not None and not 0 <= v <= y_max for v in line.values):
            raise ValueError(f"series {line.name!r} has a value outside 0..{y_max}")
    plot_h = HEIGHT - BOTTOM - TOP
    step = (WIDTH - LEFT - RIGHT - 16) / max(len(labels) - 1, 1)

    def point(index: int, value: float) -> tuple[float, float]:
        return LEFT + 8 + index * step, HEIGHT - BOTTOM - plot_h * value / y_max

    body = _axes(y_max, unit)
    for number, line in enumerate(series):
        body.append(f'<g class="chart-line chart-line-{number + 1}" data-series="{escape(line.name)}">')
        for run in _runs(line.values):
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in run))
            dash = ' stroke-dasharray="5 4"' if line.dashed else ""
            body.append(
                f'<polyline fill="none" stroke="currentColor" stroke-width="2"{dash} points="{coords}"/>'
            )
        for index, value in enumerate(line.values):
            if value is None:
                continue
            x, y = point(index, value)
            data = f'data-label="{escape(labels[index])}" data-value="{_fmt(value)}"'
            if line.marker == "square":
                body.append(
                    f'<rect class="chart-point" x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" {data}/>'
                )
            else:
                body.append(f'<circle class="chart-point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" {data}/>')
        body.append("</g>")
    for index in sorted({0, len(labels) - 1}) if labels else []:
        x, _ = point(index, 0)
        anchor = "start" if index == 0 else "end"
        body.append(
            f'<text aria-hidden="true" font-size="9" text-anchor="{anchor}" x="{x:.1f}" '
            f'y="{HEIGHT - BOTTOM + 12}">{escape(labels[index])}</text>'
        )
    body.append(_legend(series))
    names = " and ".join(line.name for line in series)
    summary = f"{names} at {len(labels)} points on a 0 to {y_max} scale." if labels else ""
    rows = tuple(
        (label, *("" if line.values[i] is None else _fmt(line.values[i] or 0) for line in series))
        for i, label in enumerate(labels)
    )
    return Chart(
        _svg(chart_id, title, summary, body), title, (first_column, *(line.name for line in series)), rows
    )


def _runs(values: Sequence[int | float | None]) -> list[list[tuple[int, float]]]:
    """Consecutive known values, so a missing score leaves a gap rather than a false line."""
    runs: list[list[tuple[int, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((index, float(value)))
    return [run for run in runs if len(run) > 1]  # a lone point is drawn by its marker alone


def _legend(series: Sequence[Series]) -> str:
    parts = ['<g class="chart-legend" aria-hidden="true" font-size="10">']
    x = WIDTH - RIGHT - 150
    for line in series:
        dash = ' stroke-dasharray="5 4"' if line.dashed else ""
        parts.append(
            f'<line x1="{x}" y1="{TOP - 6}" x2="{x + 18}" y2="{TOP - 6}" stroke="currentColor" stroke-width="2"{dash}/>'
            f'<text x="{x + 22}" y="{TOP - 2}">{escape(line.name)}</text>'
        )
        x += 75
    parts.append("</g>")
    return "".join(parts)


# --- the progress page's two charts ------------------------------------------------------------


def minutes_chart(weeks: Sequence[WeekTotal]) -> Chart:
    return bar_chart(
        "minutes-chart",
        "Minutes of exercise per week",
        [f"w/c {week.label}" for week in weeks],
        [week.minutes for week in weeks],
        "minutes",
    )


def pain_chart(points: Sequence[PainPoint]) -> Chart:
    return line_chart(
        "pain-chart",
        "Pain before and after each session, 0 to 10",
        [f"{p.at.day} {p.at:%b %H:%M}" for p in points],
        [
            Series("Before", [p.before for p in points]),
            Series("After", [p.after for p in points], dashed=True, marker="square"),
        ],
        y_max=10,
        unit="pain",
        first_column="Session",
    )
