"""The installable, offline-capable app: manifest, service worker, and the JSON the offline runner uses,
including the batch endpoint that replays commands queued while the phone had no network."""

from __future__ import annotations

import json
import re

import pytest

from shared_content.engine import PACE_LEVELS, plan_for

ROUTINE = "quick-release"  # a small curated routine: 3 exercises, 6 blocks


@pytest.fixture
def app(coach):
    from webapp import create_app

    return create_app(coach, secret_key="test-secret", dev=True, testing=True)


@pytest.fixture
def client(app):
    return app.test_client()


def _token(client) -> str:
    return client.get("/api/session.json").get_json()["csrf_token"]


def _person_id(client, coach) -> int:
    client.get("/api/session.json")
    with client.session_transaction() as s:
        browser = s["browser"]
    return coach.person_for_device("phone", browser).id


def _post(client, commands, token=None, **kwargs):
    token = _token(client) if token is None else token
    headers = {"X-CSRF-Token": token} if token else {}
    return client.post("/api/session/commands", json={"commands": commands}, headers=headers, **kwargs)


def _cmd(n, name, version, **extra):
    return {"id": f"cmd-{n}", "name": name, "expected_version": version, "client_ts": 0, **extra}


_starts = iter(range(1, 10**6))


def _start(client, routine=ROUTINE):
    current = client.get("/api/session.json").get_json()["session"]
    r = _post(
        client,
        [
            {
                "id": f"start-{next(_starts)}",
                "name": "start",
                "routine_id": routine,
                "expected_version": current and current["version"],
                "safety_ack": True,
            }
        ],
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["results"][0]["status"] == "applied"
    return r.get_json()["session"]["version"]


# --- manifest, worker, offline page -------------------------------------------------------------


def test_manifest_makes_the_app_installable(client):
    r = client.get("/manifest.webmanifest")
    assert r.status_code == 200
    assert r.mimetype == "application/manifest+json"
    m = json.loads(r.get_data(as_text=True))
    assert m["name"] == "Psoas Coach" and m["short_name"]
    assert m["start_url"] == "/" and m["scope"] == "/" and m["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", m["theme_color"]) and re.fullmatch(
        r"#[0-9a-f]{6}", m["background_color"]
    )
    assert "not medical advice" in m["description"]
    by_purpose = {(i["sizes"], i.get("purpose", "any")) for i in m["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= by_purpose
    for icon in m["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.mimetype == "image/png"
        data = png.get_data()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]


def _worker_list(source: str, name: str) -> list[str]:
    return json.loads(re.search(rf"const {name} = (\[.*?\]);", source).group(1))


def test_a_new_page_is_precached_without_being_listed_anywhere(coach):
    from flask import Blueprint

    from webapp import create_app

    extra = Blueprint("precache_probe", __name__)
    extra.add_url_rule("/probe-page", "index", lambda: "<h1>Probe</h1>")
    extra.add_url_rule("/probe-page/<routine_id>", "for_routine", lambda routine_id: routine_id)
    app = create_app(coach=coach, secret_key="test-secret-" + "k" * 40, testing=True)
    app.register_blueprint(extra)
    source = app.test_client().get("/sw.js").get_data(as_text=True)
    precache = _worker_list(source, "PRECACHE")
    assert "/probe-page" in precache
    assert {f"/probe-page/{r}" for r in coach.catalogue.routines} <= set(precache)
    assert {f"/library/{e}" for e in coach.catalogue.exercises} <= set(precache)
    never = _worker_list(source, "NEVER_CACHED")
    assert {"/session/events", "/api/session.json", "/sw.js"} <= set(never)
    assert not set(never) & set(precache)
    assert "cache-urls" not in source  # the page never asks the worker to fetch URLs for it


def test_pages_link_the_manifest_and_load_the_offline_script(client):
    html = client.get("/").get_data(as_text=True)
    assert 'rel="manifest"' in html and "/manifest.webmanifest" in html
    assert re.search(r'<script src="/static/offline\.js[^"]*"[^>]*defer', html)
    assert 'rel="apple-touch-icon"' in html


def test_service_worker_is_served_for_the_whole_site_and_never_stale(client, coach):
    r = client.get("/sw.js")
    assert r.status_code == 200
    assert r.mimetype in {"application/javascript", "text/javascript"}
    assert r.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in r.headers["Cache-Control"]
    source = r.get_data(as_text=True)
    build = re.search(r"const BUILD = \"([0-9a-f]{16})\";", source)
    assert build, "the cache name must carry a build id"
    precache = _worker_list(source, "PRECACHE")
    for url in (
        "/",
        "/session",
        "/library",
        "/safety",
        "/offline",
        "/static/app.css",
        "/static/app.js",
        "/static/offline.js",
        "/static/vendor/htmx.min.js",
        "/static/vendor/sse.min.js",
        "/static/icons/icon-192.png",
        "/api/catalogue.json",
        "/manifest.webmanifest",
    ):
        assert url in precache
    for routine_id in coach.catalogue.routines:
        assert f"/api/routines/{routine_id}/plan.json" in precache
    assert "/session/events" not in precache and "/sw.js" not in precache
    # Everything it precaches exists (an install with a 404 would leave the app half offline).
    for url in precache:
        assert client.get(url).status_code == 200, url
    # The build id is stable between requests when nothing changed.
    assert re.search(r"const BUILD = \"([0-9a-f]{16})\";", client.get("/sw.js").get_data(as_text=True)).group(
        1
    ) == build.group(1)


def test_offline_page_says_what_still_works(client):
    r = client.get("/offline")
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    assert "offline" in text.lower() and 'href="/session"' in text


# --- JSON for the offline runner -----------------------------------------------------------------


def test_catalogue_json_lists_every_routine_and_exercise_with_steps(client, coach):
    data = client.get("/api/catalogue.json").get_json()
    cat = coach.catalogue
    assert [r["id"] for r in data["routines"]] == list(cat.routines)
    assert [e["id"] for e in data["exercises"]] == list(cat.exercises)
    first = cat.exercise(data["exercises"][0]["id"])
    shown = data["exercises"][0]
    assert shown["name"] == first.name and shown["steps"] == list(first.steps_at())
    assert all(r["plan_url"] == f"/api/routines/{r['id']}/plan.json" for r in data["routines"])


def test_plan_json_is_the_engines_plan_at_the_persons_pace(client, coach):
    routine = coach.catalogue.routine(ROUTINE)
    data = client.get(f"/api/routines/{ROUTINE}/plan.json").get_json()
    expected = plan_for(routine, coach.catalogue, 1.0)
    assert data["pace"] == 1.0 and data["pace_levels"] == list(PACE_LEVELS)
    assert [
        (
            b["exercise_id"],
            b["side"],
            b["set_no"],
            b["hold_seconds"],
            b["rest_seconds"],
            b["first_of_exercise"],
        )
        for b in data["blocks"]
    ] == [
        (b.exercise_id, b.side, b.set_no, b.hold_seconds, b.rest_seconds, b.first_of_exercise)
        for b in expected
    ]
    assert set(data["exercises"]) == set(routine.exercise_ids)

    # A pace the person kept for next time (Coach.keep_pace) is the plan's pace.
    v = _start(client)
    assert _post(client, [_cmd(1, "slower", v)]).get_json()["results"][0]["status"] == "applied"
    assert client.get(f"/api/routines/{ROUTINE}/plan.json").get_json()["pace"] == 1.0  # this run's only
    coach.keep_pace(_person_id(client, coach), 1.25)
    slower = client.get(f"/api/routines/{ROUTINE}/plan.json").get_json()
    assert slower["pace"] == 1.25
    assert [b["hold_seconds"] for b in slower["blocks"]] == [
        b.hold_seconds for b in plan_for(routine, coach.catalogue, 1.25)
    ]


def test_plan_json_for_an_unknown_routine_is_404_json(client):
    r = client.get("/api/routines/no-such-routine/plan.json")
    assert r.status_code == 404 and "error" in r.get_json()


def test_session_json_reports_state_version_and_a_csrf_token(client):
    before = client.get("/api/session.json")
    assert before.headers["Cache-Control"] == "no-store"
    body = before.get_json()
    assert body["session"] is None and body["csrf_token"] and isinstance(body["server_time"], float)
    v = _start(client)
    s = client.get("/api/session.json").get_json()["session"]
    assert s["version"] == v and s["state"]["anchor_index"] == 0 and s["routine"]["id"] == ROUTINE
    assert s["position"]["exercise_name"]
    timeline = client.get("/api/session.json").get_json()["timeline"]
    assert timeline["version"] == v and timeline["current"] == 0 and timeline["segments"]


# --- the batch endpoint ------------------------------------------------------------------------


def test_batch_applies_commands_in_order(client, clock):
    v = _start(client)
    r = _post(client, [_cmd(1, "next", v), _cmd(2, "next", v + 1), _cmd(3, "next", v + 2)])
    assert r.status_code == 200
    body = r.get_json()
    assert [x["status"] for x in body["results"]] == ["applied"] * 3
    assert [x["version"] for x in body["results"]] == [v + 1, v + 2, v + 3]
    assert body["applied"] == 3
    # past the intro, through the left side into the switch, then out of it: the right gets ready
    assert _segment(body) == ("get_ready", "right") and body["session"]["state"]["version"] == v + 3


def test_replayed_batch_is_not_applied_twice(client):
    v = _start(client)
    batch = [_cmd(1, "next", v), _cmd(2, "pause", v + 1)]
    first = _post(client, batch).get_json()
    again = _post(client, batch).get_json()
    assert first["applied"] == 2 and again["applied"] == 0
    assert [x["status"] for x in again["results"]] == ["applied", "applied"]  # the original answers
    assert all(x.get("replayed") for x in again["results"])
    assert again["session"]["version"] == v + 2 == first["session"]["version"]


def test_replay_is_refused_by_version_even_in_another_process(app, coach):
    """A process that never saw the ids still refuses the replay: the versions are stale."""
    client = app.test_client()
    v = _start(client)
    batch = [_cmd(1, "next", v), _cmd(2, "next", v + 1)]
    assert _post(client, batch).get_json()["applied"] == 2
    app.extensions["pwa_applied_ids"]._items.clear()  # forget the ids, as a different worker would
    again = _post(client, batch).get_json()
    assert again["applied"] == 0
    assert [x["status"] for x in again["results"]] == ["duplicate", "skipped"]
    assert again["session"]["version"] == v + 2


def test_stale_version_is_a_duplicate_and_stops_the_rest(client, coach):
    v = _start(client)
    person = _person_id(client, coach)
    coach.command(person, "next", v, source="voice")  # the speaker moved on meanwhile
    r = _post(client, [_cmd(1, "next", v), _cmd(2, "next", v + 1)]).get_json()
    # The second one's version matches now, but it was made on top of the first: not applied.
    assert [x["status"] for x in r["results"]] == ["duplicate", "skipped"]
    assert r["applied"] == 0 and r["session"]["version"] == v + 1
    assert _step(r) == 1  # where the speaker's next left it


def test_illegal_command_stops_the_batch(client):
    v = _start(client)
    r = _post(client, [_cmd(1, "resume", v), _cmd(2, "next", v)]).get_json()
    assert [x["status"] for x in r["results"]] == ["illegal", "skipped"]
    assert "paused" in r["results"][0]["message"]
    assert r["session"]["version"] == v


def test_batch_without_csrf_token_changes_nothing(client):
    v = _start(client)
    for token in ("", "not-the-token"):
        r = _post(client, [_cmd(1, "next", v)], token=token)
        assert r.status_code == 400
        assert r.get_json()["code"] == "csrf"
    assert client.get("/api/session.json").get_json()["session"]["version"] == v


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2",
        '{"commands": "next"}',
        '{"commands": [{"name": "next"}]}',
        '{"commands": [{"id": "a", "name": "jump", "expected_version": 1}]}',
        '{"commands": [{"id": "a", "name": "next", "expected_version": "1"}]}',
        '{"commands": [{"id": "a", "name": "next", "expected_version": 1, "hold_elapsed": -3}]}',
        '{"commands": [{"id": "a", "name": "start", "routine_id": "nope"}]}',
    ],
)
def test_bad_batches_are_400_and_apply_nothing(client, body):
    v = _start(client)
    good_then_bad = body
    if body.startswith('{"commands": [{'):
        # A valid command first: validation happens before anything is applied.
        good_then_bad = body.replace(
            '{"commands": [', f'{{"commands": [{{"id": "ok", "name": "next", "expected_version": {v}}}, ', 1
        )
    r = client.post(
        "/api/session/commands",
        data=good_then_bad,
        content_type="application/json",
        headers={"X-CSRF-Token": _token(client)},
    )
    assert r.status_code == 400
    assert r.get_json()["error"]
    assert client.get("/api/session.json").get_json()["session"]["version"] == v


def test_same_id_twice_in_one_batch_is_refused(client):
    v = _start(client)
    r = _post(client, [_cmd(1, "next", v), _cmd(1, "next", v + 1)])
    assert r.status_code == 400


def test_finishing_offline_records_history_once(client, coach):
    """A whole routine queued offline and replayed twice: one history entry, completed."""
    v = _start(client)
    person = _person_id(client, coach)
    routine = coach.catalogue.routine(ROUTINE)
    blocks = plan_for(routine, coach.catalogue, 1.0)
    commands, n = [], 0
    # Press Next until done: instructions->hold; hold->rest (or -> next block); rest->next block.
    state = client.get("/api/session.json").get_json()["session"]["state"]
    from shared_content.engine import Command, SessionState, apply

    s = SessionState.from_dict(state, routine, coach.catalogue)
    while not s.done:
        n += 1
        commands.append(_cmd(n, "next", s.version))
        s = apply(s, Command("next", s.version), routine, coach.catalogue, s.started_at).state
    assert len(commands) > len(blocks)
    first = _post(client, commands).get_json()
    assert first["applied"] == len(commands) and first["results"][-1]["finished"] is True
    assert first["session"]["state"]["outcome"] == "completed"
    again = _post(client, commands).get_json()
    assert again["applied"] == 0
    entries = coach.history(person)
    assert [(e.routine_id, e.outcome) for e in entries] == [(ROUTINE, "completed")]
    assert v >= 1


def test_hold_elapsed_keeps_the_phones_timeline(client, coach):
    """Offline, the phone jumped with Next and the timeline then ran on by itself past the whole
    set before the next Next: the server must see the same, so that Next, pressed in the rest
    after that side, starts the other side."""
    v = _start(client)
    timeline = client.get("/api/session.json").get_json()["timeline"]
    step1 = sum(seg["duration"] for seg in timeline["segments"] if seg["step"] == 1)
    r = _post(client, [_cmd(1, "next", v, hold_elapsed=step1 + 1), _cmd(2, "next", v + 1)]).get_json()
    assert [x["status"] for x in r["results"]] == ["applied", "applied"]
    assert _segment(r) == ("get_ready", "right")

    # Without it (Next pressed a moment ago, on the left side), the second Next ends that side.
    v2 = _start(client)
    r = _post(client, [_cmd(3, "next", v2, hold_elapsed=1), _cmd(4, "next", v2 + 1)]).get_json()
    assert _segment(r) == ("switch_sides", "right")


def test_hold_elapsed_starts_the_segment_when_the_phone_did(client, clock):
    v = _start(client)
    r = _post(client, [_cmd(1, "next", v, hold_elapsed=4)]).get_json()
    s = r["session"]["state"]
    assert s["anchor_at"] == pytest.approx(clock() - 4)


def _segment(body: dict) -> tuple[str, str | None]:
    """The kind and side of the segment the server's timeline is in now (the routine's first
    exercise is one set per side)."""
    timeline = body["timeline"]
    segment = timeline["segments"][timeline["current"]]
    return segment["kind"], segment["side"]


def _step(body: dict) -> int:
    timeline = body["timeline"]
    return timeline["segments"][timeline["current"]]["step"]


def test_start_in_a_batch_needs_the_safety_notice_first(client):
    r = _post(
        client, [{"id": "s", "name": "start", "routine_id": ROUTINE, "expected_version": None}]
    ).get_json()
    assert r["results"][0]["status"] == "safety_notice" and "safety" in r["results"][0]["message"].lower()
    assert r["session"] is None


def test_an_offline_pause_and_resume_take_effect_when_the_phone_tapped_them(client, clock) -> None:
    """Paused offline 40 s ago and resumed 10 s ago: the server's timeline lost 30 s, not 40 or 0."""
    v = _start(client)
    start_anchor = client.get("/api/session.json").get_json()["session"]["state"]["anchor_at"]
    clock.advance(60)
    r = _post(
        client,
        [_cmd(1, "pause", v, hold_elapsed=40), _cmd(2, "resume", v + 1, hold_elapsed=10)],
    ).get_json()
    assert [x["status"] for x in r["results"]] == ["applied", "applied"]
    state = r["session"]["state"]
    assert state["paused_at"] is None
    assert state["anchor_at"] == pytest.approx(start_anchor + 30)

    # A pause said to be from before the run began is taken at the run's start, not earlier.
    v = r["session"]["version"]
    r = _post(client, [_cmd(3, "pause", v, hold_elapsed=10_000)]).get_json()
    assert r["session"]["state"]["paused_at"] == pytest.approx(state["anchor_at"])
