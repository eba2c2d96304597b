"""The phone's pain score, check-ins and red-flag screen: the advice is pain.toml's, word for word."""

from __future__ import annotations

import html

import pytest

from shared_content.pain import load_pain_guide
from tests.web.conftest import text_of

GUIDE = load_pain_guide()
RED_FLAG_WORDS = {
    "saddle-numbness": "numb in the groin",
    "bladder-bowel": "lost bladder control",
    "leg-weakness": "my leg is weak",
    "fever": "I have a fever",
    "weight-loss": "weight loss",
    "dizziness": "I feel dizzy",
}


def hurt(phone) -> None:
    view = phone.start()
    r = phone.post("/session/pain", {"expected_version": view.state.version})
    assert r.status_code in (200, 303), r.status_code
    page = phone.get("/session").get_data(as_text=True)
    assert "/pain" in page  # the stopped session links to the score
    assert phone.coach.current(phone.person.id).state.outcome == "pain"


def test_the_score_page_has_eleven_large_buttons_and_a_skip(phone) -> None:
    page = phone.get("/pain").get_data(as_text=True)
    for n in range(11):
        assert f'name="score" value="{n}"' in page
    assert 'value="skip"' in page and 'value="sharp"' in page
    assert html.escape(GUIDE.question, quote=False) in page


@pytest.mark.parametrize("score", range(11))
def test_each_score_shows_its_bands_advice(phone, score) -> None:
    hurt(phone)
    r = phone.post("/pain", {"score": str(score)})
    assert r.status_code == 200
    assert GUIDE.band_for(score).advice in text_of(html.unescape(r.get_data(as_text=True)))
    assert phone.coach.pain_reports(phone.person.id)[0].score == score


def test_sharp_stops_with_the_safety_advice(phone) -> None:
    hurt(phone)
    page = html.unescape(phone.post("/pain", {"score": "sharp"}).get_data(as_text=True))
    assert GUIDE.band_for(10).advice in text_of(page)
    assert "Stop the routine" in page


@pytest.mark.parametrize("flag_id", list(RED_FLAG_WORDS))
def test_each_red_flag_shows_the_see_a_clinician_advice(phone, flag_id) -> None:
    hurt(phone)
    r = phone.post("/pain", {"score": "2", "words": RED_FLAG_WORDS[flag_id]})
    expected = GUIDE.red_flags.advice.format(flag=GUIDE.flag(flag_id).name)
    assert expected in text_of(html.unescape(r.get_data(as_text=True)))


@pytest.mark.parametrize("bad", ["11", "-1", "five", "3.5"])
def test_a_bad_score_is_a_400_and_changes_nothing(phone, bad) -> None:
    hurt(phone)
    r = phone.post("/pain", {"score": bad})
    assert r.status_code == 400
    assert phone.coach.pain_reports(phone.person.id)[0].score is None


def test_posts_without_the_csrf_token_are_refused(phone) -> None:
    hurt(phone)
    for url, data in (("/pain", {"score": "3"}), ("/checkin", {"when": "before", "score": "3"})):
        assert phone.post(url, data, with_token=False).status_code in (400, 403)
    assert phone.coach.pain_reports(phone.person.id)[0].score is None


def test_check_ins_before_and_after_reach_history_and_the_setting_turns_them_off(phone, clock) -> None:
    phone.get("/")
    assert (
        phone.post("/checkin", {"when": "before", "score": "5", "routine_id": "morning-stretch"}).status_code
        == 303
    )
    phone.start()
    clock.advance(60)
    phone.coach.command(phone.person.id, "finish")
    assert phone.post("/checkin", {"when": "after", "score": "3"}).status_code == 303
    entry = phone.coach.history(phone.person.id)[0]
    assert (entry.pain_before, entry.pain_after) == (5, 3)

    r = phone.post("/checkins/setting", {"on": "no"})
    assert "check-ins are off" in r.get_data(as_text=True)
    assert phone.coach.settings(phone.person.id).checkins_on is False
    phone.post("/checkin", {"when": "after", "score": "9"})
    assert phone.coach.history(phone.person.id)[0].pain_after == 3


def test_the_red_flag_screen_is_stored_and_reachable_from_the_safety_page(phone) -> None:
    assert "/safety/screen" in phone.get("/safety").get_data(as_text=True)
    page = phone.get("/safety/screen").get_data(as_text=True)
    for flag in GUIDE.red_flag:
        assert html.escape(flag.name, quote=False).replace(
            "'", "&#39;"
        ) in page or flag.name in html.unescape(page)
    r = phone.post("/safety/screen", {"flag": ["leg-weakness"]})
    expected = GUIDE.red_flags.advice.format(flag=GUIDE.flag("leg-weakness").name)
    assert expected in text_of(html.unescape(r.get_data(as_text=True)))
    assert phone.coach.red_flag_screen(phone.person.id)[1] == ("leg-weakness",)
    assert phone.post("/safety/screen", {"flag": ["nonsense"]}).status_code == 400
    assert phone.coach.red_flag_screen(phone.person.id)[1] == ("leg-weakness",)


def test_the_browser_time_zone_is_stored_and_a_bad_one_refused(phone) -> None:
    phone.get("/")
    assert phone.post("/timezone", {"tz": "America/New_York"}).status_code == 204
    assert phone.coach.settings(phone.person.id).time_zone == "America/New_York"
    assert phone.post("/timezone", {"tz": "Nowhere/Land"}).status_code == 400
    assert phone.coach.settings(phone.person.id).time_zone == "America/New_York"


def test_exports_round_trip_every_stored_session_and_pain_report(phone, clock) -> None:
    from shared_content.export import from_csv, from_json
    from shared_content.progress import record_from_history

    phone.get("/")
    phone.post("/checkin", {"when": "before", "score": "4"})
    phone.start()
    clock.advance(90)
    phone.coach.command(phone.person.id, "finish")
    phone.post("/checkin", {"when": "after", "score": "1"})
    clock.advance(3600)
    hurt(phone)
    phone.post("/pain", {"score": "5"})
    coach, person = phone.coach, phone.person.id
    records = [record_from_history(e) for e in coach.history(person)]
    reports = coach.pain_reports(person)
    assert {r.pain_before for r in records} >= {4} and reports[0].score == 5
    for url, parse in (("/progress/export.csv", from_csv), ("/progress/export.json", from_json)):
        body = phone.get(url + "?tz=Europe/London").get_data(as_text=True)
        got_records, got_reports = parse(body)
        assert sorted(got_records, key=lambda r: r.started_at) == sorted(records, key=lambda r: r.started_at)
        assert sorted(got_reports, key=lambda r: r.at) == sorted(reports, key=lambda r: r.at)
