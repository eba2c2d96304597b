"""Helpers every blueprint uses: the Coach, the phone's identity, and page/partial rendering."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from datetime import UTC, datetime

from flask import current_app, g, request, session
from werkzeug.exceptions import TooManyRequests

from shared_content.catalogue import Catalogue, about_minutes
from shared_content.service import Coach
from webapp.limits import client_network, limiter
from webapp.page_cache import BoundedCache, render_holed
from webapp.security import csrf_token, security_headers_of, session_secret

HTMX_VARY = "HX-Request, HX-Target"


def get_coach() -> Coach:
    coach: Coach = current_app.extensions["coach"]
    return coach


def get_catalogue() -> Catalogue:
    return get_coach().catalogue


def browser_token() -> str:
    """The phone's long random identity, kept in the signed, HttpOnly session cookie for a year."""
    return session_secret("browser")


def _phone_identity() -> str:
    g.psoas_personal = True
    token = browser_token()
    if not session.get("known"):
        wait = limiter("new_person").take(client_network())
        if wait:
            raise TooManyRequests(retry_after=wait)
        session["known"] = True
    return token


def current_person():
    """The phone's person, created on first sight; the answer is then personal (never cached).

    A browser the server has not seen before may create a person row, so such first sights are
    rate-limited per network (429): a cookieless flood cannot fill the people table.
    """
    return get_coach().person_for_device("phone", _phone_identity())


def current_person_and_session():
    """`current_person()` and their session as of now (`Coach.current`), in one database read."""
    return get_coach().device_session("phone", _phone_identity())


def is_htmx() -> bool:
    headers = request.headers
    return headers.get("HX-Request") == "true" and headers.get("HX-Boosted") != "true"


def render_block(template_name: str, block_name: str, **context) -> str:
    """Render one named block of a template (the "template fragments" pattern)."""
    template = current_app.jinja_env.get_template(template_name)
    current_app.update_template_context(context)
    ctx = template.new_context(context)
    return "".join(template.blocks[block_name](ctx))


def _block_names(template_name: str) -> frozenset[str]:
    """The template's block names, looked up once per app (every call while templates reload)."""
    app = current_app
    env = app.jinja_env
    if env.auto_reload:
        return frozenset(env.get_template(template_name).blocks)
    known: dict[str, frozenset[str]] = app.extensions.setdefault("psoas_template_blocks", {})
    found = known.get(template_name)
    if found is None:
        found = known[template_name] = frozenset(env.get_template(template_name).blocks)
    return found


def _htmx_block(template_name: str) -> str | None:
    """For an htmx request, the block named after the element it targets, else None.

    HX-Target "session-panel" -> block "session_panel"; anything else -> block "main".
    """
    headers = request.headers
    if headers.get("HX-Request") != "true" or headers.get("HX-Boosted") == "true":  # not is_htmx()
        return None
    target = (headers.get("HX-Target") or "").replace("-", "_")
    return target if target in _block_names(template_name) else "main"


def _render(template_name: str, block: str | None, context: dict) -> str:
    if block is not None:
        return render_block(template_name, block, **context)
    from flask import render_template

    return render_template(template_name, **context)


HTML = "text/html; charset=utf-8"


def _page_headers(personal: bool) -> list[tuple[str, str]]:
    """A page answer's headers with what the after-request hooks (webapp.security) would add:
    built with them, the answer gets them in one go and the hooks find nothing to add."""
    app = current_app
    found = app.extensions.get("psoas_page_headers")
    if found is None:
        security = security_headers_of(app)
        found = app.extensions["psoas_page_headers"] = {
            False: [("Vary", HTMX_VARY), *security],
            True: [("Vary", f"{HTMX_VARY}, Cookie"), ("Cache-Control", "no-store"), *security],
        }
    headers: list[tuple[str, str]] = found[personal]
    return headers


def _page_response(body: str | bytes, status: int):
    headers = _page_headers(bool(g.get("psoas_personal")))
    return current_app.response_class(body, status, headers, content_type=HTML)


def render_page(template_name: str, status: int = 200, **context):
    """The full page, or for an htmx request the block named after the element it targets."""
    block = _htmx_block(template_name)
    if block is None:
        # Give a new phone its identity with the first page it loads, so the background
        # requests that page starts (offline.js) and a quick form post can't each mint a
        # different identity, with the last cookie winning.
        browser_token()
    return _page_response(_render(template_name, block, context), status)


# Pages rendered with holes, per app (the catalogue, hence the text, is the app's Coach's): one
# entry per (template, block, endpoint, script root, the caller's key), about 45 KB each.
HOLED_PAGES_KEPT = 256


def app_cache(name: str, limit: int) -> BoundedCache:
    """The app's own cache called `name`, made on first use."""
    found = current_app.extensions.get(name)
    if found is None:
        found = current_app.extensions[name] = BoundedCache(limit)
    return found


def render_page_holed(
    template_name: str, key: Hashable, values: Mapping[str, str], context_for: Callable[[Mapping], dict]
):
    """`render_page` for a page whose text depends only on `key` and on the per-request `values`:
    rendered once per key with markers for the values (`context_for(markers)` gives the
    context), then filled in on each request. The caller's key must name everything else the
    template reads; the template globals (`csrf_token` aside, which `context_for` must map to a
    value) are the same for every request of this process.
    """
    if session.get("_flashes"):  # a message shown once: this answer is unlike the others
        return render_page(template_name, **context_for(values))
    block = _htmx_block(template_name)
    if block is None:
        browser_token()  # as render_page
    page_key = (template_name, block, request.endpoint, request.script_root, key)
    body = render_holed(
        app_cache("psoas_holed_pages", HOLED_PAGES_KEPT),
        page_key,
        values,
        lambda v: _render(template_name, block, context_for(v)),
    )
    return _page_response(body, 200)


def minutes(seconds: int | float) -> int:
    return about_minutes(seconds or 0)


def isodate(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def nicedate(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%-d %b %Y, %H:%M UTC")


def template_globals():
    coach = current_app.extensions["coach"]
    return {
        "csrf_token": csrf_token,
        "safety": coach.catalogue.safety,
        "minutes": minutes,
    }
