"""Every page as a full load and as an htmx partial; headers; error pages."""

from __future__ import annotations

import gzip
import re

import pytest

from tests.web.conftest import ALL_GET_PAGES, text_of
from webapp.security import CSP


@pytest.mark.parametrize("url", ALL_GET_PAGES + ["/library/pelvic-tilt"])
def test_every_page_loads_fully_and_as_a_partial(phone, url):
    full = phone.get(url)
    assert full.status_code == 200
    html = full.get_data(as_text=True)
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert 'id="main"' in html
    assert "HX-Request" in full.headers.get("Vary", "")

    partial = phone.htmx("GET", url)
    assert partial.status_code == 200
    body = partial.get_data(as_text=True)
    assert "<html" not in body.lower() and "<head" not in body.lower()
    assert body.strip().startswith('<main id="main"')
    assert "HX-Request" in partial.headers.get("Vary", "")


def test_session_panel_partial_is_only_the_panel_contents(phone):
    phone.start()
    body = phone.htmx("GET", "/session", target="session-panel").get_data(as_text=True)
    assert "<main" not in body and 'id="session-panel"' not in body
    assert "Knee to chest" in body or "exercise-name" in body


@pytest.mark.parametrize(
    "url", ALL_GET_PAGES + ["/nope", "/routines/nope", "/static/app.css", "/static/app.js"]
)
def test_security_headers_on_every_response(phone, url):
    r = phone.get(url)
    assert r.headers["Content-Security-Policy"] == CSP
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"]


@pytest.mark.parametrize("url", ALL_GET_PAGES + ["/library/pelvic-tilt", "/nope"])
def test_no_inline_scripts_styles_or_handlers(phone, url):
    phone.start()
    html = phone.get(url).get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
        # Data islands (type="application/json") are never run, so the CSP is not weakened.
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script on {url}: {tag}"
    assert not re.search(r"<script\b(?![^>]*application/json)[^>]*>\s*[^<\s]", html), (
        f"script with a body on {url}"
    )
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I), f"inline event handler on {url}"
    assert not re.search(r"\sstyle\s*=", html, flags=re.I), f"inline style attribute on {url}"
    assert "<style" not in html.lower()
    assert "//cdn" not in html and "unpkg" not in html


def test_base_template_links_manifest_theme_color_and_app_js(phone):
    html = phone.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color"' in html
    assert re.search(r'<script src="/static/app\.js\?v=[0-9a-f]{12}" defer>', html)
    assert re.search(r'<script src="/static/vendor/htmx\.min\.js\?v=[0-9a-f]{12}" defer>', html)
    assert '"includeIndicatorStyles":false' in html
    assert 'href="/safety"' in html  # the safety notice is always one tap away


def test_home_lists_routines_with_minutes_focus_positions(phone, coach):
    text = text_of(phone.get("/").get_data(as_text=True))
    for routine in coach.catalogue.routines.values():
        assert routine.name in text
    assert "min" in text and "Focus" in text and "Positions" in text
    assert coach.catalogue.safety.short in text


def test_routine_page_shows_exercises_steps_and_start(phone, coach):
    routine = coach.catalogue.routine("morning-stretch")
    html = phone.get("/routines/morning-stretch").get_data(as_text=True)
    for ex in routine.exercises(coach.catalogue):
        assert ex.name in html
        assert ex.steps[0].replace("'", "&#39;").replace('"', "&#34;") in html
    assert re.search(r'<form method="post" action="/session/start"', html)
    assert ">Start</button>" in html


def test_library_has_every_catalogue_item_with_details(phone, coach):
    index = phone.get("/library").get_data(as_text=True)
    for ex in coach.catalogue.exercises.values():
        assert f'href="/library/{ex.id}"' in index
        page = phone.get(f"/library/{ex.id}")
        assert page.status_code == 200
        text = text_of(page.get_data(as_text=True))
        assert ex.name.replace("'", "&#39;") in page.get_data(as_text=True) or ex.name in text
        assert len(re.findall(r"<li>", page.get_data(as_text=True))) >= len(ex.steps)
    kinds = {ex.category for ex in coach.catalogue.exercises.values()}
    assert {"release", "posture"} <= kinds  # techniques and posture guidance are in the library too


@pytest.mark.parametrize(
    "url", ["/routines/no-such-routine", "/library/no-such-exercise", "/routines/custom-x-y", "/nowhere"]
)
def test_unknown_things_get_a_helpful_404_page(phone, url):
    r = phone.get(url)
    assert r.status_code == 404
    html = r.get_data(as_text=True)
    assert "couldn" in html and 'href="/"' in html
    assert "Traceback" not in html


def test_wrong_method_gets_a_405_page(phone):
    r = phone.client.put("/session")
    assert r.status_code == 405
    assert "GET" in r.headers["Allow"]
    assert "can" in r.get_data(as_text=True) and "<html" in r.get_data(as_text=True)


def test_htmx_errors_go_to_the_flash_area(phone):
    r = phone.htmx("GET", "/routines/nope")
    assert r.status_code == 404
    assert r.headers["HX-Retarget"] == "#flash"
    assert "<html" not in r.get_data(as_text=True)


def test_server_error_is_a_friendly_500(app, phone, coach, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(coach, "history", boom)
    r = phone.get("/history")
    assert r.status_code == 500
    html = r.get_data(as_text=True)
    assert "database on fire" not in html and "Something went wrong" in html
    assert r.headers["Content-Security-Policy"] == CSP


def test_gzip_for_text_when_accepted_not_otherwise(phone):
    r = phone.get("/static/vendor/htmx.min.js", headers={"Accept-Encoding": "gzip, br"})
    assert r.headers["Content-Encoding"] == "gzip"
    assert b"htmx" in gzip.decompress(r.get_data())
    page = phone.get("/library", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"Exercise library" in gzip.decompress(page.get_data())
    plain = phone.get("/library")
    assert "Content-Encoding" not in plain.headers


def test_identity_cookie_is_httponly_lax_and_long_lived(phone):
    r = phone.get("/session")
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert "Expires=" in cookie


def test_create_app_does_not_need_a_request_and_requires_a_secret(coach):
    from webapp import create_app

    with pytest.raises(ValueError):
        create_app(coach=coach, secret_key="")
    app = create_app(coach=coach, secret_key="s" * 40, dev=True)
    assert app.extensions["coach"] is coach
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_first_load_of_home_stays_under_60_kb_gzipped(phone):
    """HTML + CSS + htmx (+ SSE extension) + app.js, and whatever else <head> pulls in, as a phone fetches them."""
    gz = {"Accept-Encoding": "gzip"}
    page = phone.get("/", headers=gz)
    total = len(page.get_data())
    html = phone.get("/").get_data(as_text=True)
    assets = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="(/static/[^"]+)"', html)
    assert {"/static/app.css", "/static/app.js", "/static/vendor/htmx.min.js"} <= {
        a.split("?")[0] for a in assets
    }
    for url in assets:
        r = phone.get(url, headers=gz)
        assert r.status_code == 200, url
        total += len(r.get_data())
    assert total < 60 * 1024, f"first load of / is {total} bytes gzipped"


@pytest.mark.parametrize(
    "url, current",
    [
        ("/", "Routines"),
        ("/routines/quick-release", "Routines"),
        ("/session", "Session"),
        ("/library/pelvic-tilt", "Library"),
        ("/history", "History"),
        ("/pair", "Link Alexa"),
        ("/safety", None),
    ],
)
def test_main_navigation_marks_the_current_place(phone, url, current):
    html = phone.get(url).get_data(as_text=True)
    nav = html[html.index('<nav aria-label="Main">') : html.index("</nav>")]
    marked = re.findall(r'aria-current="page">([^<]+)</a>', nav)
    assert marked == ([current] if current else [])


def test_first_page_gives_the_phone_its_identity_before_any_background_request(app):
    """Two requests racing from a new phone (offline.js's fetch and a quick /pair post) must not
    mint two identities: the first page's cookie already carries it, so both act for one person."""
    client = app.test_client()
    client.get("/pair")
    with client.session_transaction() as s:
        token = s.get("browser")
    assert token
    name = app.config["SESSION_COOKIE_NAME"]
    racer = app.test_client()
    racer.set_cookie(name, client.get_cookie(name).value)
    racer.get("/api/session.json")
    with racer.session_transaction() as s:
        assert s.get("browser") == token


def test_privacy_and_terms_linked_from_the_skill_manifest_are_served(phone):
    from urllib.parse import urlsplit

    from skill.interaction_model import build_manifest

    compliance = build_manifest("https://coach.example.org/alexa")["manifest"]["privacyAndCompliance"]
    for urls in compliance["locales"].values():
        for key, must_say in (
            ("privacyPolicyUrl", "Removing your data"),
            ("termsOfUseUrl", "not medical advice"),
        ):
            page = phone.get(urlsplit(urls[key]).path)
            assert page.status_code == 200
            assert must_say in page.get_data(as_text=True)


@pytest.mark.parametrize("target", [None, "session-panel", "main"])
def test_the_session_page_sends_each_header_once_and_is_never_stored(phone, target):
    phone.start()
    r = phone.htmx("GET", "/session", target=target) if target else phone.get("/session")
    names = [name.lower() for name, _ in r.headers.items()]
    assert len(names) == len(set(names)), f"a header sent twice: {names}"
    assert r.headers["Cache-Control"] == "no-store"
    assert [v.strip() for v in r.headers["Vary"].split(",")] == ["HX-Request", "HX-Target", "Cookie"]
    assert r.headers["Content-Security-Policy"] == CSP and r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert int(r.headers["Content-Length"]) == len(r.get_data())
