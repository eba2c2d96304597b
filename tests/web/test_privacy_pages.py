"""The "Your data" page: one JSON download of everything stored, and deleting everything only
after an explicit confirmation, with CSRF, POST and redirect-after-post."""

from __future__ import annotations

import json

from shared_content.store.person_data import PERSON_TABLES, SECRET_PRESENT
from tests.web.conftest import text_of


def test_the_export_holds_every_person_table_and_the_progress_view(phone):
    phone.start()
    r = phone.get("/privacy/data/export.json")
    assert r.status_code == 200
    assert "attachment" in r.headers["Content-Disposition"]
    assert "no-store" in r.headers["Cache-Control"]
    data = json.loads(r.get_data(as_text=True))
    assert set(data["tables"]) == {entry.name for entry in PERSON_TABLES}
    assert data["tables"]["sessions"]["rows"], "the routine in progress is in the export"
    (device,) = data["tables"]["devices"]["rows"]
    assert device["external_id"] == SECRET_PRESENT
    with phone.client.session_transaction() as s:
        assert s["browser"] not in r.get_data(as_text=True)
    assert data["progress"]["format"] == "psoas-coach-export"  # the progress export, inside


def test_deleting_needs_the_confirmation_and_changes_nothing_without_it(phone, coach):
    phone.start()
    person = phone.person.id
    r = phone.post("/privacy/data/delete", {})
    assert r.status_code == 400
    assert "Nothing was deleted" in text_of(r.get_data(as_text=True))
    assert coach.current(person) is not None


def test_deleting_without_the_csrf_token_is_refused(phone, coach):
    phone.start()
    person = phone.person.id
    r = phone.post("/privacy/data/delete", {"confirm": "delete-everything"}, with_token=False)
    assert r.status_code == 400
    assert coach.person(person) is not None


def test_deleting_everything_clears_the_identity_and_says_what_went(phone, coach):
    phone.start()
    person = phone.person.id
    r = phone.post("/privacy/data/delete", {"confirm": "delete-everything"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/privacy/data/deleted")
    assert coach.person(person) is None
    with phone.client.session_transaction() as s:
        assert "browser" not in s
    page = text_of(phone.get("/privacy/data/deleted").get_data(as_text=True))
    assert "Your data was deleted" in page and "routine in progress: 1" in page
    assert phone.get("/privacy/data/deleted").status_code == 303  # shown once, then back to the page
    assert phone.person.id != person  # a new, empty person from here on
