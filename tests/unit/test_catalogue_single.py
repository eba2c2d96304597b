"""A single exercise started from the library runs as a one-exercise routine whose id
("single-<exercise id>") any process resolves to the same routine."""

from __future__ import annotations

import subprocess
import sys

import pytest

from shared_content.catalogue import load_catalogue
from shared_content.catalogue.catalogue import SINGLE_PREFIX
from shared_content.catalogue.loader import DEFAULT_DATA_DIR

CATALOGUE = load_catalogue()


@pytest.mark.parametrize("exercise_id", list(CATALOGUE.exercises))
def test_every_exercise_has_a_single_exercise_routine(exercise_id):
    exercise = CATALOGUE.exercise(exercise_id)
    routine = CATALOGUE.routine(f"single-{exercise_id}")
    assert routine.id == f"single-{exercise_id}"
    assert routine.exercise_ids == [exercise_id]
    assert routine.name == exercise.name
    assert routine.duration_seconds == exercise.duration_seconds
    assert routine.positions == {exercise.position}
    assert CATALOGUE.find_routine(routine.id) == routine


def test_the_id_resolves_to_the_same_routine_in_a_fresh_catalogue_and_a_fresh_process():
    built_here = CATALOGUE.routine("single-bolster-psoas-stretch")
    assert load_catalogue(DEFAULT_DATA_DIR).routine(built_here.id) == built_here
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            "from shared_content.catalogue import load_catalogue;"
            "print(load_catalogue().routine('single-bolster-psoas-stretch').model_dump_json())",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert other.stdout.strip() == built_here.model_dump_json()


@pytest.mark.parametrize(
    "bad", ["single-", "single-yoga-flow", "single-single-plank", "single-Plank", "single-plank-"]
)
def test_a_single_id_for_no_exercise_is_unknown(bad):
    with pytest.raises(KeyError):
        CATALOGUE.routine(bad)


def test_single_routines_are_not_listed_with_the_curated_ones():
    CATALOGUE.routine("single-plank")
    assert not any(rid.startswith(SINGLE_PREFIX) for rid in CATALOGUE.routines)
