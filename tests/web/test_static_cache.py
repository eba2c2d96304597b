"""Static files are fingerprinted in every page and cached immutably under their fingerprint."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

import webapp
from webapp.static_files import IMMUTABLE, fingerprint

STATIC = Path(webapp.__file__).parent / "static"


@pytest.fixture
def client(app):
    return app.test_client()


def _static_links(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_every_static_link_on_a_page_carries_its_files_content_hash(client):
    links = _static_links(client.get("/").get_data(as_text=True))
    assert {"app.css", "app.js", "offline.js", "vendor/htmx.min.js"} <= {
        re.sub(r"^/static/|\?.*$", "", link) for link in links
    }
    for link in links:
        path, version = re.fullmatch(r"/static/([^?]+)\?v=([0-9a-f]{12})", link).groups()
        assert version == hashlib.sha256((STATIC / path).read_bytes()).hexdigest()[:12], link


def test_a_fingerprinted_url_is_cached_for_a_year_and_never_revalidated(client):
    link = next(u for u in _static_links(client.get("/").get_data(as_text=True)) if "app.css" in u)
    r = client.get(link)
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == IMMUTABLE
    assert r.get_data() == (STATIC / "app.css").read_bytes()


def test_a_plain_or_outdated_url_is_revalidated_so_a_deploy_is_seen(client):
    for url in ("/static/app.css", "/static/app.css?v=000000000000"):
        r = client.get(url)
        assert r.status_code == 200
        assert "immutable" not in r.headers.get("Cache-Control", ""), url
        assert "max-age=31536000" not in r.headers.get("Cache-Control", ""), url


def test_the_fingerprint_follows_the_file_when_it_changes(tmp_path):
    (tmp_path / "a.css").write_text("body { color: red }")
    first = fingerprint(tmp_path, "a.css")
    (tmp_path / "a.css").write_text("body { color: blue; }")
    assert fingerprint(tmp_path, "a.css") not in (None, first)
    assert fingerprint(tmp_path, "missing.css") is None


def test_a_missing_static_file_is_still_a_404(client):
    assert client.get("/static/nope.css?v=abcdefabcdef").status_code == 404
