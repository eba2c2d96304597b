"""Is it helping? The progress page (streak, minutes per week, pain over time), the printable report
for a physiotherapist, exports and the .ics reminder.

Days and weeks are the person's: the page takes the browser's IANA time zone as `?tz=` (UTC when
none is given) and says which one it used.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, time

from flask import Blueprint, current_app, make_response, request
from markupsafe import Markup

from shared_content import charts, export, ics
from shared_content.progress import SessionRecord, physio_report, progress, record_from_history, zone
from webapp.errors import error_response
from webapp.web import current_person, get_coach, render_page

bp = Blueprint("progress", __name__)

DEFAULT_TZ = "UTC"
REMINDER_SUMMARY = "Psoas Coach: time for your stretch"
REMINDER_TEXT = "Open Psoas Coach for today's routine. Move gently, and stop at once if you feel sharp pain."


def _time_zone() -> str | None:
    """The requested time zone, or None when it is not a known IANA name."""
    stored = get_coach().settings(current_person().id).time_zone  # the browser's, from app.js
    name = (request.args.get("tz") or stored or DEFAULT_TZ).strip()
    try:
        zone(name)
    except ValueError:
        return None
    return name


def _bad_zone():
    return error_response(
        400, "Unknown time zone", "Give the time zone as a name such as Europe/London or America/New_York."
    )


def in_time_zone(view: Callable) -> Callable:
    """The route gets the person's time zone as its first argument; an unknown zone is a 400."""

    @functools.wraps(view)
    def with_zone(*args, **kwargs):
        tz = _time_zone()
        return _bad_zone() if tz is None else view(tz, *args, **kwargs)

    return with_zone


def _records(person_id: int) -> list[SessionRecord]:
    return [record_from_history(entry) for entry in get_coach().history(person_id)]


@bp.get("/progress")
@in_time_zone
def index(tz: str):
    person = current_person()
    records = _records(person.id)
    summary = progress(records, get_coach().pain_reports(person.id), tz, get_coach().clock())
    minutes_chart = charts.minutes_chart(summary.weeks)
    pain_chart = charts.pain_chart(summary.pain)
    return render_page(
        "progress/index.html",
        summary=summary,
        tz=tz,
        minutes_chart=minutes_chart,
        minutes_svg=Markup(minutes_chart.svg),  # built from escaped parts in shared_content.charts
        pain_chart=pain_chart,
        pain_svg=Markup(pain_chart.svg),
    )


@bp.get("/progress/report")
@in_time_zone
def report(tz: str):
    """One printable page for a physiotherapist: what was done, how it ended, and the pain."""
    person_id = current_person().id
    summary = physio_report(_records(person_id), get_coach().pain_reports(person_id), tz, get_coach().clock())
    pain_chart = charts.pain_chart(summary.summary.pain)
    return render_page(
        "progress/report.html", report=summary, tz=tz, pain_chart=pain_chart, pain_svg=Markup(pain_chart.svg)
    )


def _download(body: str, mimetype: str, filename: str):
    response = make_response(body)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # personal health data: never kept by caches
    return response


@bp.get("/progress/export.csv")
@in_time_zone
def export_csv(tz: str):
    person_id = current_person().id
    body = export.to_csv(_records(person_id), get_coach().pain_reports(person_id), tz)
    return _download(body, "text/csv", "psoas-coach-history.csv")


@bp.get("/progress/export.json")
@in_time_zone
def export_json(tz: str):
    person_id = current_person().id
    body = export.to_json(_records(person_id), get_coach().pain_reports(person_id), tz)
    return _download(body, "application/json", "psoas-coach-history.json")


@bp.get("/reminders.ics")
def reminder_ics():
    try:
        at = ics.parse_time(request.args.get("time", ""))
    except ValueError as exc:
        return error_response(400, "That time didn't work", str(exc))
    return _reminder(at)


@in_time_zone
def _reminder(tz: str, at: time):
    person = current_person()
    now = datetime.fromtimestamp(get_coach().clock(), zone(tz))
    # Stable per person and not guessable from the id: downloading again replaces the same event.
    key = current_app.config["SECRET_KEY"].encode()
    uid = hmac.new(key, f"reminder:{person.id}".encode(), hashlib.sha256).hexdigest()[:24]
    body = ics.daily_reminder(
        at,
        start=now.date(),
        uid=f"{uid}@psoas-coach",
        stamp=now,
        summary=REMINDER_SUMMARY,
        description=REMINDER_TEXT,
        url=request.host_url.rstrip("/") + "/",
    )
    return _download(body, "text/calendar", "psoas-coach-reminder.ics")
