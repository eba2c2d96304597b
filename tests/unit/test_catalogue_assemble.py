"""Assembling a routine to fit someone's minutes, focus and positions they must avoid."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared_content.catalogue import load_catalogue
from shared_content.catalogue.loader import DEFAULT_DATA_DIR
from shared_content.catalogue.model import dosed
from shared_content.engine import template_for

POSITIONS = ["floor", "seated", "standing"]
FOCUSES = [None, "stretch", "strengthen", "release", "posture", "mixed"]


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def _usable(cat, focus, avoid):
    return [
        e
        for e in cat.exercises.values()
        if e.position not in avoid and (e.kind == "timed" or (focus == "posture" and e.category == "posture"))
    ]


def _longest(exercise):
    """The exercise at the top of its safe range."""
    return dosed(exercise, exercise.set_range[1], exercise.repetition_range[1])


def _fits(cat, routine, minutes, focus, avoid):
    """What a person would check: the routine honours every constraint they gave."""
    exercises = routine.exercises(cat)
    assert exercises, "a routine needs at least one exercise"
    assert not routine.positions & set(avoid)
    if focus != "posture":
        assert all(e.kind == "timed" for e in exercises), "guidance has no timer; only posture asks for it"
    for exercise in exercises:
        authored = cat.exercise(exercise.id)
        assert authored.sets <= exercise.sets <= authored.set_range[1], "sets stay in the safe range"
        assert authored.repetitions <= exercise.repetitions <= authored.repetition_range[1]
    if routine.duration_seconds > 1.15 * minutes * 60:
        # Only when nothing fits: no usable exercise alone lands within 15 % of the minutes, and
        # the routine says so, with the length it has instead.
        budget = minutes * 60
        for e in _usable(cat, focus, avoid):
            assert e.duration_seconds > 1.15 * budget or _longest(e).duration_seconds < 0.85 * budget
        assert "Nothing" in routine.explanation and "the nearest is about" in routine.explanation


@functools.cache
def _fresh_catalogue():
    """A second catalogue read from the files, as another process has: it has built none of the
    ids below, so each lookup rebuilds the routine from its id alone (read once: about 30 ms)."""
    return load_catalogue(DEFAULT_DATA_DIR)


@settings(max_examples=300, deadline=None)
@given(
    minutes=st.integers(min_value=1, max_value=90),
    focus=st.sampled_from(FOCUSES),
    avoid=st.sets(st.sampled_from(POSITIONS)),
)
def test_assembled_routines_fit_or_fail_clearly(minutes, focus, avoid):
    cat = load_catalogue()
    try:
        routine = cat.assemble(minutes, focus, avoid)
    except ValueError as exc:
        # The only legitimate refusal for valid input: nothing usable is left once positions
        # are avoided (e.g. no floor and no seated leaves only standing posture checklists).
        assert not _usable(cat, focus, avoid), exc
        assert "no exercise fits" in str(exc)
        return
    _fits(cat, routine, minutes, focus, avoid)
    # Deterministic, and the id alone rebuilds it, even in a fresh catalogue ("another process").
    assert cat.assemble(minutes, focus, set(avoid)) == routine
    assert cat.routine(routine.id) == routine
    assert _fresh_catalogue().routine(routine.id) == routine


@settings(max_examples=200, deadline=None)
@given(minutes=st.one_of(st.integers(max_value=0), st.integers(min_value=91)))
def test_minutes_outside_1_to_90_are_refused(minutes):
    with pytest.raises(ValueError, match="minutes"):
        load_catalogue().assemble(minutes, None, set())


@pytest.mark.parametrize("minutes", [10.5, "10", True, None])
def test_minutes_must_be_a_whole_number(cat, minutes):
    with pytest.raises(ValueError, match="minutes"):
        cat.assemble(minutes, None, set())


def test_unknown_focus_or_position_is_refused_with_the_bad_value_named(cat):
    with pytest.raises(ValueError, match="'cardio'"):
        cat.assemble(10, "cardio", set())
    with pytest.raises(ValueError, match="'lying'"):
        cat.assemble(10, None, {"lying"})


def test_avoiding_every_position_leaves_nothing(cat):
    with pytest.raises(ValueError, match="no exercise fits"):
        cat.assemble(10, None, set(POSITIONS))


def test_only_standing_suggests_the_posture_focus(cat):
    with pytest.raises(ValueError, match="try the posture focus"):
        cat.assemble(10, "stretch", {"floor", "seated"})
    assert cat.assemble(10, "posture", {"floor", "seated"}).positions == {"standing"}


def test_id_and_name_describe_the_request(cat):
    routine = cat.assemble(10, "stretch", {"floor"})
    assert routine.id == "custom-10-stretch-no-floor"
    assert routine.name == "10-minute stretch routine (no floor)"
    routine = cat.assemble(15, None, set())
    assert (routine.id, routine.name, routine.focus) == ("custom-15-any", "15-minute routine", "mixed")
    both = cat.assemble(20, "strengthen", {"standing", "floor"})
    assert both.id == "custom-20-strengthen-no-floor-no-standing"
    assert both.name == "20-minute strengthening routine (no floor, no standing)"


def test_mixed_focus_means_no_preference(cat):
    assert cat.assemble(12, "mixed", set()) == cat.assemble(12, None, set())


def test_the_focus_category_comes_first(cat):
    routine = cat.assemble(5, "strengthen", set())
    exercises = routine.exercises(cat)
    assert [e.category for e in exercises].count("strengthen") >= len(exercises) - 1
    # five minutes of strengthening alone would come up short: the one stretch that fills it is named
    assert all(e.name in routine.explanation for e in exercises if e.category != "strengthen")
    stretches = cat.assemble(10, "stretch", set())
    assert {"pelvic-tilt", "knee-to-chest", "bolster-psoas-stretch"} <= set(stretches.exercise_ids)


def test_a_long_budget_is_filled_without_overrunning(cat):
    routine = cat.assemble(15, None, set())
    assert 12 * 60 <= routine.duration_seconds <= 15 * 60


def test_one_minute_gives_the_single_shortest_exercise(cat):
    routine = cat.assemble(1, None, set())
    timed = [e for e in cat.exercises.values() if e.kind == "timed"]
    assert routine.exercise_ids == [min(timed, key=lambda e: e.duration_seconds).id]


def test_posture_focus_includes_the_posture_checklists_that_fit_the_positions(cat):
    routine = cat.assemble(10, "posture", {"floor"})
    assert {"neutral-spine", "sitting-posture", "standing-walking"} <= set(routine.exercise_ids)
    seated_only = cat.assemble(10, "posture", {"floor", "standing"})
    assert "sitting-posture" in seated_only.exercise_ids
    assert seated_only.positions == {"seated"}


def test_assembled_routine_is_a_normal_routine_with_computed_duration(cat):
    routine = cat.assemble(8, "release", set())
    assert routine.duration_seconds == template_for(routine, cat, 1.0, "lead").total
    assert "foam-roller-release" in routine.exercise_ids


@settings(max_examples=300, deadline=None)
@given(
    minutes=st.integers(min_value=3, max_value=40),
    focus=st.sampled_from(FOCUSES),
    avoid=st.sets(st.sampled_from(POSITIONS)),
)
def test_the_length_is_within_15_percent_or_the_routine_says_why(minutes, focus, avoid):
    cat = load_catalogue()
    try:
        routine = cat.assemble(minutes, focus, avoid)
    except ValueError as exc:
        assert "no exercise fits" in str(exc)  # said plainly, with the nearest focus when there is one
        return
    budget = minutes * 60
    about = f"about {max(1, round(routine.duration_seconds / 60))} minute"
    if routine.duration_seconds < 0.85 * budget:
        # said plainly: how long it is, and that it is short of the minutes asked for
        assert about in routine.explanation, (minutes, focus, avoid, routine.duration_seconds)
        assert f"shorter than the {minutes} asked for" in routine.explanation
    elif routine.duration_seconds > 1.15 * budget:
        assert f"the nearest is {about}" in routine.explanation, (minutes, focus, avoid)
    else:
        assert "shorter" not in routine.explanation and "nearest" not in routine.explanation
    for exercise in routine.exercises(cat):  # more sets or repetitions only within the safe range
        authored = cat.exercise(exercise.id)
        assert authored.sets <= exercise.sets <= authored.set_range[1]
        assert authored.repetitions <= exercise.repetitions <= authored.repetition_range[1]
    category = None if focus in (None, "mixed") else focus
    others = [e.name for e in routine.exercises(cat) if category and e.category != category]
    for name in others:
        assert name in routine.explanation, "an exercise of another focus needs a reason"


def test_a_request_the_catalogue_can_fill_comes_within_15_percent(cat):
    for minutes in (3, 5, 8, 10, 12, 15, 20, 25, 30):
        routine = cat.assemble(minutes, None, set())
        assert 0.85 * minutes * 60 <= routine.duration_seconds <= 1.15 * minutes * 60, minutes
        assert routine.explanation == ""


def test_long_requests_raise_sets_and_stay_consistent(cat):
    """Past what the exercises make as written, more sets fill the time; a focus that cannot fill it
    alone gets the same kind of help at 25 minutes as at 20 (named), never fewer exercises."""
    for minutes in (25, 30):
        routine = cat.assemble(minutes, None, set())
        assert 0.85 * minutes * 60 <= routine.duration_seconds <= 1.15 * minutes * 60
        assert routine.sets, "the exercises as written are shorter than this"
    twenty, twenty_five = cat.assemble(20, "stretch", set()), cat.assemble(25, "stretch", set())
    assert twenty_five.duration_seconds > twenty.duration_seconds
    assert len(twenty_five.exercise_ids) >= len(twenty.exercise_ids)
    # the stretches come first and run at the top of their range before anything else is added
    stretches = [e for e in twenty_five.exercises(cat) if e.category == "stretch"]
    assert [e.sets for e in stretches] == [e.set_range[1] for e in stretches]


def test_the_longest_request_says_how_long_the_nearest_is(cat):
    routine = cat.assemble(40, None, set())
    assert routine.duration_seconds < 0.85 * 40 * 60
    every = [e for e in cat.exercises.values() if e.kind == "timed"]
    assert routine.exercise_ids == [e.id for e in every]  # all of them, at the top of their range
    assert all(e.sets == e.set_range[1] for e in routine.exercises(cat))
    minutes = round(routine.duration_seconds / 60)
    assert f"add up to about {minutes} minutes, even with extra sets" in routine.explanation
