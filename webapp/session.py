"""The live session: the page, its #session-panel partial, the controls, live updates (SSE) and history."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator

from flask import Blueprint, Response, abort, flash, redirect, request, stream_with_context, url_for

from webapp.errors import error_response
from webapp.limits import STREAM_RETRY_AFTER_SECONDS, client_network, live_streams
from webapp.pain import store_before, take_start_answers
from webapp.security import csrf_token
from webapp.web import current_person, get_catalogue, get_coach, render_page

bp = Blueprint("session", __name__)

# URL word -> Coach command. "back" is what the button says; the engine calls it "previous".
COMMANDS = {
    "next": "next",
    "back": "previous",
    "previous": "previous",
    "pause": "pause",
    "resume": "resume",
    "repeat": "repeat",
    "slower": "slower",
    "faster": "faster",
    "finish": "finish",
    "pain": "pain",
    "skip": "skip",
    "start-over": "start_over",
}
DUPLICATE_NOTICE = "That was already done (maybe from your other device), so nothing changed."
HEARTBEAT_SECONDS = 15


def _now() -> float:
    return get_coach().clock()


# The words and the shape class for each segment kind: the screen tells hold, release, rest and
# get-ready apart by colour AND by word (static/session.css adds a shape per kind). app.js reads
# the same table from the panel's data island, so the online and offline views say the same.
KIND_LABELS = {
    "intro": "Get set",
    "get_ready": "Get ready",
    "hold": "Hold",
    "release": "Release",
    "rest": "Rest",
    "switch_sides": "Switch sides",
    "transition": "Next exercise",
    "wait": "Ready when you are",
    "done": "Done",
}


def _exercise_payload(ex) -> dict:
    """What the panel shows about an exercise (the player fills these when the segment changes)."""
    return {
        "name": ex.name,
        "summary": ex.summary,
        "hold_cue": ex.hold_cue or "",
        "steps": list(ex.steps),
        "kind": ex.kind,
    }


def _pace_text(pace: float) -> str:
    if abs(pace - 1.0) < 1e-9:
        return "normal holds"
    return f"holds at {round(pace * 100)}% of normal ({'slower' if pace > 1 else 'faster'})"


def _duration_text(state) -> str:
    seconds = max(0, int((state.finished_at or state.started_at) - state.started_at))
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min" + (f" {seconds % 60} s" if seconds % 60 else "")


def _clock_text(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _hold_length(timeline: dict, index: int) -> int | None:
    """The length of the hold now running or next to come: what slower / faster changed."""
    for seg in timeline["segments"][index:]:
        if seg["kind"] == "hold":
            return int(seg["duration"])
    return None


def _screen(view, timeline: dict) -> dict:
    """What the panel shows at render time, from the engine's position (the player takes over from
    the same numbers in the browser: the count during a hold, else the seconds left)."""
    pos = view.position
    kind = pos.kind
    if kind == "hold" and pos.count is not None:
        big = pos.count
    elif pos.seconds_left_in_phase is not None:
        big = math.ceil(pos.seconds_left_in_phase - 1e-9)
    else:
        big = ""
    seg = pos.segment
    length = seg.duration if seg.duration is not None else 0
    left = pos.seconds_left_in_phase
    fraction = 0.0 if not length or left is None else min(1.0, max(0.0, 1 - left / length))
    return {
        "kind": kind,
        "label": "Paused" if pos.paused else KIND_LABELS.get(kind, ""),
        "big": big,
        "fraction": round(fraction, 3),
        "progress": round(100 * pos.progress, 1),
        "time_left": _clock_text(pos.seconds_left_total),
        "hold_length": _hold_length(timeline, seg.index),
        "waiting": pos.waiting,
    }


def panel_context(view, notice: str | None = None) -> dict:
    now = _now()
    ctx: dict = {"view": view, "notice": notice, "now": now, "kind_labels": KIND_LABELS}
    if view is None:
        return ctx
    # "Same time tomorrow?": now, to the nearest quarter hour (app.js redoes it on the phone's clock).
    local = time.localtime(now)
    minutes = (local.tm_hour * 60 + local.tm_min + 7) // 15 * 15 % (24 * 60)
    ctx["tomorrow_time"] = f"{minutes // 60:02d}:{minutes % 60:02d}"
    if view.state.done:
        ctx["duration_text"] = _duration_text(view.state)
        return ctx
    ctx["timeline"] = timeline = get_coach().timeline_of(view)  # the view in hand: no second read
    ctx["island"] = {
        "timeline": timeline,
        "exercises": {ex.id: _exercise_payload(ex) for ex in view.routine.exercises(get_catalogue())},
        "labels": KIND_LABELS,
    }
    ctx["screen"] = _screen(view, timeline)
    ctx["pace_text"] = _pace_text(view.state.pace)
    return ctx


def _routine_or_404(routine_id: str):
    if not routine_id or len(routine_id) > 200:
        abort(404)
    try:
        return get_catalogue().routine(routine_id)
    except KeyError:  # unknown, or an assembled id that no longer parses or fits: "not found"
        abort(404)


@bp.get("/session")
def view():
    person = current_person()
    return render_page("session/session.html", **panel_context(get_coach().current(person.id)))


@bp.post("/session/start")
def start():
    routine_id = request.form.get("routine_id", "")
    routine = _routine_or_404(routine_id)
    person = current_person()
    instead, before = take_start_answers(person.id, request.form)  # the screen and check-in
    if instead is not None:
        return instead
    acknowledged = request.form.get("safety_ack") == "yes"  # sent by the safety page's start button
    outcome = get_coach().command(
        person.id, "start", routine_id=routine.id, source="phone", safety_acknowledged=acknowledged
    )
    if outcome.needs_safety_notice:
        return redirect(url_for("safety.notice", start=routine.id), 303)
    if outcome.status != "applied":
        flash(outcome.message)
    else:
        store_before(person.id, before)
    return redirect(url_for("session.view"), 303)


@bp.post("/session/<name>")
def command(name: str):
    if name not in COMMANDS:
        abort(404)
    raw = request.form.get("expected_version", "").strip()
    expected = None
    if raw:
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
            return error_response(
                400, "That button was out of date", "Reload the session page and try again."
            )
        expected = int(raw)
    person = current_person()
    outcome = get_coach().command(person.id, COMMANDS[name], expected, source="phone")
    notice = None
    if outcome.status == "duplicate":
        notice = DUPLICATE_NOTICE
    elif outcome.status != "applied":
        notice = outcome.message or "That can't be done right now."
    if request.headers.get("HX-Request") == "true":
        view = outcome.view if outcome.view is not None else get_coach().current(person.id)
        return render_page("session/session.html", **panel_context(view, notice))
    if notice:
        flash(notice)
    return redirect(url_for("session.view"), 303)


def sse_event(event: str, html: str, event_id: int | None = None) -> str:
    data = "\n".join(f"data: {line}" for line in html.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    # The id is the session version: clients (and the sync benchmark) can tell which change arrived.
    id_line = f"id: {event_id}\n" if event_id is not None else ""
    return f"event: {event}\n{id_line}{data}\n\n"


@bp.get("/session/events")
def events():
    coach = get_coach()
    person_id = current_person().id
    csrf_token()  # make sure the cookie holds the token before the headers go out
    streams, network = live_streams(), client_network()
    if not streams.claim(person_id, network):  # capped per person, per network and per process
        return error_response(429, headers={"Retry-After": str(STREAM_RETRY_AFTER_SECONDS)})

    def session_key(view):
        # A new run restarts versions, so the run's start time is part of what "changed" means.
        return (view.state.started_at, view.state.version) if view else None

    def render(view) -> str:
        # JSON, not HTML: the page's player takes the new timeline in place (no swap, so focus
        # and scroll stay), and asks for the panel only when its shape changes (start, end).
        timeline = coach.timeline_of(view) if view is not None and not view.state.done else None
        version = view.state.version if view else 0
        payload = {
            "version": version,
            "started_at": view.state.started_at if view else None,
            "done": bool(view and view.state.done),
            "outcome": view.state.outcome if view else None,
            "timeline": timeline,
        }
        return sse_event("session", json.dumps(payload, separators=(",", ":")), version)

    def stream() -> Iterator[str]:
        sub = coach.subscribe(person_id)  # subscribe first, so no change slips between read and wait
        try:
            yield "retry: 3000\n\n"
            view = coach.current(person_id)
            sent = session_key(view)
            yield render(view)
            while True:
                notified = sub.wait(HEARTBEAT_SECONDS) is not None
                view = coach.current(person_id)
                if view is None and coach.person(person_id) is None:
                    # Merged into another person or deleted: end, and the browser reconnects as
                    # whoever its cookie now names (ids are never reused, so no stranger's data).
                    yield sse_event("ended", "")
                    return
                # When quiet, still compare with the stored state: a notification lost (say,
                # while the PostgreSQL listener reconnected) is repaired within one heartbeat.
                if notified or session_key(view) != sent:
                    sent = session_key(view)
                    yield render(view)
                else:
                    yield ": heartbeat\n\n"
        finally:
            sub.close()

    response = Response(stream_with_context(stream()), mimetype="text/event-stream")
    response.call_on_close(lambda: streams.release(person_id, network))  # runs even if never started
    response.headers["Cache-Control"] = "no-cache, no-transform"
    response.headers["X-Accel-Buffering"] = "no"
    return response


@bp.get("/history")
def history():
    person = current_person()
    rows = [
        {"entry": entry, "minutes": max(0, round((entry.finished_at - entry.started_at) / 60))}
        for entry in get_coach().history(person.id)
    ]
    return render_page("session/history.html", rows=rows)
