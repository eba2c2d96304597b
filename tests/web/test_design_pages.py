"""What the redesigned pages tell a person before they start: a single exercise startable from
the library (through the usual start route: CSRF, safety notice first), equipment named up front,
doses in words, one capitalisation style and the safety line once."""

from __future__ import annotations

import html as html_lib
import re

import pytest


def start_form(html: str) -> tuple[str, dict[str, str]]:
    form = re.search(
        r'<form method="post" action="(/session/start)" class="start-form">(.*?)</form>', html, re.S
    )
    assert form, "no start form"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
    return form.group(1), fields


def words(html: str) -> str:
    """The page's text as read: tags dropped (not spaced), entities decoded, runs of ASCII
    whitespace collapsed (a no-break space stays one)."""
    return re.sub(r"[ \t\r\n]+", " ", html_lib.unescape(re.sub(r"<[^>]+>", "", html)))


def test_start_this_exercise_runs_that_one_exercise_after_the_safety_notice(phone, coach):
    page = phone.get("/library/bolster-psoas-stretch").get_data(as_text=True)
    assert ">Start this exercise</button>" in page
    action, fields = start_form(page)
    assert fields["routine_id"] == "single-bolster-psoas-stretch" and fields["csrf_token"]

    first = phone.post(action, fields, with_token=False)
    assert first.status_code == 303
    assert first.headers["Location"] == "/safety?start=single-bolster-psoas-stretch"
    assert coach.current(phone.person.id) is None
    notice = phone.get(first.headers["Location"]).get_data(as_text=True)
    assert "I understand, start" in notice
    assert 'href="/library/bolster-psoas-stretch">Not now, go back' in notice

    started = phone.post(action, {**fields, "safety_ack": "yes"}, with_token=False)
    assert started.headers["Location"] == "/session"
    view = coach.current(phone.person.id)
    assert view.routine.id == "single-bolster-psoas-stretch"
    assert view.routine.exercise_ids == ["bolster-psoas-stretch"]


def test_starting_a_single_exercise_needs_the_csrf_token(phone, coach):
    phone.get("/library/plank")
    r = phone.post("/session/start", {"routine_id": "single-plank", "safety_ack": "yes"}, with_token=False)
    assert r.status_code in (400, 403)
    assert coach.current(phone.person.id) is None


@pytest.mark.parametrize("routine_id", ["single-", "single-yoga", "single-single-plank"])
def test_a_single_exercise_id_for_no_exercise_is_404_and_starts_nothing(phone, coach, routine_id):
    phone.get("/library")
    r = phone.post("/session/start", {"routine_id": routine_id, "safety_ack": "yes"})
    assert r.status_code == 404
    assert coach.current(phone.person.id) is None
    assert phone.get(f"/routines/{routine_id}").status_code == 404


def test_every_library_page_has_a_start_button(phone, coach):
    for exercise_id in coach.catalogue.exercises:
        page = phone.get(f"/library/{exercise_id}").get_data(as_text=True)
        assert start_form(page)[1]["routine_id"] == f"single-{exercise_id}"


def test_equipment_is_named_before_starting(phone):
    home = words(phone.get("/").get_data(as_text=True))
    assert "You'll need a bolster pillow and a foam roller" in home  # quick release needs both
    assert "No equipment needed" in home  # the desk break needs nothing
    routine = phone.get("/routines/morning-stretch").get_data(as_text=True)
    assert "You'll need a bolster pillow" in words(routine)
    assert routine.index("You'll need") < routine.index(">Start</button>")
    assert "You'll need a foam roller" in words(
        phone.get("/library/foam-roller-release").get_data(as_text=True)
    )


def test_doses_read_as_words_and_keep_each_number_with_its_unit(phone, coach):
    page = phone.get("/routines/morning-stretch").get_data(as_text=True)
    text = words(page)
    assert "3 sets × 5 reps, hold 5\u00a0s" in text  # pelvic tilt
    assert "1 set × 3 reps each side, hold 5\u00a0s" in text  # knee to chest
    assert "hold 5 s" not in text  # never a breakable space between the number and "s"
    plank = words(phone.get("/library/plank").get_data(as_text=True))
    assert "2 sets, hold 30\u00a0s" in plank
    guide = words(phone.get("/library/sitting-posture").get_data(as_text=True))
    assert "A guide to read through, no timer" in guide


def test_focus_and_positions_use_one_capitalisation(phone, coach):
    for url in ["/", "/routines/quick-release", "/routines/morning-stretch", "/library/plank"]:
        html = phone.get(url).get_data(as_text=True)
        for value in re.findall(r"<dt>(?:Focus|Positions?)</dt><dd>([^<]+)</dd>", html):
            assert value[0].isupper() and value[1:] == value[1:].lower(), f"{url}: {value!r}"


def test_the_safety_line_is_on_a_library_page_once(phone, coach):
    short = coach.catalogue.safety.short
    for exercise_id in coach.catalogue.exercises:
        text = words(phone.get(f"/library/{exercise_id}").get_data(as_text=True))
        assert text.count(short) == 1, exercise_id


def test_the_footer_is_a_list_without_text_separators(phone):
    html = phone.get("/").get_data(as_text=True)
    footer = html[html.index('<footer class="site-footer">') : html.index("</footer>")]
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', footer)
    assert [label for _, label in links] == ["Safety notice", "Linked devices", "Privacy", "Terms"]
    assert "·" not in footer and "|" not in footer


def test_the_nav_list_registers_every_main_place_once(phone):
    html = phone.get("/progress").get_data(as_text=True)
    nav = html[html.index('<nav aria-label="Main">') : html.index("</nav>")]
    labels = re.findall(r'<a class="tab [^"]+" href="[^"]+"(?: aria-current="page")?>([^<]+)</a>', nav)
    assert labels == ["Routines", "Session", "Library", "Progress", "History", "Link Alexa"]
    assert re.findall(r'aria-current="page">([^<]+)</a>', nav) == ["Progress"]
