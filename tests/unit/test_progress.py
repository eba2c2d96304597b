"""Streaks, weekly totals and pain over time, in the person's own time zone, across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_content.progress import (
    OUTCOMES,
    REPORT_PAIN_ROWS,
    PainReport,
    SessionRecord,
    exercises_that_hurt,
    outcomes_by_routine,
    pain_trend,
    period,
    physio_report,
    progress,
    record_from_history,
    streak,
    weekly,
    zone,
)

LONDON = zone("Europe/London")
NEW_YORK = zone("America/New_York")


def at(text: str) -> float:
    """An instant written in UTC: '2026-03-29 00:30'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def session(start: str, minutes: float = 10, outcome: str = "completed", before=None, after=None):
    started = at(start)
    return SessionRecord(
        "morning", "Morning stretch", started, started + minutes * 60, outcome, minutes, before, after
    )


def test_streak_counts_consecutive_local_days_ending_today() -> None:
    records = [session("2026-03-02 08:00"), session("2026-03-03 08:00"), session("2026-03-04 08:00")]
    assert streak(records, LONDON, at("2026-03-04 20:00")) == 3


def test_streak_still_counts_until_the_end_of_the_next_day() -> None:
    records = [session("2026-03-02 08:00"), session("2026-03-03 08:00")]
    assert streak(records, LONDON, at("2026-03-04 23:59")) == 2
    assert streak(records, LONDON, at("2026-03-05 00:01")) == 0


def test_a_missed_day_breaks_the_streak() -> None:
    records = [session("2026-03-01 08:00"), session("2026-03-03 08:00"), session("2026-03-04 08:00")]
    assert streak(records, LONDON, at("2026-03-04 09:00")) == 2


def test_two_sessions_on_one_day_count_once() -> None:
    records = [session("2026-03-04 07:00"), session("2026-03-04 19:00")]
    assert streak(records, LONDON, at("2026-03-04 20:00")) == 1


def test_no_sessions_no_streak() -> None:
    assert streak([], LONDON, at("2026-03-04 20:00")) == 0


def test_london_clocks_going_forward_keeps_the_streak_and_moves_the_week() -> None:
    # 29 March 2026, a Sunday: London goes from GMT to BST at 01:00 UTC.
    saturday_late = session("2026-03-28 23:30")  # Saturday 23:30 GMT
    sunday = session("2026-03-29 12:00")  # Sunday 13:00 BST
    monday_early = session("2026-03-29 23:30")  # Monday 30 March 00:30 BST, still Sunday in UTC
    records = [saturday_late, sunday, monday_early]
    now = at("2026-03-30 08:00")
    assert streak(records, LONDON, now) == 3
    assert streak(records, zone("UTC"), now) == 2  # in UTC two of them share the Sunday
    weeks = weekly(records, LONDON, now, weeks=2)
    assert [(w.iso_week, w.monday, w.sessions) for w in weeks] == [
        (13, date(2026, 3, 23), 2),
        (14, date(2026, 3, 30), 1),
    ]
    # The same sessions read in UTC put the Monday-morning one in the old week.
    utc_weeks = weekly(records, zone("UTC"), now, weeks=2)
    assert [w.sessions for w in utc_weeks] == [3, 0]


def test_new_york_clocks_going_forward_counts_the_local_day() -> None:
    # 8 March 2026: New York goes from EST (UTC-5) to EDT (UTC-4) at 07:00 UTC.
    saturday_night = session("2026-03-08 04:30")  # 23:30 EST on Saturday 7 March
    sunday_night = session("2026-03-09 03:30")  # 23:30 EDT on Sunday 8 March
    records = [saturday_night, sunday_night]
    assert streak(records, NEW_YORK, at("2026-03-09 12:00")) == 2
    # Read in UTC the days are Sunday and Monday, so on Tuesday a UTC streak would still count;
    # the New Yorker's last session was on Sunday, so on their Tuesday it is over.
    assert streak(records, zone("UTC"), at("2026-03-10 12:00")) == 2
    assert streak(records, NEW_YORK, at("2026-03-10 12:00")) == 0


def test_the_same_instant_is_today_in_one_zone_and_yesterday_in_another() -> None:
    records = [session("2026-03-10 02:00")]  # 02:00 in London, 22:00 the day before in New York
    assert streak(records, LONDON, at("2026-03-10 23:30")) == 1
    assert streak(records, NEW_YORK, at("2026-03-10 23:30")) == 1  # 19:30 on the 10th: yesterday's
    assert streak(records, NEW_YORK, at("2026-03-11 05:00")) == 0  # 00:00 on the 11th local


def test_weekly_totals_sessions_and_minutes_with_empty_weeks_kept() -> None:
    records = [
        session("2026-03-02 08:00", minutes=12),
        session("2026-03-04 08:00", minutes=8.4),
        session("2026-03-18 08:00", minutes=20, outcome="pain"),
    ]
    weeks = weekly(records, LONDON, at("2026-03-20 08:00"), weeks=4)
    assert [(w.monday, w.sessions, w.minutes) for w in weeks] == [
        (date(2026, 2, 23), 0, 0),
        (date(2026, 3, 2), 2, 20),
        (date(2026, 3, 9), 0, 0),
        (date(2026, 3, 16), 1, 20),
    ]
    assert weeks[1].label == "2 Mar"


def test_pain_series_and_trend() -> None:
    records = [
        session("2026-03-01 08:00", before=6, after=5),
        session("2026-03-02 08:00"),
        session("2026-03-03 08:00", before=5, after=4),
        session("2026-03-04 08:00", before=3, after=2),
        session("2026-03-05 08:00", before=2, after=None),
    ]
    summary = progress(records, [], "Europe/London", at("2026-03-05 09:00"))
    assert [(p.before, p.after) for p in summary.pain] == [(6, 5), (5, 4), (3, 2), (2, None)]
    assert summary.pain[0].at.isoformat() == "2026-03-01T08:00:00+00:00"
    assert summary.trend == "better"
    assert summary.streak == 5
    assert summary.this_week.sessions == 4  # Monday 2 March onwards
    assert summary.total_sessions == 5


@pytest.mark.parametrize(
    ("befores", "trend"),
    [([], None), ([4], None), ([2, 5], "worse"), ([4, 4, 5, 4], "steady"), ([7, 6, 6, 3, 3, 2], "better")],
)
def test_pain_trend(befores: list[int], trend: str | None) -> None:
    records = [session(f"2026-03-{day + 1:02d} 08:00", before=b) for day, b in enumerate(befores)]
    summary = progress(records, [], "UTC", at("2026-03-20 00:00"))
    assert pain_trend(summary.pain) == trend


def test_exercises_that_hurt_most_reported_first() -> None:
    reports = [
        PainReport(at("2026-03-01 08:00"), "lunge", "Kneeling lunge", 4),
        PainReport(at("2026-03-02 08:00"), "bridge", "Glute bridge", 7),
        PainReport(at("2026-03-03 08:00"), "lunge", "Kneeling lunge", 6),
        PainReport(at("2026-03-03 09:00"), None, None, 2),
    ]
    hurts = exercises_that_hurt(reports)
    assert [(h.exercise_id, h.reports, h.worst) for h in hurts] == [("lunge", 2, 6), ("bridge", 1, 7)]
    assert hurts[0].last_at == at("2026-03-03 08:00")


def test_unknown_time_zone_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        progress([], [], "Mars/Olympus", 0)


def test_record_from_history_entry() -> None:
    class Entry:
        routine_id = "morning"
        routine_name = "Morning stretch"
        started_at = at("2026-03-01 08:00")
        finished_at = at("2026-03-01 08:15")
        outcome = "pain"

    record = record_from_history(Entry())
    assert (record.minutes, record.outcome, record.pain_before) == (15, "pain", None)


@given(
    starts=st.lists(st.integers(at("2026-01-01 00:00"), at("2026-12-31 00:00")), max_size=30),
    tz_name=st.sampled_from(["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC"]),
)
def test_weekly_counts_every_session_in_range_once(starts: list[int], tz_name: str) -> None:
    records = [SessionRecord("r", "R", s, s + 600, "completed", 10) for s in starts]
    now = at("2026-12-31 12:00")
    weeks = weekly(records, zone(tz_name), now, weeks=60)
    assert sum(w.sessions for w in weeks) == len(records)
    assert sum(w.minutes for w in weeks) == 10 * len(records)
    assert all((b.monday - a.monday).days == 7 for a, b in zip(weeks, weeks[1:], strict=False))
    assert 0 <= streak(records, zone(tz_name), now) <= len(records)


def test_pain_series_keeps_only_the_latest_points_for_the_page() -> None:
    records = [session(f"2026-01-{day:02d} 08:00", before=day % 10) for day in range(1, 32)]
    summary = progress(records, [], "UTC", at("2026-02-01 00:00"), pain_points=5)
    assert [p.at.day for p in summary.pain] == [27, 28, 29, 30, 31]


def test_old_sessions_do_not_change_the_recent_weeks() -> None:
    old = [session("2020-01-06 08:00")]
    recent = [session("2026-03-02 08:00")]
    now = at("2026-03-04 08:00")
    assert weekly(old + recent, LONDON, now, weeks=2) == weekly(recent, LONDON, now, weeks=2)


# --- the printable report ------------------------------------------------------------------------


def routine_session(
    routine_id: str, name: str, start: str, outcome: str, minutes: float = 10
) -> SessionRecord:
    started = at(start)
    return SessionRecord(routine_id, name, started, started + minutes * 60, outcome, minutes)


def test_outcomes_by_routine_counts_each_ending_most_sessions_first() -> None:
    records = [
        routine_session("desk", "Desk break", "2026-03-01 08:00", "completed"),
        routine_session("quick", "Quick release", "2026-03-02 08:00", "pain"),
        routine_session("quick", "Quick release", "2026-03-03 08:00", "completed"),
        routine_session("quick", "Quick release", "2026-03-04 08:00", "stopped"),
        routine_session("quick", "Quick release", "2026-03-05 08:00", "pain"),
    ]
    rows = outcomes_by_routine(records)
    assert [(r.routine_id, r.completed, r.stopped, r.pain, r.sessions) for r in rows] == [
        ("quick", 1, 1, 2, 4),
        ("desk", 1, 0, 0, 1),
    ]


def test_outcomes_by_routine_shows_a_renamed_routine_under_its_latest_name() -> None:
    records = [
        routine_session("quick", "Five-minute release", "2026-03-05 08:00", "completed"),
        routine_session("quick", "Quick release", "2026-03-01 08:00", "completed"),
    ]
    [row] = outcomes_by_routine(records)
    assert (row.name, row.sessions) == ("Five-minute release", 2)


@given(
    sessions=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(OUTCOMES), st.integers(0, 10**9)),
        max_size=40,
    )
)
def test_outcome_counts_add_up_to_the_sessions(sessions: list[tuple[str, str, int]]) -> None:
    records = [SessionRecord(rid, rid.upper(), s, s + 60, out, 1) for rid, out, s in sessions]
    rows = outcomes_by_routine(records)
    assert sum(r.sessions for r in rows) == len(records)
    assert len({r.routine_id for r in rows}) == len(rows) == len({rid for rid, _, _ in sessions})
    for outcome in OUTCOMES:
        assert sum(getattr(r, outcome) for r in rows) == sum(1 for _, out, _ in sessions if out == outcome)
    assert [r.sessions for r in rows] == sorted((r.sessions for r in rows), reverse=True)


def test_period_is_first_to_last_start_in_local_time() -> None:
    records = [session("2026-03-10 23:30"), session("2026-03-01 08:00"), session("2026-03-05 12:00")]
    found = period(records, zone("Asia/Tokyo"))
    assert found is not None
    assert (found.first.date(), found.last.date()) == (date(2026, 3, 1), date(2026, 3, 11))
    assert period([], LONDON) is None


def test_exercises_that_hurt_say_which_sides() -> None:
    reports = [
        PainReport(at("2026-03-01 08:00"), "lunge", "Kneeling lunge", 4, "right"),
        PainReport(at("2026-03-02 08:00"), "lunge", "Kneeling lunge", 6, "left"),
        PainReport(at("2026-03-02 08:00"), "lunge", "Kneeling lunge", 3, "right"),
        PainReport(at("2026-03-03 08:00"), "bridge", "Glute bridge", 2),
    ]
    assert [(h.exercise_id, h.sides) for h in exercises_that_hurt(reports)] == [
        ("lunge", ("left", "right")),
        ("bridge", ()),
    ]


def test_physio_report_averages_the_last_four_weeks() -> None:
    records = [session("2026-01-05 08:00", minutes=30)]  # long before the four weeks: not averaged
    records += [session(f"2026-03-{day:02d} 08:00", minutes=15, before=day % 7) for day in range(1, 15)]
    reports = [PainReport(at("2026-03-02 08:05"), "lunge", "Kneeling lunge", 5, "left")]
    result = physio_report(records, reports, "Europe/London", at("2026-03-14 20:00"))
    assert len(result.summary.weeks) == 4
    assert result.sessions_per_week == 14 / 4
    assert result.minutes_per_week == 14 * 15 / 4
    assert result.summary.streak == 14 and result.summary.total_sessions == 15
    assert result.period is not None and result.period.first.date() == date(2026, 1, 5)
    assert [r.sessions for r in result.routines] == [15]
    assert [p.at.day for p in result.pain_rows] == list(range(15 - REPORT_PAIN_ROWS, 15))
    assert result.summary.hurts[0].worst == 5 and result.made_at.date() == date(2026, 3, 14)


def test_physio_report_with_no_history_is_empty_not_an_error() -> None:
    result = physio_report([], [], "UTC", at("2026-03-14 20:00"))
    assert result.period is None and result.routines == [] and result.pain_rows == []
    assert result.sessions_per_week == 0 and result.minutes_per_week == 0
    with pytest.raises(ValueError, match="unknown time zone"):
        physio_report([], [], "Nowhere/Land", 0)
