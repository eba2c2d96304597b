"""Fingerprinted static URLs: `static_url("app.css")` -> `/static/app.css?v=<content hash>`.

A URL that carries the file's current hash names those exact bytes, so it is answered with
`Cache-Control: public, max-age=31536000, immutable` and a phone never revalidates it; a new
deploy changes the hash, hence the URL, in every page. A URL without `v`, or with a `v` that is
no longer the file's hash (a page from before a deploy), keeps Flask's default (`no-cache`).

The service worker precaches the plain `/static/<file>` URLs (webapp/pwa.py) and its cache-first
lookup falls back to `ignoreSearch`, so the fingerprinted URLs are found offline too.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from flask import Flask, current_app, has_request_context, request, url_for

IMMUTABLE = "public, max-age=31536000, immutable"

_lock = threading.Lock()
_hashes: dict[str, tuple[tuple[int, int], str]] = {}  # path -> ((mtime_ns, size), hash)
_urls: dict[tuple[str, str, str], str] = {}  # (static folder, script root, file) -> URL


def fingerprint(folder: str | os.PathLike, filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, or None when there is no such file.

    Remembered per path until the file's modification time or size changes (a stat per call)."""
    path = Path(folder, filename)
    try:
        st = path.stat()
    except OSError:
        return None
    key, stamp = str(path), (st.st_mtime_ns, st.st_size)
    with _lock:
        known = _hashes.get(key)
    if known and known[0] == stamp:
        return known[1]
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return None
    with _lock:
        _hashes[key] = (stamp, digest)
    return digest


def _fingerprinted_url(filename: str) -> str:
    version = fingerprint(current_app.static_folder or "", filename)
    if version is None:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=version)


def static_url(filename: str) -> str:
    """The URL of a file in the app's static folder, with its content hash (a Jinja global).

    Built once per file and process (files change only with a deploy, which restarts the
    workers); with --dev or debug, checked on every call so an edited file gets a new URL."""
    app = current_app
    if app.debug or app.config.get("PSOAS_DEV"):
        return _fingerprinted_url(filename)
    key = (app.static_folder or "", request.script_root if has_request_context() else "", filename)
    url = _urls.get(key)
    if url is None:
        url = _urls[key] = _fingerprinted_url(filename)
    return url


def _cache_fingerprinted(response):
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    version = request.args.get("v")
    filename = (request.view_args or {}).get("filename", "")
    if version and version == fingerprint(current_app.static_folder or "", filename):
        response.headers["Cache-Control"] = IMMUTABLE
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["static_url"] = static_url
    app.after_request(_cache_fingerprinted)
