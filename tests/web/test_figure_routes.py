"""The figure routes and the pages that show them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from shared_content.catalogue import load_catalogue

EXERCISE_IDS = list(load_catalogue().exercises)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_every_exercise_has_a_cacheable_svg_figure(phone, exercise_id):
    r = phone.get(f"/figures/{exercise_id}.svg")
    assert r.status_code == 200
    assert r.mimetype == "image/svg+xml"
    assert "max-age=31536000" in r.headers["Cache-Control"] and "public" in r.headers["Cache-Control"]
    assert r.headers["ETag"]
    root = ET.fromstring(r.get_data())
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert load_catalogue().exercise(exercise_id).name in root.find(f"{SVG}title").text


def test_a_revalidation_with_the_etag_gets_304_without_a_body(phone):
    first = phone.get("/figures/pelvic-tilt.svg", headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    again = phone.get("/figures/pelvic-tilt.svg", headers={"If-None-Match": etag, "Accept-Encoding": "gzip"})
    assert again.status_code == 304 and again.get_data() == b""
    plain = phone.get("/figures/pelvic-tilt.svg", headers={"If-None-Match": etag.replace("-gz", "")})
    assert plain.status_code == 304


def test_the_all_poses_figure_has_one_group_per_pose(phone):
    r = phone.get("/figures/bicycle-crunches/poses.svg")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    root = ET.fromstring(r.get_data())
    poses = [g.get("data-pose") for g in root.iter(f"{SVG}g") if "pose" in (g.get("class") or "").split()]
    assert poses == ["start", "left", "right"]


@pytest.mark.parametrize("url", ["/figures/no-such-move.svg", "/figures/no-such-move/poses.svg"])
def test_an_unknown_exercise_gets_a_clear_404(phone, url):
    r = phone.get(url)
    assert r.status_code == 404
    assert "no-such-move" in r.get_data(as_text=True) and "no figure" in r.get_data(as_text=True)
    assert "max-age" not in r.headers.get("Cache-Control", "")


def _images(html: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in re.findall(r"<img [^>]*>", html)]


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_each_library_page_shows_its_figure_with_a_text_alternative(phone, exercise_id):
    html = phone.get(f"/library/{exercise_id}").get_data(as_text=True)
    figures = [i for i in _images(html) if i.get("src", "").startswith(f"/figures/{exercise_id}.svg")]
    assert len(figures) == 1
    img = figures[0]
    assert img["alt"].strip() and img["loading"] == "lazy"
    assert int(img["width"]) > 0 and int(img["height"]) > 0
    assert phone.get(img["src"].replace("&amp;", "&")).status_code == 200


def _figures(phone, url: str) -> list[dict[str, str]]:
    html = phone.get(url).get_data(as_text=True)
    figures = [i for i in _images(html) if i.get("src", "").startswith("/figures/")]
    assert all(i["alt"].strip() and i["width"] and i["height"] for i in figures)
    return figures


def test_each_routine_card_shows_a_different_figure(phone):
    sources = [i["src"].split("?")[0] for i in _figures(phone, "/")]
    assert len(sources) == len(load_catalogue().routines) == len(set(sources))


def test_the_library_list_shows_every_figure_and_a_routine_page_each_of_its_exercises(phone):
    assert len(_figures(phone, "/library")) == len(EXERCISE_IDS)
    routine = load_catalogue().routine("core-strength")
    shown = [i["src"].split("?")[0] for i in _figures(phone, f"/routines/{routine.id}")]
    assert shown == [f"/figures/{e}.svg" for e in routine.exercise_ids]


def test_the_service_worker_precaches_every_figure(phone):
    worker = phone.get("/sw.js").get_data(as_text=True)
    for exercise_id in EXERCISE_IDS:
        assert f"/figures/{exercise_id}.svg?v=" in worker
