"""After "it hurts" and a mild or moderate score: carry on, ease off or skip the exercise that hurt.
The engine's pick_up on random routines (hypothesis), and the Coach's rules on the real store."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_properties import T0, routines

from shared_content.engine import PACE_LEVELS, Command, apply, locate, pick_up, start, template_for
from shared_content.engine.plan import faster
from shared_content.pain import load_pain_guide

ROUTINE = "morning-stretch"
GUIDE = load_pain_guide()


@settings(max_examples=200, deadline=None)
@given(routines(), st.sampled_from(PACE_LEVELS), st.floats(0, 600, allow_nan=False), st.floats(0, 3600))
def test_a_run_stopped_anywhere_is_picked_up_where_it_stopped(routine_and_catalogue, pace, when, later):
    routine, catalogue = routine_and_catalogue
    running = start(routine, catalogue, T0, pace=pace)
    if locate(running, routine, catalogue, T0 + when).done:
        return  # it ended by itself before "it hurts"
    stopped = apply(running, Command("pain"), routine, catalogue, T0 + when).state
    here = locate(running, routine, catalogue, T0 + when)
    tpl = template_for(routine, catalogue, pace, "lead")
    seg = tpl.segments[here.index]
    now = T0 + when + later

    again = pick_up(stopped, "continue", routine, catalogue, now)
    assert again is not None and not again.done and again.version == stopped.version + 1
    # The step that was cut short starts again, now (past a rest that opens it): never a later
    # step, never another exercise.
    first = tpl.step_start(seg.step)
    assert again.anchor_index == (first + 1 if tpl.segments[first].gap else first)
    assert tpl.segments[again.anchor_index].step == seg.step and again.anchor_at == now
    assert again.started_at == now and again.pace == pace

    eased = pick_up(stopped, "ease_off", routine, catalogue, now)
    assert eased is not None and eased.anchor_index == again.anchor_index
    assert eased.pace == (faster(pace) or pace) <= pace  # one level shorter on the holds

    skipped = pick_up(stopped, "skip_exercise", routine, catalogue, now)
    if seg.exercise_index + 1 < len(routine.exercise_ids):
        assert skipped is not None
        landed = template_for(routine, catalogue, pace, "lead").segments[skipped.anchor_index]
        assert (landed.kind, landed.exercise_index) == ("intro", seg.exercise_index + 1)
    else:
        assert skipped is None  # the last exercise: nothing left to go on with


def test_pick_up_refuses_a_running_run_and_an_unknown_choice(catalogue) -> None:
    routine = catalogue.routine(ROUTINE)
    running = start(routine, catalogue, T0)
    with pytest.raises(ValueError):
        pick_up(running, "continue", routine, catalogue, T0 + 5)
    stopped = apply(running, Command("pain"), routine, catalogue, T0 + 5).state
    with pytest.raises(ValueError):
        pick_up(stopped, "push through", routine, catalogue, T0 + 5)  # type: ignore[arg-type]


def _hurt(coach, clock, score: int | None, seconds: float = 60, words: str = "") -> int:
    person = coach.person_for_device("phone", "phone-token").id
    assert coach.command(person, "start", routine_id=ROUTINE, safety_acknowledged=True).applied
    clock.advance(seconds)
    coach.command(person, "pain")
    coach.record_pain(person, score, words)
    return person


def test_a_mild_score_carries_on_from_the_set_that_hurt(any_coach, clock) -> None:
    coach = any_coach
    person = _hurt(coach, clock, 2)
    where = coach.pain_reports(person)[0]
    clock.advance(30)
    outcome = coach.carry_on_after_pain(person, "continue")
    assert outcome.status == "applied"
    view = coach.current(person)
    assert not view.state.done and view.position.exercise.id == where.exercise_id
    assert view.position.kind in ("get_ready", "intro")  # in position first, not mid-hold
    assert [run.outcome for run in coach.history(person)] == ["pain"]  # the stopped run stays recorded


def test_ease_off_shortens_the_holds_and_skip_goes_to_the_next_exercise(any_coach, clock) -> None:
    coach = any_coach
    person = _hurt(coach, clock, 4)
    before_pace = coach.person(person).pace
    assert coach.carry_on_after_pain(person, "continue").status == "illegal"  # moderate: not offered
    assert coach.carry_on_after_pain(person, "ease_off").status == "applied"
    # eased for this run; the person's usual pace is only changed by keeping it (Coach.keep_pace)
    assert coach.current(person).state.pace < before_pace and coach.person(person).pace == before_pace

    clock.advance(5)
    coach.command(person, "pain")
    coach.record_pain(person, 5)
    hurt_in = coach.current(person).position.exercise_index
    assert coach.carry_on_after_pain(person, "skip_exercise").status == "applied"
    assert coach.current(person).position.exercise_index == hurt_in + 1


@pytest.mark.parametrize(
    ("score", "words", "wait"),
    [(7, "", 0), (None, "", 0), (2, "my leg is weak", 0), (2, "", 31 * 60)],
    ids=["too-much", "ungraded", "red-flag", "too-late"],
)
def test_no_pick_up_after_too_much_pain_a_red_flag_or_a_long_break(coach, clock, score, words, wait) -> None:
    person = _hurt(coach, clock, score, words=words)
    clock.advance(wait)
    stopped = coach.current(person)
    for how in ("continue", "ease_off", "skip_exercise"):
        outcome = coach.carry_on_after_pain(person, how)
        assert outcome.status == "illegal" and outcome.message
    assert coach.current(person).state == stopped.state  # nothing changed


def test_no_pick_up_without_a_pain_stop(coach, clock) -> None:
    person = coach.person_for_device("phone", "phone-token").id
    assert coach.carry_on_after_pain(person, "continue").status == "illegal"
    coach.command(person, "start", routine_id=ROUTINE, safety_acknowledged=True)
    coach.command(person, "finish")
    assert coach.carry_on_after_pain(person, "continue").status == "illegal"
    with pytest.raises(ValueError):
        coach.carry_on_after_pain(person, "jump")
