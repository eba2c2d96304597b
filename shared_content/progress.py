"""Is it helping? Streak, weekly totals, pain before/after and the exercises that hurt, from history.

Pure: callers pass the sessions, the pain reports, the person's time zone (an IANA name such as
"Europe/London") and `now`; days and ISO weeks are the person's local ones, so a session at
00:30 local time counts for that day even when it is still yesterday in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Outcome = Literal["completed", "stopped", "pain"]
OUTCOMES: tuple[Outcome, ...] = ("completed", "stopped", "pain")
Trend = Literal["better", "worse", "steady"]

DEFAULT_WEEKS = 8
# The pain chart and its table show the latest sessions only; a page of years would be unreadable.
DEFAULT_PAIN_POINTS = 30
# A trend needs a change of at least one point on the 0-10 scale between the two halves compared.
TREND_POINTS = 3
TREND_MIN_CHANGE = 1.0


@dataclass(frozen=True)
class SessionRecord:
    """One finished session. Times are epoch seconds (UTC); pain scores are 0-10 or None."""

    routine_id: str
    routine_name: str
    started_at: float
    finished_at: float
    outcome: Outcome
    minutes: float
    pain_before: int | None = None
    pain_after: int | None = None


@dataclass(frozen=True)
class PainReport:
    """ "It hurts" during a session: when, during which exercise, and how bad (None if not said)."""

    at: float
    exercise_id: str | None
    exercise_name: str | None
    score: int | None = None
    side: str | None = None
    rep: int | None = None


class HistoryLike(Protocol):
    """What Coach.history(person_id) returns today (service.HistoryEntry)."""

    @property
    def routine_id(self) -> str: ...
    @property
    def routine_name(self) -> str: ...
    @property
    def started_at(self) -> float: ...
    @property
    def finished_at(self) -> float: ...
    @property
    def outcome(self) -> str: ...


def record_from_history(entry: HistoryLike) -> SessionRecord:
    """A SessionRecord from a history entry; pain before/after when the entry has them."""
    outcome: Outcome = next((known for known in OUTCOMES if known == entry.outcome), "stopped")
    before = getattr(entry, "pain_before", None)
    after = getattr(entry, "pain_after", None)
    return SessionRecord(
        routine_id=entry.routine_id,
        routine_name=entry.routine_name,
        started_at=entry.started_at,
        finished_at=entry.finished_at,
        outcome=outcome,
        minutes=max(0.0, (entry.finished_at - entry.started_at) / 60),
        pain_before=before if isinstance(before, int) else None,
        pain_after=after if isinstance(after, int) else None,
    )


def zone(name: str) -> ZoneInfo:
    """The time zone for an IANA name; ValueError (a clear message) for an unknown one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as 'Europe/London'") from None


def local_day(epoch: float, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(epoch, tz).date()


def streak(records: Iterable[SessionRecord], tz: ZoneInfo, now: float) -> int:
    """Consecutive local days with a session, ending today, or yesterday if none yet today."""
    days = {local_day(r.started_at, tz) for r in records}
    today = local_day(now, tz)
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


@dataclass(frozen=True)
class WeekTotal:
    iso_year: int
    iso_week: int
    monday: date
    sessions: int
    minutes: int

    @property
    def label(self) -> str:
        """ "30 Mar": the week's Monday, short enough for a chart axis."""
        return f"{self.monday.day} {self.monday:%b}"


def weekly(
    records: Iterable[SessionRecord], tz: ZoneInfo, now: float, weeks: int = DEFAULT_WEEKS
) -> list[WeekTotal]:
    """Sessions and minutes for each of the last `weeks` local ISO weeks, oldest first, zeros kept."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    sessions: dict[date, int] = {}
    minutes: dict[date, float] = {}
    this_monday = _monday(local_day(now, tz))
    # Converting every instant to local time is the slow part: skip what is surely too old
    # (a day of margin covers any UTC offset).
    earliest = now - (weeks * 7 + 8) * 86400
    for record in records:
        if record.started_at < earliest:
            continue
        monday = _monday(local_day(record.started_at, tz))
        sessions[monday] = sessions.get(monday, 0) + 1
        minutes[monday] = minutes.get(monday, 0.0) + record.minutes
    out = []
    for back in range(weeks - 1, -1, -1):
        monday = this_monday - timedelta(weeks=back)
        iso = monday.isocalendar()
        out.append(
            WeekTotal(iso.year, iso.week, monday, sessions.get(monday, 0), round(minutes.get(monday, 0)))
        )
    return out


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class PainPoint:
    at: datetime  # local time the session started
    routine_name: str
    before: int | None
    after: int | None


def pain_series(records: Iterable[SessionRecord], tz: ZoneInfo, last: int | None = None) -> list[PainPoint]:
    """Pain before and after each session that has either, oldest first (only the `last` latest if given)."""
    chosen = sorted(
        (r for r in records if r.pain_before is not None or r.pain_after is not None),
        key=lambda r: r.started_at,
    )
    if last is not None:
        chosen = chosen[-last:] if last > 0 else []
    return [
        PainPoint(datetime.fromtimestamp(r.started_at, tz), r.routine_name, r.pain_before, r.pain_after)
        for r in chosen
    ]


def pain_trend(points: Sequence[PainPoint]) -> Trend | None:
    """Better/worse/steady: the mean of the latest scores against the ones before; None if too few."""
    scores = [p.before if p.before is not None else p.after for p in points]
    known = [s for s in scores if s is not None]
    if len(known) < 2:
        return None
    half = min(TREND_POINTS, len(known) // 2)
    earlier, latest = known[-2 * half : -half], known[-half:]
    change = sum(latest) / len(latest) - sum(earlier) / len(earlier)
    if change <= -TREND_MIN_CHANGE:
        return "better"
    if change >= TREND_MIN_CHANGE:
        return "worse"
    return "steady"


Side = Literal["left", "right"]
SIDES: tuple[Side, ...] = ("left", "right")


@dataclass(frozen=True)
class HurtExercise:
    exercise_id: str
    name: str
    reports: int
    worst: int | None
    last_at: float
    sides: tuple[Side, ...] = ()  # the sides it hurt on, left before right; () when none was said


def exercises_that_hurt(reports: Iterable[PainReport]) -> list[HurtExercise]:
    """Each exercise with pain reports: how often, the worst score, the latest; most reports first."""
    grouped: dict[str, list[PainReport]] = {}
    for report in reports:
        if report.exercise_id:
            grouped.setdefault(report.exercise_id, []).append(report)
    out = []
    for exercise_id, items in grouped.items():
        scores = [r.score for r in items if r.score is not None]
        names = [r.exercise_name for r in items if r.exercise_name]
        out.append(
            HurtExercise(
                exercise_id,
                names[-1] if names else exercise_id,
                len(items),
                max(scores) if scores else None,
                max(r.at for r in items),
                tuple(side for side in SIDES if any(r.side == side for r in items)),
            )
        )
    return sorted(out, key=lambda h: (-h.reports, -(h.worst or 0), h.name))


@dataclass(frozen=True)
class Progress:
    streak: int
    this_week: WeekTotal
    weeks: list[WeekTotal]
    pain: list[PainPoint]  # the latest `pain_points` sessions with a score
    trend: Trend | None
    hurts: list[HurtExercise]
    total_sessions: int


def progress(
    records: Sequence[SessionRecord],
    reports: Sequence[PainReport],
    tz_name: str,
    now: float,
    weeks: int = DEFAULT_WEEKS,
    pain_points: int = DEFAULT_PAIN_POINTS,
) -> Progress:
    """Everything the progress page and "how am I doing?" show, in the person's time zone."""
    tz = zone(tz_name)
    totals = weekly(records, tz, now, weeks)
    points = pain_series(records, tz, last=pain_points)
    return Progress(
        streak=streak(records, tz, now),
        this_week=totals[-1],
        weeks=totals,
        pain=points,
        trend=pain_trend(points),
        hurts=exercises_that_hurt(reports),
        total_sessions=len(records),
    )


# --- the printable report for a physiotherapist ------------------------------------------------

# Adherence over the last four weeks: long enough to be fair, short enough to be "lately".
REPORT_WEEKS = 4
# The report's pain table: the latest sessions with a score, few enough for one printed page.
REPORT_PAIN_ROWS = 8


@dataclass(frozen=True)
class RoutineOutcomes:
    """How the sessions of one routine ended."""

    routine_id: str
    name: str
    completed: int
    stopped: int
    pain: int

    @property
    def sessions(self) -> int:
        return self.completed + self.stopped + self.pain


def outcomes_by_routine(records: Iterable[SessionRecord]) -> list[RoutineOutcomes]:
    """Completed / stopped / stopped-for-pain counts per routine; most sessions first, then by name."""
    counts: dict[str, dict[Outcome, int]] = {}
    names: dict[str, tuple[float, str]] = {}
    for record in records:
        counts.setdefault(record.routine_id, dict.fromkeys(OUTCOMES, 0))[record.outcome] += 1
        # The latest name wins, as in exercises_that_hurt: a renamed routine shows its current name.
        if record.routine_id not in names or record.started_at >= names[record.routine_id][0]:
            names[record.routine_id] = (record.started_at, record.routine_name)
    out = [
        RoutineOutcomes(routine_id, names[routine_id][1], c["completed"], c["stopped"], c["pain"])
        for routine_id, c in counts.items()
    ]
    return sorted(out, key=lambda r: (-r.sessions, r.name, r.routine_id))


@dataclass(frozen=True)
class Period:
    """The local times of the first and the last session."""

    first: datetime
    last: datetime


def period(records: Iterable[SessionRecord], tz: ZoneInfo) -> Period | None:
    """From the first session's start to the last one's, in local time; None with no sessions."""
    starts = [r.started_at for r in records]
    if not starts:
        return None
    return Period(datetime.fromtimestamp(min(starts), tz), datetime.fromtimestamp(max(starts), tz))


@dataclass(frozen=True)
class Report:
    """What the printable report shows: the period, each routine's outcomes, adherence, pain."""

    period: Period | None
    routines: list[RoutineOutcomes]
    summary: Progress  # over the last REPORT_WEEKS weeks
    pain_rows: list[PainPoint]  # the latest REPORT_PAIN_ROWS sessions with a score
    made_at: datetime  # `now`, local

    @property
    def sessions_per_week(self) -> float:
        return sum(w.sessions for w in self.summary.weeks) / len(self.summary.weeks)

    @property
    def minutes_per_week(self) -> float:
        return sum(w.minutes for w in self.summary.weeks) / len(self.summary.weeks)


def physio_report(
    records: Sequence[SessionRecord], reports: Sequence[PainReport], tz_name: str, now: float
) -> Report:
    """Everything the printable report shows, in the person's time zone (ValueError for an unknown one)."""
    summary = progress(records, reports, tz_name, now, weeks=REPORT_WEEKS)
    tz = zone(tz_name)
    return Report(
        period=period(records, tz),
        routines=outcomes_by_routine(records),
        summary=summary,
        pain_rows=summary.pain[-REPORT_PAIN_ROWS:],
        made_at=datetime.fromtimestamp(now, tz),
    )
