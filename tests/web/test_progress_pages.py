"""The progress page, the exports and the .ics reminder, on the real Coach."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from icalendar import Calendar

from shared_content.export import from_csv, from_json

NS = "{http://www.w3.org/2000/svg}"


ROUTINE = "full-relief"  # long enough (about 21 minutes) to be finished by hand while still running


def finish_sessions(phone, clock, count: int, minutes: float = 10, gap_hours: float = 24) -> None:
    """`count` runs, each finished by the person `minutes` in, before its timeline runs out."""
    phone.get("/")
    person = phone.person
    assert minutes * 60 < phone.coach.catalogue.routines[ROUTINE].duration_seconds
    for _ in range(count):
        assert phone.coach.command(person.id, "start", routine_id=ROUTINE, safety_acknowledged=True).applied
        clock.advance(minutes * 60)
        assert phone.coach.command(person.id, "finish").applied
        clock.advance(gap_hours * 3600 - minutes * 60)


class Tables(HTMLParser):
    """The rows of every <table> in a page, each row a tuple of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[tuple[str, ...]]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[-1].append(tuple(self.row))
            self.row = None

    def handle_data(self, data) -> None:
        if self.cell is not None:
            self.cell.append(data)


def svg(html: str, chart_id: str) -> ET.Element:
    match = re.search(rf'<svg[^>]*id="{chart_id}".*?</svg>', html, re.S)
    assert match, f"no chart {chart_id}"
    return ET.fromstring(match.group(0))


def test_progress_page_shows_streak_and_this_weeks_minutes(phone, clock) -> None:
    finish_sessions(phone, clock, 3, minutes=10)
    html = phone.get("/progress?tz=Europe/London").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Days and weeks in Europe/London" in text
    assert "Streak 3 days" in text
    assert 'role="img"' in html and "<title>Minutes of exercise per week</title>" in html


def test_the_minutes_chart_shows_exactly_the_tables_data(phone, clock) -> None:
    finish_sessions(phone, clock, 4, minutes=12, gap_hours=40)
    html = phone.get("/progress?tz=America/New_York").get_data(as_text=True)
    marks = [
        (b.attrib["data-label"], b.attrib["data-value"]) for b in svg(html, "minutes-chart").iter(f"{NS}rect")
    ]
    parser = Tables()
    parser.feed(html)
    minutes_table = parser.tables[0]
    assert minutes_table[0] == ("Week", "Minutes")
    assert marks == minutes_table[1:]
    assert sum(int(v) for _, v in marks) == 48


def test_pain_section_says_no_scores_until_there_are_some(phone, clock) -> None:
    finish_sessions(phone, clock, 1)
    html = phone.get("/progress").get_data(as_text=True)
    assert "No pain scores yet" in html and "Days and weeks in UTC" in html


def test_progress_page_works_as_an_htmx_partial(phone) -> None:
    response = phone.htmx("GET", "/progress")
    assert response.status_code == 200
    assert response.get_data(as_text=True).strip().startswith('<main id="main"')
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    "url",
    ["/progress?tz=Mars/Olympus", "/progress/export.csv?tz=..%2Fetc", "/reminders.ics?time=08:00&tz=Nowhere"],
)
def test_unknown_time_zone_is_a_400_with_a_message(phone, url) -> None:
    response = phone.get(url)
    assert response.status_code == 400
    assert "Europe/London" in response.get_data(as_text=True)


def test_exports_round_trip_every_stored_session(phone, clock) -> None:
    finish_sessions(phone, clock, 3)
    stored = phone.coach.history(phone.person.id)
    csv_response = phone.get("/progress/export.csv?tz=Europe/London")
    json_response = phone.get("/progress/export.json")
    for response, name in ((csv_response, "csv"), (json_response, "json")):
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == f'attachment; filename="psoas-coach-history.{name}"'
        assert response.headers["Cache-Control"] == "no-store"
    records, reports = from_csv(csv_response.get_data(as_text=True))
    assert (records, reports) == from_json(json_response.get_data(as_text=True))
    assert reports == []
    assert [(r.routine_id, r.routine_name, r.started_at, r.finished_at, r.outcome) for r in records] == [
        (e.routine_id, e.routine_name, e.started_at, e.finished_at, e.outcome) for e in stored
    ]
    assert json.loads(json_response.get_data(as_text=True))["time_zone"] == "UTC"


def test_reminder_ics_recurs_daily_at_the_chosen_time(phone) -> None:
    response = phone.get("/reminders.ics?time=07:45&tz=Europe/London")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    [event] = Calendar.from_ical(response.get_data(as_text=True)).walk("VEVENT")
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute, start.tzinfo) == (7, 45, None)
    assert event["RRULE"]["FREQ"] == ["DAILY"]
    again = Calendar.from_ical(phone.get("/reminders.ics?time=09:00").get_data(as_text=True)).walk("VEVENT")[
        0
    ]
    assert str(again["UID"]) == str(event["UID"])  # one reminder per person, replaced on re-download


@pytest.mark.parametrize("query", ["", "?time=", "?time=25:00", "?time=8am", "?time=08:00:00"])
def test_bad_reminder_time_is_a_400_that_says_how_to_fix_it(phone, query) -> None:
    response = phone.get("/reminders.ics" + query)
    assert response.status_code == 400
    assert "HH:MM" in response.get_data(as_text=True)
