"""A routine's own doses (more sets or repetitions within an exercise's safe range) are what every
consumer runs: the engine's timeline and plan, the durations, and the position both front ends read."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared_content import timing
from shared_content.catalogue import load_catalogue
from shared_content.catalogue.loader import DEFAULT_DATA_DIR
from shared_content.catalogue.model import Exercise, Routine
from shared_content.engine import plan_for, position, start, template_for


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


@pytest.fixture(scope="module")
def doubled(cat):
    """The morning stretch with knee to chest at 3 sets (1 as written) and bolster at 2."""
    entry = cat.routine("morning-stretch").model_dump(
        include={"id", "name", "synonyms", "focus", "description", "exercise_ids"}
    )
    return Routine.build(entry, cat.exercises, sets={"knee-to-chest": 3, "bolster-psoas-stretch": 2})


def test_the_timeline_runs_the_routines_sets(cat, doubled):
    segments = template_for(doubled, cat, 1.0, "lead").segments
    knee_holds = [s for s in segments if s.exercise_id == "knee-to-chest" and s.kind == "hold"]
    assert {s.sets for s in knee_holds} == {3}
    # 3 sets x 2 sides x 3 holds each, every (set, side) block present once
    assert len(knee_holds) == 3 * 2 * 3
    assert sorted({(s.set_no, s.side) for s in knee_holds}) == [
        (n, side) for n in (1, 2, 3) for side in ("left", "right")
    ]
    bolster = {s.set_no for s in segments if s.exercise_id == "bolster-psoas-stretch" and s.kind == "hold"}
    assert bolster == {1, 2}
    tilt = {s.sets for s in segments if s.exercise_id == "pelvic-tilt" and s.kind == "hold"}
    assert tilt == {cat.exercise("pelvic-tilt").sets}  # not overridden: as written


def test_the_duration_is_the_timeline_with_the_extra_sets(cat, doubled):
    curated = cat.routine("morning-stretch")
    assert doubled.duration_seconds == template_for(doubled, cat, 1.0, "lead").total
    assert doubled.duration_seconds == timing.routine_seconds(doubled.exercises(cat))
    knee = doubled.exercise(cat, "knee-to-chest")
    extra_knee = knee.duration_seconds - cat.exercise("knee-to-chest").duration_seconds
    bolster = doubled.exercise(cat, "bolster-psoas-stretch")
    extra_bolster = bolster.duration_seconds - cat.exercise("bolster-psoas-stretch").duration_seconds
    assert extra_knee > 0 and extra_bolster > 0
    assert doubled.duration_seconds == curated.duration_seconds + extra_knee + extra_bolster


def test_the_plan_and_the_position_count_the_same_sets(cat, doubled, clock):
    blocks = [b for b in plan_for(doubled, cat, 1.0) if b.exercise_id == "knee-to-chest"]
    assert [(b.set_no, b.sets, b.side) for b in blocks] == [
        (n, 3, side) for n in (1, 2, 3) for side in ("left", "right")
    ]
    state = start(doubled, cat, clock.now)
    tpl = template_for(doubled, cat, 1.0, "lead")
    knee_start = next(s for s in tpl.segments if s.exercise_id == "knee-to-chest" and s.kind == "hold")
    at = clock.now + tpl.offsets[knee_start.index] + 0.5
    p = position(state, doubled, cat, at)
    assert (p.exercise.id, p.set_no, p.sets, p.exercise.sets) == ("knee-to-chest", 1, 3, 3)


def test_an_assembled_routine_rebuilds_with_its_sets_from_the_id_alone(cat):
    routine = cat.assemble(30, "stretch", set())
    assert routine.sets, "thirty minutes of stretching needs more sets than written"
    again = load_catalogue(DEFAULT_DATA_DIR).routine(routine.id)
    assert again == routine and again.sets == routine.sets
    for exercise in routine.exercises(cat):
        assert exercise.sets <= cat.exercise(exercise.id).set_range[1]


def test_doses_outside_the_safe_range_are_refused(cat):
    entry = {"id": "x", "name": "X", "synonyms": [], "focus": "stretch", "description": "X."}
    with pytest.raises(ValueError, match="safe range"):
        Routine.build({**entry, "exercise_ids": ["pelvic-tilt"]}, cat.exercises, sets={"pelvic-tilt": 4})
    with pytest.raises(ValueError, match="safe range"):
        Routine.build({**entry, "exercise_ids": ["knee-to-chest"]}, cat.exercises, sets={"knee-to-chest": 0})
    with pytest.raises(ValueError, match="safe range"):
        Routine.build(
            {**entry, "exercise_ids": ["pelvic-floor-squeeze"]},
            cat.exercises,
            repetitions={"pelvic-floor-squeeze": 16},
        )
    with pytest.raises(ValueError, match="does not have"):
        Routine.build({**entry, "exercise_ids": ["pelvic-tilt"]}, cat.exercises, sets={"plank": 2})


def test_a_safe_range_below_the_written_dose_or_on_guidance_is_refused(cat):
    data = cat.exercise("transverse-abdominis").model_dump(exclude={"duration_seconds"})
    with pytest.raises(ValidationError, match="at least the authored 3"):
        Exercise(**{**data, "max_sets": 2})
    guidance = cat.exercise("sitting-posture").model_dump(exclude={"duration_seconds"})
    with pytest.raises(ValidationError, match="no sets or repetitions to raise"):
        Exercise(**{**guidance, "max_sets": 2})


def test_the_safe_ranges_come_from_the_article(cat):
    # "3 to 5 sets", "10 to 15 repetitions", "aiming for 3 sets": the article's own numbers
    assert cat.exercise("transverse-abdominis").set_range == (1, 5)
    assert cat.exercise("pelvic-floor-squeeze").repetition_range == (1, 15)
    assert cat.exercise("pelvic-tilt").set_range == (1, 3)
    for exercise in cat.exercises.values():
        raised = exercise.set_range[1] > exercise.sets or exercise.repetition_range[1] > exercise.repetitions
        if raised:  # every raise is recorded where the data says what it chose
            assert any("assembled routine may" in choice for choice in exercise.choices), exercise.id
