"""Web fixtures: the phone app on the real Coach (SQLite file, fake clock), and a phone that keeps its cookie."""

from __future__ import annotations

import re

import pytest

from webapp import create_app

ALL_GET_PAGES = [
    "/",
    "/routines/morning-stretch",
    "/library",
    "/safety",
    "/session",
    "/history",
    "/progress/report",
    "/checkin",
    "/pain",
    "/safety/screen",
    "/pair",
    "/devices",
    "/privacy",
    "/terms",
]


@pytest.fixture
def app(coach):
    return create_app(coach=coach, secret_key="test-secret-" + "k" * 40, testing=True)


class Phone:
    """One browser: a test client with its cookie jar, plus helpers a person's taps map onto."""

    def __init__(self, app, coach):
        self.app, self.coach = app, coach
        self.client = app.test_client()

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def htmx(self, method, url, target="main", **kw):
        headers = {"HX-Request": "true", "HX-Target": target, **kw.pop("headers", {})}
        return self.client.open(url, method=method, headers=headers, **kw)

    def csrf(self) -> str:
        page = self.client.get("/safety").get_data(as_text=True)
        return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)

    def post(self, url, data=None, with_token=True, **kw):
        data = dict(data or {})
        if with_token:
            data.setdefault("csrf_token", self.csrf())
        return self.client.post(url, data=data, **kw)

    @property
    def person(self):
        with self.client.session_transaction() as s:
            token = s.get("browser")
        assert token, "this phone has no identity cookie yet"
        return self.coach.person_for_device("phone", token)

    def start(self, routine_id="morning-stretch"):
        r = self.post("/session/start", {"routine_id": routine_id, "safety_ack": "yes"})
        assert r.status_code == 303, r.get_data(as_text=True)
        return self.coach.current(self.person.id)

    def version(self) -> int:
        return self.coach.current(self.person.id).state.version


@pytest.fixture
def phone(app, coach):
    return Phone(app, coach)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
