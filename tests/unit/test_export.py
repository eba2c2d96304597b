"""CSV and JSON exports of history and pain round-trip every field, and bad files get clear errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_content.export import ExportError, from_csv, from_json, to_csv, to_json
from shared_content.progress import PainReport, SessionRecord

_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30)
_EPOCH = st.floats(min_value=0, max_value=4_000_000_000, allow_nan=False)
_SCORE = st.none() | st.integers(0, 10)

sessions = st.builds(
    SessionRecord,
    routine_id=_TEXT,
    routine_name=_TEXT,
    started_at=_EPOCH,
    finished_at=_EPOCH,
    outcome=st.sampled_from(["completed", "stopped", "pain"]),
    minutes=st.floats(min_value=0, max_value=600, allow_nan=False),
    pain_before=_SCORE,
    pain_after=_SCORE,
)
pains = st.builds(
    PainReport,
    at=_EPOCH,
    exercise_id=st.none() | _TEXT,
    exercise_name=st.none() | _TEXT,
    score=_SCORE,
    side=st.none() | st.sampled_from(["left", "right"]),
    rep=st.none() | st.integers(1, 30),
)
ZONES = st.sampled_from(["Europe/London", "America/New_York", "UTC", "Asia/Kolkata"])

EXAMPLE = (
    [SessionRecord("morning", "Morning stretch", 1772352000.25, 1772352600.5, "pain", 10.0042, 3, 6)],
    [PainReport(1772352300.0, "kneeling-lunge", "Kneeling lunge, hip flexor", 6, "left", 2)],
)


@given(st.lists(sessions, max_size=5), st.lists(pains, max_size=5), ZONES)
def test_json_round_trips_every_field(records, reports, time_zone) -> None:
    assert from_json(to_json(records, reports, time_zone)) == (records, reports)


@given(st.lists(sessions, max_size=5), st.lists(pains, max_size=5), ZONES)
def test_csv_round_trips_every_field(records, reports, time_zone) -> None:
    assert from_csv(to_csv(records, reports, time_zone)) == (records, reports)


def test_csv_shows_local_times_and_defuses_formulas() -> None:
    records = [
        SessionRecord("x", '=HYPERLINK("evil")', 1774827000.0, 1774827600.0, "completed", 10, None, None)
    ]
    rows = list(csv.DictReader(io.StringIO(to_csv(records, [], "Europe/London"))))
    assert rows[0]["started_at"] == "2026-03-30T00:30:00+01:00"
    assert rows[0]["routine_name"].startswith("'=")
    assert from_csv(to_csv(records, [], "Europe/London"))[0] == records


def test_json_is_readable_with_local_times() -> None:
    document = json.loads(to_json(*EXAMPLE, "America/New_York"))
    assert document["sessions"][0]["started_at"] == "2026-03-01T03:00:00-05:00"
    assert document["pain_reports"][0]["exercise_name"] == "Kneeling lunge, hip flexor"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not JSON"),
        ('{"format": "other"}', "not a psoas-coach-export"),
        ('{"format": "psoas-coach-export", "version": 2}', "unsupported version"),
        (
            '{"format": "psoas-coach-export", "version": 1, "sessions": [{"outcome": "won"}], "pain_reports": []}',
            "session 1: outcome must be",
        ),
    ],
)
def test_bad_json_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(ExportError, match=message):
        from_json(text)


def test_bad_csv_is_a_clear_error() -> None:
    with pytest.raises(ExportError, match="header"):
        from_csv("a,b\n1,2\n")
    good = to_csv(*EXAMPLE, "UTC")
    with pytest.raises(ExportError, match="line 2: field 'pain_before'"):
        from_csv(good.replace(",3,6,", ",three,6,"))
    with pytest.raises(ExportError, match="must be 0-10"):
        from_csv(good.replace(",3,6,", ",11,6,"))
