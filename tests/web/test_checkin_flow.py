"""The phone's check-in loop as a person meets it: the red-flag screen on the first start form, the
optional "how is your back right now?" on every start form, "how is your back now?" on the done
panel, and "how does it feel today?" on the routines page after a pain stop or a run that hurt more."""

from __future__ import annotations

import html

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared_content.pain import load_pain_guide
from tests.web.conftest import text_of

GUIDE = load_pain_guide()
ROUTINE = "morning-stretch"


def page_text(response) -> str:
    return text_of(html.unescape(response.get_data(as_text=True)))


def start_with(phone, **fields):
    data = {"routine_id": ROUTINE, "safety_ack": "yes", **fields}
    return phone.post("/session/start", data)


def run_to_the_end(phone, clock) -> None:
    """The timeline runs out by itself: the run is recorded as completed."""
    tl = phone.coach.timeline(phone.person.id)
    clock.advance(sum(seg["duration"] or 0 for seg in tl["segments"]) + 5)
    assert phone.coach.history(phone.person.id)[0].outcome == "completed"


def test_the_first_start_form_carries_the_screen_and_none_ticked_starts(phone) -> None:
    page = phone.get(f"/safety?start={ROUTINE}").get_data(as_text=True)
    assert 'id="start-screen"' in page and 'name="screen" value="yes"' in page
    for flag in GUIDE.red_flag:
        assert f'name="flag" value="{flag.id}"' in page
    assert start_with(phone, screen="yes").status_code == 303
    answered, flags = phone.coach.red_flag_screen(phone.person.id)
    assert answered is not None and flags == ()
    assert phone.coach.current(phone.person.id).state.phase != "done"
    # Answered once: the next start form no longer asks, and the safety page offers to answer again.
    assert 'id="start-screen"' not in phone.get(f"/routines/{ROUTINE}").get_data(as_text=True)
    assert "questions again" in phone.get("/safety").get_data(as_text=True)


def test_a_ticked_warning_sign_gives_the_see_a_clinician_advice_and_does_not_start(phone) -> None:
    r = start_with(phone, screen="yes", flag=["fever"])
    assert r.status_code == 200
    assert GUIDE.red_flags.advice.format(flag=GUIDE.flag("fever").name) in page_text(r)
    assert phone.coach.current(phone.person.id) is None  # no session
    assert phone.coach.red_flag_screen(phone.person.id)[1] == ("fever",)


@pytest.mark.parametrize(
    "fields",
    [
        {"screen": "yes", "flag": ["made-up"]},
        {"pain_before": "11"},
        {"pain_before": "²"},
        {"pain_before": "-1"},
        {"screen": "yes", "pain_before": "four"},
    ],
)
def test_a_bad_answer_on_the_start_form_is_a_400_and_stores_nothing(phone, fields) -> None:
    phone.get("/")
    r = start_with(phone, **fields)
    assert r.status_code == 400 and r.get_data(as_text=True).strip()
    assert phone.coach.current(phone.person.id) is None
    assert phone.coach.red_flag_screen(phone.person.id) == (None, ())
    assert phone.coach.settings(phone.person.id).pending_before is None


def test_before_on_the_start_form_and_after_on_the_done_panel_reach_history(phone, clock) -> None:
    # A first start goes through the safety page, which asks; the routine page leaves it to it.
    assert 'id="start-checkin"' not in phone.get(f"/routines/{ROUTINE}").get_data(as_text=True)
    page = phone.get(f"/safety?start={ROUTINE}").get_data(as_text=True)
    assert 'id="start-checkin"' in page and page.count('name="pain_before"') == GUIDE.scale_max + 1
    assert start_with(phone, screen="yes", pain_before="6").status_code == 303
    run_to_the_end(phone, clock)
    phone.get("/session")
    # Once the notice is heard, the routine page's own Start form asks.
    assert 'id="start-checkin"' in phone.get(f"/routines/{ROUTINE}").get_data(as_text=True)
    assert start_with(phone, pain_before="6").status_code == 303
    run_to_the_end(phone, clock)
    done = phone.get("/session").get_data(as_text=True)
    assert 'id="after-checkin"' in done and "How is your back now?" in done
    assert phone.post("/checkin", {"when": "after", "score": "3"}).status_code == 303
    entry = phone.coach.history(phone.person.id)[0]
    assert (entry.pain_before, entry.pain_after) == (6, 3)
    assert 'id="after-checkin"' not in phone.get("/session").get_data(as_text=True)  # asked once


def test_no_after_question_without_a_before_score_or_with_check_ins_off(phone, clock) -> None:
    assert start_with(phone, screen="yes").status_code == 303  # the check-in left unanswered
    run_to_the_end(phone, clock)
    assert 'id="after-checkin"' not in phone.get("/session").get_data(as_text=True)
    phone.post("/checkins/setting", {"on": "no"})
    page = phone.get(f"/routines/{ROUTINE}").get_data(as_text=True)
    assert 'id="start-checkin"' not in page
    start_with(phone, pain_before="4")  # a stale form: nothing is stored while check-ins are off
    assert phone.coach.settings(phone.person.id).pending_before is None


def test_after_a_pain_stop_the_routines_page_asks_and_worse_suggests_a_gentler_routine(phone) -> None:
    assert start_with(phone, screen="yes").status_code == 303
    version = phone.version()
    phone.post("/session/pain", {"expected_version": version})
    phone.post("/pain", {"score": "4"})
    page = phone.get("/").get_data(as_text=True)
    assert 'id="followup"' in page and "Last time it hurt." in page
    r = phone.post("/followup", {"score": "7"})
    gentle = phone.coach.gentler_routine()
    assert r.status_code == 200 and html.escape(gentle.name) in r.get_data(as_text=True)
    assert f"/routines/{gentle.id}" in r.get_data(as_text=True)
    assert 'id="followup"' not in phone.get("/").get_data(as_text=True)  # asked once


def test_a_followup_no_worse_goes_back_to_the_routines(phone) -> None:
    start_with(phone, screen="yes")
    phone.post("/session/pain", {"expected_version": phone.version()})
    phone.post("/pain", {"score": "5"})
    r = phone.post("/followup", {"score": "2"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/")
    assert phone.post("/followup", {"score": "zero"}).status_code == 400


def test_the_new_forms_need_the_csrf_token(phone) -> None:
    phone.get("/")
    assert phone.post("/followup", {"score": "2"}, with_token=False).status_code in (400, 403)
    r = phone.post("/session/start", {"routine_id": ROUTINE, "screen": "yes"}, with_token=False)
    assert r.status_code in (400, 403)
    assert phone.coach.red_flag_screen(phone.person.id) == (None, ())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(st.text(max_size=6), st.integers(-5, 20).map(str)))
def test_any_pain_before_value_is_kept_for_that_run_or_refused(phone, clock, raw) -> None:
    clock.advance(7)  # each example's run starts at its own moment (a run is keyed by its start)
    phone.get("/")
    runs = len(phone.coach.history(phone.person.id))
    running = phone.coach.current(phone.person.id)
    pending = phone.coach.settings(phone.person.id).pending_before  # the running run's score
    r = start_with(phone, pain_before=raw)
    stripped = raw.strip()
    if stripped in ("", "skip") or (stripped.isascii() and stripped.isdigit() and int(stripped) <= 10):
        assert r.status_code == 303
        expected = None if stripped in ("", "skip") else int(stripped)
        assert phone.coach.settings(phone.person.id).pending_before == expected
        if running is not None and not running.state.done:  # the run it replaced keeps its own score
            assert phone.coach.history(phone.person.id)[0].pain_before == pending
    else:
        assert r.status_code == 400
        assert phone.coach.current(phone.person.id) == running
        assert len(phone.coach.history(phone.person.id)) == runs


def test_after_a_mild_score_carry_on_picks_the_routine_up_on_the_phone(phone, clock) -> None:
    start_with(phone, screen="yes")
    clock.advance(40)
    phone.post("/session/pain", {"expected_version": phone.version()})
    advice = phone.post("/pain", {"score": "2"}).get_data(as_text=True)
    assert 'name="how" value="continue"' in advice and 'name="how" value="ease_off"' in advice
    assert "Rest for today" in advice
    r = phone.post("/pain/carry-on", {"how": "continue"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/session")
    view = phone.coach.current(phone.person.id)
    assert not view.state.done and view.position.kind in ("get_ready", "intro")


def test_too_much_pain_offers_no_carry_on_and_a_forged_one_is_refused(phone, clock) -> None:
    start_with(phone, screen="yes")
    clock.advance(40)
    phone.post("/session/pain", {"expected_version": phone.version()})
    advice = phone.post("/pain", {"score": "8"}).get_data(as_text=True)
    assert 'name="how"' not in advice
    stopped = phone.coach.current(phone.person.id).state
    r = phone.post("/pain/carry-on", {"how": "continue"})
    assert r.status_code == 409 and "rest today" in page_text(r).lower()
    assert phone.post("/pain/carry-on", {"how": "sprint"}).status_code == 400
    assert phone.post("/pain/carry-on", {"how": "continue"}, with_token=False).status_code in (400, 403)
    assert phone.coach.current(phone.person.id).state == stopped


def test_someone_who_heard_the_notice_but_never_answered_the_screen_is_asked_on_the_routine_page(
    phone,
) -> None:
    phone.get("/")
    phone.coach.acknowledge_safety(phone.person.id)  # heard it by voice, say, before the screen existed
    page = phone.get(f"/routines/{ROUTINE}").get_data(as_text=True)
    assert 'id="start-screen"' in page
    r = start_with(phone, screen="yes", flag=["bladder-bowel"])
    assert GUIDE.red_flags.advice.format(flag=GUIDE.flag("bladder-bowel").name) in page_text(r)
    assert phone.coach.current(phone.person.id) is None
