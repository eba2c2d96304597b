"""The printable report for a physiotherapist, on the real Coach: what a physio would read off it."""

from __future__ import annotations

import pytest

from shared_content.catalogue import load_catalogue
from tests.web.conftest import text_of
from tests.web.test_progress_pages import Tables

CATALOGUE = load_catalogue()
QUICK = "quick-release"  # starts with knee-to-chest, held left from about 30 s in, right from about 70 s
QUICK_NAME = CATALOGUE.routines[QUICK].name
FULL_NAME = CATALOGUE.routines["full-relief"].name
KNEE_NAME = CATALOGUE.exercises["knee-to-chest"].name


def report(phone, query: str = "") -> tuple[str, list[list[tuple[str, ...]]]]:
    response = phone.get("/progress/report" + query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    parser = Tables()
    parser.feed(html)
    return html, parser.tables


def table(tables, first_header: str) -> list[tuple[str, ...]]:
    [found] = [t for t in tables if t and t[0][0] == first_header]
    return found


def hurt_at(phone, clock, seconds: float, score: int) -> None:
    """Start the quick release, say "it hurts" `seconds` in, then give the score."""
    person = phone.person.id
    assert phone.coach.command(person, "start", routine_id=QUICK, safety_acknowledged=True).applied
    clock.advance(seconds)
    assert phone.coach.command(person, "pain").applied
    phone.coach.record_pain(person, score)


def run(phone, clock, routine: str, minutes: float | None, before=None, after=None) -> None:
    """One session: finished by hand `minutes` in, or (None) left to run to its end."""
    person = phone.person.id
    if before is not None:
        assert phone.coach.checkin(person, "before", before)
    assert phone.coach.command(person, "start", routine_id=routine, safety_acknowledged=True).applied
    if minutes is None:
        clock.advance(phone.coach.catalogue.routines[routine].duration_seconds + 5)
        phone.coach.current(person)  # the run that ran out is recorded
    else:
        clock.advance(minutes * 60)
        assert phone.coach.command(person, "finish").applied
    if after is not None:
        assert phone.coach.checkin(person, "after", after)


@pytest.fixture
def history(phone, clock):
    """Five sessions over three days (the clock starts Friday 15 Jan 2027, 08:00 UTC)."""
    phone.get("/")
    run(phone, clock, QUICK, None, before=6, after=4)  # completed
    clock.advance(3600)
    hurt_at(phone, clock, 35, 7)  # knee to chest, left side, 7 of 10
    clock.advance(86400)
    hurt_at(phone, clock, 75, 5)  # knee to chest, right side, 5 of 10
    clock.advance(3600)
    run(phone, clock, "full-relief", 10, before=3, after=2)  # finished early
    clock.advance(86400)
    run(phone, clock, QUICK, None, before=4, after=1)
    return phone


def test_the_report_counts_each_routines_outcomes(history) -> None:
    html, tables = report(history, "?tz=UTC")
    assert table(tables, "Routine") == [
        ("Routine", "Completed", "Finished early", "Stopped for pain"),
        (QUICK_NAME, "2", "0", "2"),
        (FULL_NAME, "0", "1", "0"),
    ]
    assert "5 sessions in all" in text_of(html)


def test_the_exercise_that_hurt_shows_its_reports_highest_score_and_sides(history) -> None:
    _, tables = report(history)
    assert table(tables, "Exercise") == [
        ("Exercise", "Reports", "Highest score", "Side"),
        (KNEE_NAME, "2", "7 of 10", "left and right"),
    ]


def test_the_weekly_figures_cover_the_last_four_weeks(history) -> None:
    html, tables = report(history, "?tz=UTC")
    weeks = table(tables, "Week commencing")
    assert len(weeks) == 5  # the header and four weeks, oldest first
    # Friday to Sunday is one ISO week: all five sessions fall in the latest.
    assert [row[0] for row in weeks[1:]] == ["21 Dec 2026", "28 Dec 2026", "4 Jan 2027", "11 Jan 2027"]
    assert [row[1] for row in weeks[1:]] == ["0", "0", "0", "5"]
    minutes = int(weeks[-1][2])
    assert minutes >= 2 * 5 + 10  # two whole quick releases (about 6 min each) and 10 min of full relief
    text = text_of(html)
    assert "Sessions per week 1.2" in text  # 5 sessions over 4 weeks, to one decimal
    assert f"Minutes per week {round(minutes / 4)}" in text
    assert "Streak 3 days" in text


def test_the_pain_table_lists_check_ins_before_and_after(history) -> None:
    html, tables = report(history, "?tz=UTC")
    pain = table(tables, "Date")
    assert [row[1:] for row in pain] == [
        ("Routine", "Before", "After"),
        (QUICK_NAME, "6", "4"),
        (FULL_NAME, "3", "2"),
        (QUICK_NAME, "4", "1"),
    ]
    assert pain[1][0] == "15 Jan 2027 08:00"
    assert 'id="pain-chart"' in html and "Lately the scores look" in html


def test_the_period_and_times_follow_the_time_zone(phone, clock) -> None:
    phone.get("/")
    clock.advance(12 * 3600)  # Friday 15 Jan, 20:00 UTC: already Saturday in Tokyo
    run(phone, clock, QUICK, 3, before=5)
    utc, utc_tables = report(phone, "?tz=UTC")
    tokyo, tokyo_tables = report(phone, "?tz=Asia/Tokyo")
    assert "Period 15 Jan 2027 to 15 Jan 2027" in text_of(utc) and "Times in UTC" in text_of(utc)
    assert "Period 16 Jan 2027 to 16 Jan 2027" in text_of(tokyo) and "Times in Asia/Tokyo" in text_of(tokyo)
    assert table(utc_tables, "Date")[1][0] == "15 Jan 2027 20:00"
    assert table(tokyo_tables, "Date")[1][0] == "16 Jan 2027 05:00"


def test_without_tz_the_stored_browser_zone_is_used(history) -> None:
    assert history.post("/timezone", {"tz": "America/New_York"}).status_code == 204
    html, tables = report(history)
    assert "Times in America/New_York" in text_of(html)
    assert table(tables, "Date")[1][0] == "15 Jan 2027 03:00"


def test_no_sessions_is_a_clear_page_not_an_error(phone) -> None:
    html, tables = report(phone)
    text = text_of(html)
    assert "No sessions yet" in text
    assert "Psoas Coach — exercise log for your physiotherapist" in text
    assert "not a medical assessment" in text and phone.coach.catalogue.safety.full in text
    assert tables == [] and "Period" not in text


@pytest.mark.parametrize("tz", ["Mars/Olympus", "..%2Fetc%2Fpasswd", "Europe/Londonn"])
def test_an_unknown_time_zone_is_a_400_that_says_how_to_fix_it(phone, tz) -> None:
    response = phone.get(f"/progress/report?tz={tz}")
    assert response.status_code == 400
    assert "Europe/London" in response.get_data(as_text=True)


def test_the_report_changes_nothing_stored(history) -> None:
    coach, person = history.coach, history.person.id
    before = (coach.history(person), coach.pain_reports(person), coach.settings(person))
    report(history, "?tz=Europe/London")
    history.get("/progress/report?tz=Nowhere")
    assert (coach.history(person), coach.pain_reports(person), coach.settings(person)) == before


def test_the_progress_page_links_to_the_report_with_its_time_zone(phone) -> None:
    html = phone.get("/progress?tz=Europe/London").get_data(as_text=True)
    assert '<a href="/progress/report?tz=Europe/London">Printable report for your physiotherapist</a>' in html


def test_the_print_button_comes_from_a_fingerprinted_script(phone) -> None:
    html, _ = report(phone)
    assert "data-print hidden>Print</button>" in html  # print.js shows it: no JS, no dead button
    assert '<script src="/static/print.js?v=' in html
