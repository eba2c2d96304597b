"""The live session: the page, its #session-panel partial, the controls, live updates (SSE) and history."""

from __future__ import annotations

import math
from collections.abc import Iterator

from flask import Blueprint, Response, abort, flash, redirect, request, stream_with_context, url_for

from webapp.errors import error_response
from webapp.limits import STREAM_RETRY_AFTER_SECONDS, client_network, live_streams
from webapp.security import csrf_token
from webapp.web import current_person, get_catalogue, get_coach, render_block, render_page

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


def _timer(view, now: float) -> dict:
    """What the countdown shows at render time, and the numbers app.js needs to keep it going.

    `ends_at` is when this phase ends: for a hold, the end of the last rep (the server then
    settles it into a rest), for a rest, the end of the rest. app.js asks again at that moment.
    """
    pos, st = view.position, view.state
    t = st.paused_at if st.paused_at is not None else now
    start = st.phase_started_at if st.phase_started_at is not None else t
    hold, gap, reps = max(pos.hold_seconds, 1), max(pos.exercise.rep_gap_seconds, 0), max(pos.reps, 1)
    label, seconds, fraction = "", 0, 0.0
    if pos.phase == "holding":
        ends_at = start + reps * hold + (reps - 1) * gap
        elapsed = t - start
        if elapsed < 0:
            label, seconds = "Get ready", math.ceil(-elapsed)
        else:
            k = min(int(elapsed // (hold + gap)), reps - 1)
            within = elapsed - k * (hold + gap)
            if within < hold:
                label, seconds, fraction = "Hold", math.ceil(hold - within), within / hold
            else:
                label, seconds, fraction = "Release", math.ceil(max(hold + gap - within, 0)), 1.0
    else:  # resting
        ends_at = t + (pos.seconds_left_in_phase or 0)
        seconds = math.ceil(max(ends_at - t, 0))
        total = ends_at - start
        label, fraction = "Rest", (min(max((t - start) / total, 0.0), 1.0) if total > 0 else 1.0)
    return {
        "phase": pos.phase,
        "server_now": now,
        "started_at": start,
        "ends_at": ends_at,
        "hold": hold if pos.phase == "holding" else 0,
        "gap": gap if pos.phase == "holding" else 0,
        "reps": reps if pos.phase == "holding" else 1,
        "paused_at": st.paused_at,
        "label": "Paused" if st.paused_at is not None else label,
        "seconds": seconds,
        "ring_offset": round(100 * fraction, 1),
    }


def _step_text(view) -> str:
    pos = view.position
    if pos.paused:
        return "Paused. Tap Resume when you're ready."
    if pos.phase == "instructions":
        if pos.exercise.kind == "guidance":
            return f"{pos.exercise.summary} Read it through, then tap Next."
        return f"{pos.exercise.summary} Get into position, then tap Next to start the hold."
    if pos.phase == "holding":
        return pos.exercise.hold_cue or "Hold."
    if pos.phase == "resting":
        return (
            "Rest and breathe. Tap Next when you're ready."
            if not pos.seconds_left_in_phase
            else "Rest and breathe."
        )
    return ""


def _pace_text(pace: float) -> str:
    if abs(pace - 1.0) < 1e-9:
        return "normal holds"
    return f"holds at {round(pace * 100)}% of normal ({'slower' if pace > 1 else 'faster'})"


def _duration_text(state) -> str:
    seconds = max(0, int((state.finished_at or state.started_at) - state.started_at))
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min" + (f" {seconds % 60} s" if seconds % 60 else "")


def panel_context(view, notice: str | None = None) -> dict:
    now = _now()
    ctx = {"view": view, "notice": notice, "now": now}
    if view is not None and view.state.phase == "done":
        ctx["duration_text"] = _duration_text(view.state)
    elif view is not None:
        if view.position.phase in ("holding", "resting"):
            ctx["timer"] = _timer(view, now)
        ctx["step_text"] = _step_text(view)
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
    acknowledged = request.form.get("safety_ack") == "yes"  # sent by the safety page's start button
    outcome = get_coach().command(
        person.id, "start", routine_id=routine.id, source="phone", safety_acknowledged=acknowledged
    )
    if outcome.needs_safety_notice:
        return redirect(url_for("safety.notice", start=routine.id), 303)
    if outcome.status != "applied":
        flash(outcome.message)
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
        html = render_block("session/session.html", "session_panel", **panel_context(view))
        return sse_event("session", html, view.state.version if view else 0)

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
