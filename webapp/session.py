"""The live session: the page, its #session-panel partial, the controls, live updates (SSE) and history."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from operator import attrgetter

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    url_for,
)
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from shared_content.service import STORED_STATE_FIELDS
from webapp.errors import error_response
from webapp.limits import STREAM_RETRY_AFTER_SECONDS, client_network, live_streams
from webapp.page_cache import BoundedCache
from webapp.pain import store_before, take_start_answers
from webapp.security import csrf_token
from webapp.web import (
    app_cache,
    current_person,
    current_person_and_session,
    get_catalogue,
    get_coach,
    render_page,
    render_page_holed,
)

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


def _exercise_payload(ex, view) -> dict:
    """What the panel shows about an exercise (the player fills these when the segment changes);
    its steps say the hold at the run's pace."""
    return {
        "name": ex.name,
        "summary": ex.summary,
        "hold_cue": ex.hold_cue or "",
        "steps": list(view.steps(ex)),
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


_STATE_FIELDS = STORED_STATE_FIELDS  # with the routine, all the player's data depends on but the clock
_state_values = attrgetter(*_STATE_FIELDS)  # a tuple of them, in one C call


@dataclass(frozen=True)
class _PlayerData:
    """The time-free part of a running session's panel data, for one stored state."""

    island_tail: str  # HTML-safe JSON of the data island after the timeline's clock fields
    hold_after: tuple[int | None, ...]  # per segment: the length of the hold running or next


def _state_key(view) -> tuple:
    st, routine = view.state, view.routine
    return (routine.id, routine.name, tuple(routine.exercise_ids), *_state_values(st))


def _player_data(view, state_key: tuple) -> _PlayerData:
    cache: BoundedCache[_PlayerData] = app_cache("psoas_player_data", 512)  # per app: its catalogue
    found = cache.get(state_key)
    if found is not None:
        return found
    timeline = get_coach().timeline_of(view)  # the view in hand: no second read
    # server_now and current are the only fields that change with the clock (engine/playback.py);
    # they are put in front of the rest on each request (the player reads the JSON by name).
    rest = {k: v for k, v in timeline.items() if k not in ("server_now", "current")}
    dumps = current_app.json.dumps
    # the run's own doses (an assembled routine may add sets): the routine's exercises, not the catalogue's
    exercises = {ex.id: _exercise_payload(ex, view) for ex in view.routine.exercises(get_catalogue())}

    def safe_json(obj: object) -> str:
        # Compact (about a fifth fewer bytes); a plain str, joined below without escaping.
        return str(htmlsafe_json_dumps(obj, dumps=dumps, separators=(",", ":")))

    tail = (
        safe_json(rest)[1:] + f',"exercises":{safe_json(exercises)}' + f',"labels":{safe_json(KIND_LABELS)}}}'
    )
    holds: list[int | None] = []
    next_hold: int | None = None
    for seg in reversed(timeline["segments"]):
        if seg["kind"] == "hold":
            next_hold = int(seg["duration"])
        holds.append(next_hold)
    found = _PlayerData(tail, tuple(reversed(holds)))
    cache.put(state_key, found)
    return found


def _island_json(player: _PlayerData, now: float, current: int) -> Markup:
    """The panel's data island: {"timeline": <Coach.timeline_of>, "exercises": ..., "labels": ...}."""
    # float.__repr__ is what json.dumps writes for a finite float (a clock reading is one).
    head = f'{{"timeline":{{"server_now":{float.__repr__(float(now))},"current":{int(current)},'
    # The text of a hidden element, not a <script>: htmx (allowScriptTags false) drops every
    # <script> from what it swaps in. htmlsafe_json_dumps leaves no <, > or & in the JSON, so it
    # is safe element text as it is (escaping it again on every render would only add bytes).
    return Markup(head + player.island_tail)


def _screen(view, hold_after: tuple[int | None, ...]) -> dict:
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
        "hold_length": hold_after[seg.index] if seg.index < len(hold_after) else None,
        "waiting": pos.waiting,
    }


def panel_context(view, notice: str | None = None) -> dict:
    """The session template's context. What a running session's panel shows changes with the
    clock only through `screen`'s numbers and `island_json` (see `_render_session`)."""
    now = _now()
    ctx: dict = {"view": view, "notice": notice}
    if view is None:
        return ctx
    # "Same time tomorrow?": now, to the nearest quarter hour (app.js redoes it on the phone's clock).
    local = time.localtime(now)
    minutes = (local.tm_hour * 60 + local.tm_min + 7) // 15 * 15 % (24 * 60)
    ctx["tomorrow_time"] = f"{minutes // 60:02d}:{minutes % 60:02d}"
    if view.state.done:
        ctx["duration_text"] = _duration_text(view.state)
        return ctx
    ctx["state_key"] = state_key = _state_key(view)
    player = _player_data(view, state_key)
    # The position's segment is the timeline's `current` at the same moment.
    ctx["island_json"] = _island_json(player, now, view.position.segment.index)
    ctx["screen"] = _screen(view, player.hold_after)
    ctx["pace_text"] = _pace_text(view.state.pace)
    return ctx


# The screen's numbers that change from one second to the next: holes in the cached page.
_SCREEN_HOLES = ("fraction", "progress", "time_left")


def _render_session(view, notice: str | None = None):
    """The session page or partial, from the per-process cache of pages with holes when it can.

    The key names what the page shows besides the holes: the stored state, where in the
    timeline it is (the segment and what the position says about it), the notice and the
    reminder's quarter hour. The holes: the CSRF token, the seconds-by-seconds numbers and the
    player's data (which carries the server's clock). A finished session is rendered each time
    (its check-in depends on the person's answers).
    """
    ctx = panel_context(view, notice)
    values: dict[str, str] = {"csrf": csrf_token()}
    if view is None:
        key: tuple = ("none", notice)
    elif view.state.done:
        return render_page("session/session.html", **ctx)
    else:
        pos, screen = view.position, ctx["screen"]
        nxt = pos.next_exercise
        key = (
            "running",
            ctx["state_key"],
            pos.segment.index,
            pos.segment.duration,
            pos.kind,
            pos.paused,
            pos.waiting,
            pos.exercise.id,
            pos.exercise_index,
            pos.exercise_count,
            pos.set_no,
            pos.sets,
            pos.side,
            nxt.id if nxt is not None else None,
            screen["label"],
            screen["hold_length"],
            screen["big"] == "",
            ctx["pace_text"],
            ctx["tomorrow_time"],
            notice,
        )
        values["island"] = ctx["island_json"]
        values.update((name, str(screen[name])) for name in _SCREEN_HOLES)
        if screen["big"] != "":
            values["big"] = str(screen["big"])

    def context_for(v) -> dict:
        filled = {**ctx, "csrf_token": lambda: v["csrf"]}
        if "island" in v:
            filled["island_json"] = v["island"]
            filled["screen"] = {**ctx["screen"], **{n: v[n] for n in _SCREEN_HOLES}, "big": v.get("big", "")}
        return filled

    return render_page_holed("session/session.html", key, values, context_for)


def _routine_or_404(routine_id: str):
    if not routine_id or len(routine_id) > 200:
        abort(404)
    try:
        return get_catalogue().routine(routine_id)
    except KeyError:  # unknown, or an assembled id that no longer parses or fits: "not found"
        abort(404)


@bp.get("/session")
def view():
    _, session_view = current_person_and_session()
    return _render_session(session_view)


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
        return _render_session(view, notice)
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
                # When quiet, compare the stored version with the one sent (one indexed column):
                # a notification lost (say, while the PostgreSQL listener reconnected) is repaired
                # within one heartbeat, and thousands of idle phones cost no session reads.
                if not notified and sent is not None and coach.session_version(person_id) == sent[1]:
                    yield ": heartbeat\n\n"
                    continue
                view = coach.current(person_id)
                if view is None and coach.person(person_id) is None:
                    # Merged into another person or deleted: end, and the browser reconnects as
                    # whoever its cookie now names (ids are never reused, so no stranger's data).
                    yield sse_event("ended", "")
                    return
                if notified or session_key(view) != sent:
                    sent = session_key(view)
                    yield render(view)
                else:
                    yield ": heartbeat\n\n"
        finally:
            sub.close()

    # No request context kept for the stream's life (no stream_with_context): the generator needs
    # only the coach and the person's id (about 5 KB less a phone; bench/README.md, sync_latency).
    response = Response(stream(), mimetype="text/event-stream")
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
