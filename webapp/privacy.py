"""`/privacy/data`: "Your data". Download everything stored about this phone's person as one JSON
file, or delete all of it after an explicit confirmation.

The export is `Coach.export_person` (every table in store/person_data.py PERSON_TABLES, every
column) with the progress export (`/progress/export.json`, the file the app can read back) inside it
under "progress": one export, of which the progress file is a view.
"""

from __future__ import annotations

import json

from flask import Blueprint, make_response, redirect, request, session, url_for

from shared_content import export
from shared_content.progress import record_from_history
from webapp.web import current_person, get_coach, render_page

bp = Blueprint("privacy", __name__)

EXPORT_TZ = "UTC"
CONFIRM_FIELD = "confirm"
CONFIRM_VALUE = "delete-everything"
DELETED_KEY = "privacy_deleted"
# How the page names each table's rows to a person.
TABLE_WORDS = {
    "people": "your profile (pace, mode, safety notice)",
    "devices": "linked devices",
    "sessions": "routine in progress",
    "history": "finished routines",
    "pain_reports": "pain reports",
    "pairing_codes": "pairing codes",
    "changes": "sync notices",
}


def _counts(person_id: int) -> dict[str, int]:
    data = get_coach().export_person(person_id) or {"tables": {}}
    return {name: len(table["rows"]) for name, table in data["tables"].items()}


@bp.get("/privacy/data")
def data():
    person = current_person()
    return render_page("privacy/data.html", counts=_counts(person.id), words=TABLE_WORDS, refused=False)


@bp.get("/privacy/data/export.json")
def export_json():
    person = current_person()
    coach = get_coach()
    full = coach.export_person(person.id) or {}
    records = [record_from_history(entry) for entry in coach.history(person.id)]
    full["progress"] = json.loads(export.to_json(records, [], EXPORT_TZ))
    response = make_response(json.dumps(full, indent=2, sort_keys=True))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = 'attachment; filename="psoas-coach-my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/privacy/data/delete")
def delete():
    person = current_person()
    if request.form.get(CONFIRM_FIELD) != CONFIRM_VALUE:
        counts = _counts(person.id)
        return render_page("privacy/data.html", 400, counts=counts, words=TABLE_WORDS, refused=True)
    deleted = get_coach().forget_person(person.id) or {}
    # The cookie named a person who no longer exists: a next visit starts as a new, empty person.
    session.pop("browser", None)
    session.pop("known", None)
    session[DELETED_KEY] = {name: n for name, n in deleted.items() if n}
    return redirect(url_for("privacy.deleted"), 303)


@bp.get("/privacy/data/deleted")
def deleted():
    summary = session.pop(DELETED_KEY, None)
    if summary is None:
        return redirect(url_for("privacy.data"), 303)
    return render_page("privacy/deleted.html", summary=summary, words=TABLE_WORDS)
