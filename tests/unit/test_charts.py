"""SVG charts: accessible, colour from the page, and the drawing shows exactly the table's data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_content.charts import Chart, Series, bar_chart, line_chart, minutes_chart, pain_chart
from shared_content.progress import PainPoint, WeekTotal

NS = "{http://www.w3.org/2000/svg}"


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def marks(chart: Chart) -> list[tuple[str, str]]:
    return [
        (el.attrib["data-label"], el.attrib["data-value"])
        for el in parse(chart).iter()
        if "data-value" in el.attrib
    ]


def weeks(minutes: list[int]) -> list[WeekTotal]:
    return [WeekTotal(2026, 10 + i, date(2026, 3, 2 + 7 * i), 1, m) for i, m in enumerate(minutes)]


def test_bar_chart_is_an_accessible_image() -> None:
    chart = minutes_chart(weeks([10, 0, 25]))
    root = parse(chart)
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == "Minutes of exercise per week"
    assert root.find(f"{NS}title").text == "Minutes of exercise per week"
    desc_id = root.attrib["aria-describedby"]
    assert root.find(f"{NS}desc").attrib["id"] == desc_id
    assert "total 35 minutes" in root.find(f"{NS}desc").text


def test_charts_take_their_colour_from_the_page_and_have_no_script_or_inline_style() -> None:
    for chart in (minutes_chart(weeks([5, 10])), pain_chart([_point(1, 5, 3), _point(2, 4, 2)])):
        root = parse(chart)
        assert root.attrib["fill"] == "currentColor"
        for el in root.iter():
            assert el.tag not in (f"{NS}script", f"{NS}style")
            assert "style" not in el.attrib
            for name in ("fill", "stroke"):
                assert el.attrib.get(name, "currentColor") in ("currentColor", "none")


def test_bar_chart_data_equals_its_table() -> None:
    chart = minutes_chart(weeks([10, 0, 25]))
    assert chart.columns == ("Week", "Minutes")
    assert marks(chart) == list(chart.rows) == [("w/c 2 Mar", "10"), ("w/c 9 Mar", "0"), ("w/c 16 Mar", "25")]


@given(st.lists(st.integers(0, 500), min_size=1, max_size=12))
def test_bar_heights_are_proportional_to_values(values: list[int]) -> None:
    chart = bar_chart("c", "t", [f"w{i}" for i in range(len(values))], values, "minutes")
    bars = [el for el in parse(chart).iter(f"{NS}rect") if el.attrib.get("class") == "chart-bar"]
    heights = [float(b.attrib["height"]) for b in bars]
    assert len(bars) == len(values)
    tallest = max(values)
    for value, height in zip(values, heights, strict=True):
        expected = height / max(heights) * tallest if tallest else 0
        assert abs(expected - value) <= max(1.0, tallest * 0.01)


def _point(day: int, before: int | None, after: int | None) -> PainPoint:
    return PainPoint(datetime(2026, 3, day, 8, 0, tzinfo=UTC), "Morning stretch", before, after)


def test_pain_chart_data_equals_its_table_with_gaps_for_missing_scores() -> None:
    chart = pain_chart([_point(1, 6, 5), _point(2, 4, None), _point(3, 3, 1)])
    assert chart.columns == ("Session", "Before", "After")
    assert chart.rows == (("1 Mar 08:00", "6", "5"), ("2 Mar 08:00", "4", ""), ("3 Mar 08:00", "3", "1"))
    root = parse(chart)
    by_series = {
        g.attrib["data-series"]: [
            (el.attrib["data-label"], el.attrib["data-value"]) for el in g if "data-value" in el.attrib
        ]
        for g in root.iter(f"{NS}g")
        if "data-series" in g.attrib
    }
    table = {
        name: [(row[0], row[i + 1]) for row in chart.rows if row[i + 1]]
        for i, name in enumerate(("Before", "After"))
    }
    assert by_series == table
    lines = {
        g.attrib["data-series"]: g.findall(f"{NS}polyline")
        for g in root.iter(f"{NS}g")
        if "data-series" in g.attrib
    }
    assert [len(line.attrib["points"].split()) for line in lines["Before"]] == [3]
    assert lines["After"] == []  # no line is drawn across the missing score


def test_the_two_pain_lines_differ_without_colour() -> None:
    root = parse(pain_chart([_point(1, 6, 5), _point(2, 4, 3)]))
    groups = {g.attrib["data-series"]: g for g in root.iter(f"{NS}g") if "data-series" in g.attrib}
    assert "stroke-dasharray" not in groups["Before"].find(f"{NS}polyline").attrib
    assert groups["After"].find(f"{NS}polyline").attrib["stroke-dasharray"]
    assert groups["Before"].find(f"{NS}circle") is not None and groups["After"].find(f"{NS}rect") is not None


def test_higher_pain_is_drawn_higher() -> None:
    chart = pain_chart([_point(1, 2, None), _point(2, 8, None)])
    circles = list(parse(chart).iter(f"{NS}circle"))
    assert float(circles[1].attrib["cy"]) < float(circles[0].attrib["cy"])


def test_labels_are_escaped() -> None:
    chart = bar_chart("c", "<b>", ["a<b"], [1], "x&y")
    assert parse(chart).attrib["aria-label"] == "<b>"


@pytest.mark.parametrize(
    "call",
    [
        lambda: bar_chart("c", "t", ["a"], [1, 2], "m"),
        lambda: bar_chart("c", "t", ["a"], [-1], "m"),
        lambda: line_chart("c", "t", ["a"], [Series("s", [11])], y_max=10, unit="pain"),
    ],
)
def test_bad_data_is_refused(call) -> None:
    with pytest.raises(ValueError):
        call()


def test_empty_charts_still_render() -> None:
    assert parse(pain_chart([])).attrib["role"] == "img"
    assert pain_chart([]).rows == ()


def test_week_labels_never_overlap_and_the_latest_week_is_always_labelled() -> None:
    import re

    from shared_content.charts import LABEL_CHAR_WIDTH, bar_chart

    labels = [f"w/c {d} Oct" for d in (5, 12, 19, 26)] + [f"w/c {d} Nov" for d in (2, 9, 16, 23)]
    chart = bar_chart("m", "Minutes of exercise per week", labels, [0, 5, 0, 10, 0, 0, 3, 6], "minutes")
    shown = re.findall(r'<text[^>]*x="([\d.]+)"[^>]*>(w/c[^<]*)</text>', chart.svg)
    assert shown[-1][1] == labels[-1] and 1 < len(shown) < len(labels)
    xs = [float(x) for x, _ in shown]
    width = max(len(label) for label in labels) * LABEL_CHAR_WIDTH
    assert all(b - a >= width for a, b in zip(xs, xs[1:], strict=False))
    assert chart.svg.count('class="chart-bar"') == len(labels)  # every bar is still drawn
