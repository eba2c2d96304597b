"""The Echo Show's figure drawing is built once per process and kept: every response still carries
exactly the drawing that building it afresh gives, for every exercise."""

from __future__ import annotations

import json

import pytest

from shared_content.catalogue import load_catalogue
from shared_content.figures import load_figures
from skill import apl, apl_figures

CATALOGUE = load_catalogue()


@pytest.mark.parametrize("exercise_id", sorted(CATALOGUE.exercises))
def test_the_kept_drawing_is_the_one_built_afresh(exercise_id):
    name = CATALOGUE.exercise(exercise_id).name
    fresh = apl_figures.graphic_for(exercise_id, name)
    first, again = apl._graphic_for(exercise_id, name), apl._graphic_for(exercise_id, name)
    assert json.dumps(first, sort_keys=True) == json.dumps(fresh, sort_keys=True)
    assert again is first  # kept, not rebuilt
    assert (fresh is None) == (exercise_id not in load_figures())


def test_another_name_gets_its_own_description():
    exercise_id = next(e for e in sorted(CATALOGUE.exercises) if e in load_figures())
    a = apl._graphic_for(exercise_id, "First name")
    b = apl._graphic_for(exercise_id, "Second name")
    assert a is not None and b is not None and a["description"] != b["description"]
