"""`psoas-coach content list`: the catalogue as JSON for tools, or as text for people."""

from __future__ import annotations

import json

import pytest

from shared_content.catalogue import load_catalogue
from shared_content.catalogue.cli import main
from shared_content.engine import template_for


def _list(capsys, *args: str) -> str:
    assert main(["list", *args]) == 0
    return capsys.readouterr().out


def test_json_listing_has_every_exercise_with_computed_durations(capsys):
    data = json.loads(_list(capsys, "--format", "json"))
    assert [e["id"] for e in data["exercises"]] == list(load_catalogue().exercises)
    for exercise in data["exercises"]:
        for key in ("id", "name", "category", "kind", "position", "equipment", "steps", "duration_seconds"):
            assert key in exercise, key
        assert exercise["duration_seconds"] > 0


def test_json_listing_gives_each_routine_the_length_its_timeline_runs(capsys):
    data = json.loads(_list(capsys, "--format", "json"))
    cat = load_catalogue()
    assert len(data["routines"]) >= 5
    for routine in data["routines"]:
        timeline = template_for(cat.routine(routine["id"]), cat, 1.0, "lead")
        assert routine["duration_seconds"] == timeline.total
        assert routine["duration_minutes"] == pytest.approx(routine["duration_seconds"] / 60, abs=0.05)
        assert routine["positions"] == sorted(routine["positions"]) and routine["positions"]
        assert routine["name"] and routine["focus"]


def test_json_listing_carries_the_safety_notice(capsys):
    safety = json.loads(_list(capsys, "--format", "json"))["safety"]
    assert "sharp pain" in safety["short"] and "not medical advice" in safety["full"]
    assert safety["see_clinician"]


def test_text_listing_shows_names_and_minutes(capsys):
    out = _list(capsys)
    assert "Five-minute quick release" in out and "Pelvic tilt" in out
    assert "not medical advice" in out


def test_bad_arguments_exit_non_zero(capsys):
    assert main(["list", "--format", "xml"]) == 2
    assert main([]) == 2
    capsys.readouterr()


def test_the_psoas_coach_command_reaches_the_content_cli(capsys):
    from psoas_coach.cli import main as psoas_main

    assert psoas_main(["content", "list", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["routines"]) >= 5
    assert psoas_main(["content", "check"]) == 0
    assert "Catalogue OK" in capsys.readouterr().out
