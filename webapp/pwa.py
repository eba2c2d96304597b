"""The progressive web app: service worker, manifest, offline page, and the JSON the offline runner needs.

    GET  /sw.js                       the service worker (scope "/"), with its build id and precache list
    GET  /manifest.webmanifest        the web app manifest (application/manifest+json)
    GET  /offline                     shown for a page that was never saved while offline
    GET  /api/catalogue.json          routines and exercises (names, steps): enough to show them offline
    GET  /api/routines/<id>/plan.json the engine's blocks for a routine, with what the phone needs to
                                      walk them without the server (base holds, pace levels, intros)
    GET  /api/session.json            the current session (state, version, position), the server's
                                      clock and this phone's CSRF token
    POST /api/session/commands        a batch of commands queued offline, applied in order

The batch endpoint goes through `Coach.command` with the engine's version rules, so a command whose
expected_version is stale is a "duplicate" and changes nothing: a replayed batch is never applied
twice. Once one command of a batch is not applied, the later ones (which were made on top of it)
are not applied either. Each command has an id; ids applied by this process are remembered so a
replay is answered with the original result.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, send_file, url_for

from shared_content.engine import COMMAND_NAMES, PACE_LEVELS, plan_for
from shared_content.engine.plan import intro_seconds
from shared_content.vocabulary import MAX_HOLD_SECONDS, MIN_PACED_HOLD_SECONDS
from webapp.figures import precache_urls as figure_urls
from webapp.security import CSRFError, csrf_token
from webapp.web import current_person, get_catalogue, get_coach

bp = Blueprint("pwa", __name__)

STATIC = Path(__file__).resolve().parent / "static"
# The service worker stores every GET route of the app when it installs (routes taking a routine or
# exercise id once per catalogue entry), so a new page works offline without being listed anywhere.
# Never stored at all (the worker passes them straight to the network): live streams and state, itself.
# Nor are a person's data downloads and the data page (kept off the device's caches on purpose).
NEVER_CACHED_ENDPOINTS = (
    "session.events",
    "pwa.session_json",
    "pwa.service_worker",
    "progress.export_csv",
    "progress.export_json",
    "privacy.data",
    "privacy.export_json",
    "privacy.deleted",
)
# Not stored at install: a form's answer (it needs the form's fields) and the static route (below).
# Figures are stored under their versioned URLs (`?v=`, as the pages link them), not bare.
# A download that needs a ?time= and a key that exists only with VAPID configured are no pages to keep.
NOT_PRECACHED_ENDPOINTS = (
    *NEVER_CACHED_ENDPOINTS,
    "routines.assemble",
    "static",
    "figures.still",
    "figures.poses",
    "progress.reminder_ics",
    "push.key",
    "api_docs.openapi",  # for tools, not for the phone
)

BATCH_LIMIT = 200
MAX_HOLD_ELAPSED = 6 * 3600.0
ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
BATCH_COMMANDS = set(COMMAND_NAMES) | {"start"}


# --- helpers ----------------------------------------------------------------------------------


def _now() -> float:
    """The Coach's clock (tests drive it by hand)."""
    return get_coach().clock()


def _json_error(status: int, message: str, **extra):
    response = jsonify({"error": message, **extra})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(CSRFError)
def _csrf_error(_exc):
    return _json_error(400, "Missing or wrong CSRF token. Reload the page and try again.", code="csrf")


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _static_files() -> list[Path]:
    folder = Path(current_app.static_folder or STATIC)
    skip = {"sw.js", "manifest.webmanifest"}
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.name not in skip
        and not p.name.startswith(".")
        and p.suffix not in {".txt", ".md", ".map"}
    )


def _route_urls() -> list[str]:
    """Every GET route's URL, from the app's url_map; a route with a `routine_id` or `exercise_id`
    argument once per catalogue entry. A route with any other argument is not a page to keep."""
    cat = get_catalogue()
    ids: dict[str, list[str]] = {"routine_id": list(cat.routines), "exercise_id": list(cat.exercises)}
    urls: list[str] = []
    for rule in current_app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_PRECACHED_ENDPOINTS:
            continue
        if not rule.arguments:
            urls.append(url_for(rule.endpoint))
        elif len(rule.arguments) == 1 and (arg := next(iter(rule.arguments))) in ids:
            urls += [url_for(rule.endpoint, **dict[str, Any]({arg: value})) for value in ids[arg]]
    return urls


def precache_urls() -> list[str]:
    """Every URL the service worker stores when it installs: the app's pages and API reads, and the
    static files."""
    folder = Path(current_app.static_folder or STATIC)
    urls = _route_urls() + [
        url_for("static", filename=p.relative_to(folder).as_posix()) for p in _static_files()
    ]
    urls += figure_urls()
    return list(dict.fromkeys(urls))  # each once, in order


def never_cached_paths() -> list[str]:
    return [url_for(endpoint) for endpoint in NEVER_CACHED_ENDPOINTS]


def build_id(urls: list[str]) -> str:
    """Changes whenever a static file, the worker, the catalogue or the shell list changes."""
    digest = hashlib.sha256()
    for path in [STATIC / "sw.js", *_static_files()]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps(_catalogue_payload(), sort_keys=True).encode())
    digest.update("\n".join(urls).encode())
    return digest.hexdigest()[:16]


def _exercise_payload(ex) -> dict:
    return {
        "id": ex.id,
        "name": ex.name,
        "category": ex.category,
        "kind": ex.kind,
        "position": ex.position,
        "summary": ex.summary,
        "steps": list(ex.steps_at()),
        "hold_cue": ex.hold_cue,
        "hold_seconds": ex.hold_seconds,
        "repetitions": ex.repetitions,
        "sets": ex.sets,
        "per_side": ex.per_side,
        "cautions": list(ex.cautions),
        "duration_seconds": int(ex.duration_seconds),
        "intro_seconds": intro_seconds(ex),
    }


def _catalogue_payload() -> dict:
    cat = get_catalogue()
    return {
        "exercises": [_exercise_payload(ex) for ex in cat.exercises.values()],
        "routines": [
            {
                "id": r.id,
                "name": r.name,
                "focus": r.focus,
                "description": r.description,
                "exercise_ids": list(r.exercise_ids),
                "duration_seconds": int(r.duration_seconds),
                "plan_url": url_for("pwa.plan_json", routine_id=r.id),
            }
            for r in cat.routines.values()
        ],
        "safety": {"short": cat.safety.short},
    }


def _plan_payload(routine, pace: float) -> dict:
    cat = get_catalogue()
    blocks = plan_for(routine, cat, pace)
    exercises = {ex.id: _exercise_payload(ex) for ex in routine.exercises(cat)}  # with its doses
    return {
        "routine": {
            "id": routine.id,
            "name": routine.name,
            "exercise_ids": list(routine.exercise_ids),
            "duration_seconds": int(routine.duration_seconds),
        },
        "pace": pace,
        "pace_levels": list(PACE_LEVELS),
        "min_hold_seconds": MIN_PACED_HOLD_SECONDS,
        "max_hold_seconds": MAX_HOLD_SECONDS,
        "blocks": [
            {
                "exercise_id": b.exercise_id,
                "exercise_index": b.exercise_index,
                "side": b.side,
                "set_no": b.set_no,
                "sets": b.sets,
                "reps": b.reps,
                "hold_seconds": b.hold_seconds,
                "base_hold_seconds": cat.exercise(b.exercise_id).hold_seconds,
                "rep_gap_seconds": b.rep_gap_seconds,
                "rest_seconds": b.rest_seconds,
                "is_guidance": b.is_guidance,
                "first_of_exercise": b.first_of_exercise,
            }
            for b in blocks
        ],
        "exercises": exercises,
    }


def _session_payload(person_id: int) -> dict[str, Any]:
    coach = get_coach()
    view = coach.current(person_id)
    now = _now()
    # None only if a pairing merged this person into another a moment ago: answer as for a new one.
    person = coach.person(person_id)
    payload: dict[str, Any] = {
        "server_time": now,
        "csrf_token": csrf_token(),
        "session": None,
        "person": {
            "pace": person.pace if person else 1.0,
            "safety_heard": person.safety_heard if person else False,
        },
    }
    if view is None:
        return payload
    # The timeline the page's player plays (offline.js keeps it for a page opened offline).
    payload["timeline"] = None if view.state.done else coach.timeline(person_id)
    pos = view.position
    payload["session"] = {
        "version": view.state.version,
        "state": view.state.to_dict(),
        "routine": {
            "id": view.routine.id,
            "name": view.routine.name,
            "plan_url": url_for("pwa.plan_json", routine_id=view.routine.id),
        },
        "position": {
            "exercise_id": pos.exercise.id,
            "exercise_name": pos.exercise.name,
            "exercise_index": pos.exercise_index,
            "exercise_count": pos.exercise_count,
            "side": pos.side,
            "set_no": pos.set_no,
            "sets": pos.sets,
            "rep": pos.rep,
            "reps": pos.reps,
            "phase": pos.phase,
            "seconds_left_in_phase": pos.seconds_left_in_phase,
            "phase_ends_at": pos.phase_ends_at,
            "hold_seconds": pos.hold_seconds,
            "in_rep_hold": pos.in_rep_hold,
            "paused": pos.paused,
            "seconds_left_total": pos.seconds_left_total,
            "progress": pos.progress,
        },
    }
    return payload


# --- the worker, the manifest, the offline page ----------------------------------------------


@bp.get("/sw.js")
def service_worker():
    urls = precache_urls()
    source = (STATIC / "sw.js").read_text(encoding="utf-8")
    source = source.replace("'__BUILD__'", json.dumps(build_id(urls)), 1)
    source = source.replace("/*__PRECACHE__*/ []", json.dumps(urls), 1)
    source = source.replace("/*__NEVER_CACHED__*/ []", json.dumps(never_cached_paths()), 1)
    response = Response(source, mimetype="application/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    response = send_file(
        STATIC / "manifest.webmanifest", mimetype="application/manifest+json", max_age=0, conditional=True
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    return render_template("pwa/offline.html")


# --- JSON for the offline runner --------------------------------------------------------------


@bp.get("/api/catalogue.json")
def catalogue_json():
    response = jsonify(_catalogue_payload())
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/api/routines/<routine_id>/plan.json")
def plan_json(routine_id: str):
    cat = get_catalogue()
    try:
        routine = cat.routine(routine_id)
    except (KeyError, ValueError):
        return _json_error(404, f"No routine called {routine_id!r}.")
    pace = request.args.get("pace", type=float)
    if pace is None:
        pace = current_person().pace
    if pace not in PACE_LEVELS:
        return _json_error(400, f"pace must be one of {list(PACE_LEVELS)}.")
    response = jsonify(_plan_payload(routine, pace))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/api/session.json")
def session_json():
    return _no_store(jsonify(_session_payload(current_person().id)))


# --- the batch of queued commands -------------------------------------------------------------


class _AppliedIds:
    """Results of recently applied command ids, per process (a replay gets the same answer).

    Correctness never depends on this: the version rules already refuse a replayed command.
    """

    def __init__(self, limit: int = 5000):
        self._items: OrderedDict[tuple, dict] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit

    def get(self, key):
        with self._lock:
            return self._items.get(key)

    def put(self, key, value):
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._limit:
                self._items.popitem(last=False)


def _applied_ids() -> _AppliedIds:
    """One record per app (so per Coach and database), made on first use."""
    return current_app.extensions.setdefault("pwa_applied_ids", _AppliedIds())


class BadBatch(ValueError):
    """A queued batch that cannot be applied; the message tells the phone why (a 400)."""


def _validate(body: object) -> list[dict[str, Any]]:
    """The batch's commands, checked and normalised; BadBatch says what is wrong with the first bad one."""
    commands = body.get("commands") if isinstance(body, dict) else body
    if not isinstance(commands, list):
        raise BadBatch("Send a JSON object with a list called 'commands'.")
    if len(commands) > BATCH_LIMIT:
        raise BadBatch(f"At most {BATCH_LIMIT} commands in one batch.")
    seen: set[str] = set()
    clean: list[dict] = []
    for i, item in enumerate(commands):
        where = f"commands[{i}]"
        if not isinstance(item, dict):
            raise BadBatch(f"{where} must be an object.")
        cid, name, version = item.get("id"), item.get("name"), item.get("expected_version")
        if not isinstance(cid, str) or not ID_PATTERN.match(cid):
            raise BadBatch(f"{where}.id must be 1-100 letters, digits or -_.:")
        if cid in seen:
            raise BadBatch(f"{where}.id {cid!r} appears twice.")
        seen.add(cid)
        if name not in BATCH_COMMANDS:
            raise BadBatch(f"{where}.name must be one of {sorted(BATCH_COMMANDS)}.")
        if name != "start" and (isinstance(version, bool) or not isinstance(version, int) or version < 0):
            raise BadBatch(f"{where}.expected_version must be a whole number.")
        if (
            name == "start"
            and version is not None
            and (isinstance(version, bool) or not isinstance(version, int))
        ):
            raise BadBatch(f"{where}.expected_version must be a whole number or null.")
        elapsed = item.get("hold_elapsed")
        if elapsed is not None and (
            isinstance(elapsed, bool)
            or not isinstance(elapsed, (int, float))
            or not math.isfinite(elapsed)
            or elapsed < 0
        ):
            raise BadBatch(f"{where}.hold_elapsed must be a number of seconds (0 or more).")
        client_ts = item.get("client_ts")
        if client_ts is not None and (isinstance(client_ts, bool) or not isinstance(client_ts, (int, float))):
            raise BadBatch(f"{where}.client_ts must be a number.")
        routine_id = item.get("routine_id")
        if name == "start":
            if not isinstance(routine_id, str) or not routine_id:
                raise BadBatch(f"{where}: 'start' needs a routine_id.")
            try:
                get_catalogue().routine(routine_id)
            except KeyError:
                raise BadBatch(f"{where}: no routine called {routine_id!r}.") from None
        ack = item.get("safety_ack", False)
        if not isinstance(ack, bool):
            raise BadBatch(f"{where}.safety_ack must be true or false.")
        clean.append(
            {
                "id": cid,
                "name": name,
                "expected_version": version,
                "safety_ack": ack,
                "hold_elapsed": None if elapsed is None else min(float(elapsed), MAX_HOLD_ELAPSED),
                "routine_id": routine_id if name == "start" else None,
            }
        )
    return clean


SKIPPED_AFTER_REFUSAL = (
    "An earlier command in this batch was not applied, so this one, which followed it, "
    "was not applied either."
)


def _apply_queued(coach, person, item: dict) -> dict:
    """Apply one queued command through the Coach, under the same rules as a live tap."""
    result = {"id": item["id"], "name": item["name"], "version": None, "finished": False}
    at = None if item["hold_elapsed"] is None else _now() - item["hold_elapsed"]
    outcome = coach.command(
        person.id,
        item["name"],
        item["expected_version"],
        at=at,
        source="phone",
        routine_id=item["routine_id"],
        safety_acknowledged=item["safety_ack"],
    )
    return {
        **result,
        "status": outcome.status,
        "message": outcome.message,
        "finished": bool(outcome.finished),
        "version": outcome.view.state.version if outcome.view is not None else None,
    }


@bp.post("/api/session/commands")
def session_commands():
    body = request.get_json(silent=True)
    if body is None:
        return _json_error(400, "The body must be JSON.")
    try:
        commands = _validate(body)
    except BadBatch as bad:
        return _json_error(400, str(bad))
    coach, person, applied_ids = get_coach(), current_person(), _applied_ids()
    results: list[dict] = []
    for item in commands:
        key = (person.id, item["id"])
        if (remembered := applied_ids.get(key)) is not None:  # a replayed batch gets its first answer
            results.append({**remembered, "id": item["id"], "replayed": True})
        elif any(r["status"] != "applied" and not r.get("replayed") for r in results):
            results.append(
                {
                    "id": item["id"],
                    "name": item["name"],
                    "status": "skipped",
                    "message": SKIPPED_AFTER_REFUSAL,
                    "version": None,
                }
            )
        else:
            results.append(_apply_queued(coach, person, item))
            if results[-1]["status"] == "applied":
                applied_ids.put(key, results[-1])
    payload = _session_payload(person.id)
    payload["results"] = results
    payload["applied"] = sum(1 for r in results if r["status"] == "applied" and not r.get("replayed"))
    return _no_store(jsonify(payload))
