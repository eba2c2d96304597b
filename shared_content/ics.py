"""A daily exercise reminder as an iCalendar (.ics) file (RFC 5545) for the phone's calendar.

The event uses floating local time (no TZID), which RFC 5545 defines as "the same wall-clock
time wherever the calendar is": 08:00 stays 08:00 across daylight-saving changes and when the
person travels, which is what a daily stretch reminder should do, and it needs no VTIMEZONE.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

TIME_FORMAT = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
PRODID = "-//Psoas Coach//Daily reminder//EN"
LINE_OCTETS = 75


def parse_time(text: str) -> time:
    """A 24-hour "HH:MM" time; ValueError with a message a person can act on otherwise."""
    match = TIME_FORMAT.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"Give the time as HH:MM on the 24-hour clock, for example 08:00 (got {text!r}).")
    return time(int(match[1]), int(match[2]))


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Split a content line into 75-octet pieces, never inside a UTF-8 character (RFC 5545 3.1)."""
    pieces: list[str] = []
    current = ""
    limit = LINE_OCTETS
    for char in line:
        if len((current + char).encode()) > limit:
            pieces.append(current)
            current = ""
            limit = LINE_OCTETS - 1  # continuation lines start with a space
        current += char
    pieces.append(current)
    return "\r\n ".join(pieces)


def daily_reminder(
    at: time,
    *,
    start: date,
    uid: str,
    stamp: datetime,
    summary: str,
    description: str,
    url: str | None = None,
) -> str:
    """An .ics with one event repeating every day at `at` (floating local time) from `start`.

    `uid` should be stable per person so that downloading again updates the one reminder.
    """
    first = datetime.combine(start, at)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{_escape(uid)}",
        f"DTSTAMP:{stamp.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART:{first:%Y%m%dT%H%M%S}",
        "DURATION:PT10M",
        "RRULE:FREQ=DAILY",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        *([f"URL:{url}"] if url else []),
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{_escape(summary)}",
        "TRIGGER:PT0M",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)
