"""Graded pain, check-ins, the next-visit follow-up and the red-flag screen, on the real Coach."""

from __future__ import annotations

import pytest

from shared_content.pain import load_pain_guide
from shared_content.service import Coach

ROUTINE = "morning-stretch"
GUIDE = load_pain_guide()


def _person(coach: Coach) -> int:
    return coach.person_for_device("phone", "phone-token").id


def _hurt(coach: Coach, person: int, clock) -> None:
    assert coach.command(person, "start", routine_id=ROUTINE, safety_acknowledged=True).applied
    clock.advance(20)
    outcome = coach.command(person, "pain")
    assert outcome.finished and outcome.view.state.outcome == "pain"  # the count stopped at once


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, "mild"), (3, "mild"), (4, "moderate"), (5, "moderate"), (6, "too-much"), (10, "too-much")],
)
def test_each_band_grades_the_stored_report_and_gives_its_advice(coach, clock, score, band) -> None:
    person = _person(coach)
    _hurt(coach, person, clock)
    advice = coach.record_pain(person, score)
    assert advice.text == GUIDE.band_for(score).advice
    assert advice.band == band
    [report] = coach.pain_reports(person)
    assert report.score == score
    assert report.exercise_id == coach.catalogue.routine(ROUTINE).exercise_ids[0]


def test_sharp_means_stop_whatever_the_number(coach, clock) -> None:
    person = _person(coach)
    _hurt(coach, person, clock)
    advice = coach.record_pain(person, 2, "it's a sharp pain")
    assert advice.level == "stop"
    assert advice.text == GUIDE.band_for(10).advice


@pytest.mark.parametrize(
    ("flag_id", "words"),
    [
        ("saddle-numbness", "my groin feels numb"),
        ("bladder-bowel", "I lost bladder control"),
        ("leg-weakness", "my leg feels weak"),
        ("fever", "I have a fever"),
        ("weight-loss", "I've lost weight without trying"),
        ("dizziness", "I feel dizzy"),
    ],
)
def test_each_red_flag_gives_the_see_a_clinician_advice(coach, clock, flag_id, words) -> None:
    person = _person(coach)
    _hurt(coach, person, clock)
    advice = coach.record_pain(person, 2, words)
    assert advice.level == "red_flag"
    assert advice.text == GUIDE.red_flags.advice.format(flag=GUIDE.flag(flag_id).name)


def test_a_score_outside_the_scale_is_refused_and_nothing_changes(coach, clock) -> None:
    person = _person(coach)
    _hurt(coach, person, clock)
    for bad in (-1, 11, True, "5"):
        with pytest.raises(ValueError):
            coach.record_pain(person, bad)  # type: ignore[arg-type]
    assert coach.pain_reports(person)[0].score is None


def test_check_ins_go_on_the_run_and_stop_when_turned_off(coach, clock) -> None:
    person = _person(coach)
    assert coach.checkin(person, "before", 4)
    coach.command(person, "start", routine_id=ROUTINE, safety_acknowledged=True)
    clock.advance(60)
    coach.command(person, "finish")
    assert coach.checkin(person, "after", 2)
    [entry] = coach.history(person)
    assert (entry.pain_before, entry.pain_after) == (4, 2)
    assert entry.details.devices == ("phone",)

    coach.set_checkins(person, False)
    assert not coach.checkin(person, "after", 9)
    assert coach.history(person)[0].pain_after == 2


def test_a_pain_stop_asks_how_it_feels_next_visit_and_worse_suggests_gentler(coach, clock) -> None:
    person = _person(coach)
    _hurt(coach, person, clock)
    coach.record_pain(person, 3)
    followup = coach.needs_followup(person)
    assert followup is not None and followup.reason == "pain_stop" and followup.last_score == 3
    assert coach.answer_followup(person, 5) is True  # worse than last time
    assert coach.needs_followup(person) is None  # asked once
    gentle = coach.gentler_routine()
    assert gentle.duration_seconds == min(r.duration_seconds for r in coach.catalogue.routines.values())


def test_pain_that_rose_over_a_run_asks_next_visit(coach, clock) -> None:
    person = _person(coach)
    coach.checkin(person, "before", 2)
    coach.command(person, "start", routine_id=ROUTINE, safety_acknowledged=True)
    coach.command(person, "finish")
    coach.checkin(person, "after", 5)
    followup = coach.needs_followup(person)
    assert followup is not None and followup.reason == "pain_rose"
    assert coach.answer_followup(person, 3) is False


def test_no_followup_after_a_run_that_went_well(coach, clock) -> None:
    person = _person(coach)
    coach.checkin(person, "before", 4)
    coach.command(person, "start", routine_id=ROUTINE, safety_acknowledged=True)
    coach.command(person, "finish")
    coach.checkin(person, "after", 2)
    assert coach.needs_followup(person) is None


def test_the_red_flag_screen_is_stored_and_can_be_answered_again(coach, clock) -> None:
    person = _person(coach)
    assert coach.red_flag_screen(person) == (None, ())
    assert coach.answer_red_flag_screen(person, ()) is None
    answered, flags = coach.red_flag_screen(person)
    assert answered == clock() and flags == ()
    advice = coach.answer_red_flag_screen(person, ("fever",))
    assert advice is not None and advice.text == GUIDE.red_flags.advice.format(flag=GUIDE.flag("fever").name)
    assert coach.red_flag_screen(person)[1] == ("fever",)
    with pytest.raises(ValueError):
        coach.answer_red_flag_screen(person, ("made-up",))


def test_skipped_exercises_and_the_time_zone_reach_history(coach, clock) -> None:
    person = _person(coach)
    coach.set_time_zone(person, "Europe/London")
    coach.command(person, "start", routine_id=ROUTINE, safety_acknowledged=True)
    first = coach.current(person).position.exercise.id
    coach.command(person, "skip")
    coach.command(person, "finish")
    [entry] = coach.history(person)
    assert entry.details.exercises_skipped == (first,)
    assert first not in entry.details.exercises_done
    assert entry.details.time_zone == "Europe/London"
    with pytest.raises(ValueError):
        coach.set_time_zone(person, "Mars/Olympus")


def test_the_followup_looks_at_the_newest_run_only(coach, clock) -> None:
    """An old pain stop behind a run that went well asks nothing; a new one asks."""
    person = _person(coach)
    _hurt(coach, person, clock)
    coach.record_pain(person, 3)
    clock.advance(60)
    coach.command(person, "start", routine_id=ROUTINE, safety_acknowledged=True)
    coach.command(person, "finish")
    assert coach.needs_followup(person) is None
    clock.advance(60)
    _hurt(coach, person, clock)
    followup = coach.needs_followup(person)
    assert followup is not None and followup.reason == "pain_stop"


def test_the_last_routine_offered_again_is_the_newest_one_still_in_the_catalogue(coach, clock) -> None:
    from shared_content.store import history as history_db

    person = _person(coach)
    assert coach.last_routine_id(person) is None
    coach.command(person, "start", routine_id="quick-release", safety_acknowledged=True)
    coach.command(person, "finish")
    clock.advance(60)
    coach.command(person, "start", routine_id=ROUTINE, safety_acknowledged=True)
    coach.command(person, "finish")
    assert coach.last_routine_id(person) == ROUTINE
    with coach.store.write() as conn:  # a newer run of a routine the catalogue has since dropped
        history_db.record_once(conn, person, "retired-routine", clock() + 1, clock() + 2, "completed")
    assert coach.last_routine_id(person) == ROUTINE
