"""The daily reminder .ics parses with the independent `icalendar` package and recurs daily."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from shared_content.ics import daily_reminder, parse_time

STAMP = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)


def reminder(at: time, start: date = date(2026, 3, 27), **kw: str) -> str:
    values = {
        "summary": "Psoas Coach: time to stretch",
        "description": "Your daily routine; stop on sharp pain.",
    }
    return daily_reminder(at, start=start, uid="reminder-1@psoas-coach", stamp=STAMP, **(values | kw))


def event_of(text: str):
    calendar = Calendar.from_ical(text)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def occurrences(text: str, count: int) -> list[datetime]:
    event = event_of(text)
    start = event.decoded("DTSTART")
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
    return list(rule[:count])


def test_parses_and_recurs_daily_at_the_chosen_local_time_across_the_clock_change() -> None:
    # 27 March to 1 April 2026 spans the UK and EU clocks going forward on 29 March.
    text = reminder(time(8, 0))
    event = event_of(text)
    start = event.decoded("DTSTART")
    assert start == datetime(2026, 3, 27, 8, 0) and start.tzinfo is None  # floating: local wall clock
    assert event["RRULE"]["FREQ"] == ["DAILY"]
    days = occurrences(text, 6)
    assert [d.date() for d in days] == [
        date(2026, 3, 27 + i) if 27 + i <= 31 else date(2026, 4, 1) for i in range(6)
    ]
    assert {(d.hour, d.minute) for d in days} == {(8, 0)}


def test_has_the_fields_calendars_need_and_an_alarm() -> None:
    calendar = Calendar.from_ical(reminder(time(18, 45)))
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    event = event_of(reminder(time(18, 45)))
    assert str(event["UID"]) == "reminder-1@psoas-coach"
    assert event.decoded("DTSTAMP") == STAMP
    assert str(event["SUMMARY"]) == "Psoas Coach: time to stretch"
    alarms = event.walk("VALARM")
    assert [str(a["ACTION"]) for a in alarms] == ["DISPLAY"]


def test_lines_end_in_crlf_and_are_folded_at_75_octets() -> None:
    text = reminder(time(7, 5), description="Hüfte, Lendenwirbel; " * 20)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert str(event_of(text)["DESCRIPTION"]) == "Hüfte, Lendenwirbel; " * 20


@given(hour=st.integers(0, 23), minute=st.integers(0, 59), start=st.dates(date(2020, 1, 1), date(2040, 1, 1)))
def test_any_time_recurs_daily_at_that_time(hour: int, minute: int, start: date) -> None:
    days = occurrences(reminder(parse_time(f"{hour:02d}:{minute:02d}"), start=start), 3)
    assert [(d - days[0]).days for d in days] == [0, 1, 2]
    assert all((d.hour, d.minute) == (hour, minute) for d in days)


@pytest.mark.parametrize("text", ["08:00", "8:00", "23:59", "00:00", " 07:30 "])
def test_parse_time_accepts_24_hour_times(text: str) -> None:
    assert parse_time(text).strftime("%H:%M") == text.strip().zfill(5)


@pytest.mark.parametrize("text", ["", "8", "24:00", "08:60", "8am", "08:00:00", "-1:00", "08:0", "0８:00"])
def test_parse_time_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_time(text)
