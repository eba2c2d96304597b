"""The figure on the Echo Show: AVG built from the same pose geometry as the phone's SVG."""

from __future__ import annotations

import copy

import pytest
from apl_rules import avg_problems, document_problems

from shared_content.catalogue import load_catalogue
from shared_content.figures import load_figures
from skill import apl_figures

CATALOGUE = load_catalogue()


def pid(coach, voice):
    return coach.person_for_device("alexa", voice.user_id).id


@pytest.mark.parametrize("exercise_id", list(CATALOGUE.exercises))
def test_every_exercise_has_a_valid_avg_figure_with_one_group_per_pose(exercise_id):
    figure = load_figures()[exercise_id]
    graphic = apl_figures.graphic_for(exercise_id, CATALOGUE.exercise(exercise_id).name)
    assert graphic is not None and avg_problems(graphic) == []
    groups = graphic["items"][0]["items"]
    pose_groups = [g for g in groups if g["type"] == "group"]
    assert [g["opacity"] for g in pose_groups] == [f"${{pose == '{p.name}' ? 1 : 0}}" for p in figure.poses]
    strokes = [i for g in pose_groups for i in g["items"] if "stroke" in i]
    assert strokes and all(i["strokeLineCap"] == "round" for i in strokes)
    assert CATALOGUE.exercise(exercise_id).name in graphic["description"]


def test_the_rules_catch_a_broken_graphic():
    graphic = apl_figures.graphic_for("pelvic-tilt", "Pelvic tilt")
    broken = copy.deepcopy(graphic)
    broken["items"][0]["items"][0]["strokeLineCap"] = "rounded"
    broken["items"][0]["items"][-1]["items"][0]["pathData"] = "<path d='M0 0'/>"
    broken["version"] = "2.0"
    problems = avg_problems(broken)
    assert any("strokeLineCap" in p for p in problems)
    assert any("pathData" in p for p in problems)
    assert any("version" in p for p in problems)


def test_the_holding_pose_is_the_working_pose_and_the_intro_shows_the_start():
    figure = load_figures()["bicycle-crunches"]
    assert apl_figures.figure_pose(figure, "holding", None) == "left"
    assert apl_figures.figure_pose(figure, "intro", None) == "start"
    assert apl_figures.figure_pose(load_figures()["knee-to-chest"], "holding", "right") == "hold"
    assert apl_figures.figure_pose(load_figures()["neutral-spine"], "holding", None) == "still"


def test_a_screen_device_gets_the_figure_in_a_valid_session_document(make_voice, coach):
    voice = make_voice(user_id="amzn1.ask.account.figure", apl=True)
    voice.launch()
    reply = voice.say("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")})
    [directive] = [d for d in reply.directives if d.get("type") == "Alexa.Presentation.APL.RenderDocument"]
    document, session = directive["document"], directive["datasources"]["session"]
    assert document_problems(document) == []
    # the voice leads: the response opens with the first exercise's instructions, so the
    # screen shows them (the figure in its starting pose) while they are read
    assert session["phase"] == "instructions" and coach.current(pid(coach, voice)) is not None
    assert session["hasFigure"] is True and session["figurePose"] in ("start", "rest", "hold")
    assert "Pelvic tilt" in session["figureLabel"]
    graphic = document["graphics"][apl_figures.GRAPHIC_NAME]
    assert graphic["parameters"][0]["name"] == "pose"
    vectors = [c for c in document["mainTemplate"]["items"][0]["items"] if c["type"] == "VectorGraphic"]
    assert vectors and vectors[0]["source"] == apl_figures.GRAPHIC_NAME


def test_without_a_session_the_screen_has_no_figure_and_still_follows_the_rules(make_voice):
    voice = make_voice(user_id="amzn1.ask.account.nofigure", apl=True)
    reply = voice.launch()
    docs = [d for d in reply.directives if d.get("type") == "Alexa.Presentation.APL.RenderDocument"]
    for directive in docs:
        assert directive["datasources"]["session"]["hasFigure"] is False
        assert document_problems(directive["document"]) == []
