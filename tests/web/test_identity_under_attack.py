"""A refused request (CSRF) never changes the phone's cookie or stored data; odd tokens are a clean 400."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from shared_content.store.tables import devices, history, people, sessions


def _cookie(phone) -> str | None:
    cookie = phone.client.get_cookie("psoas_phone")
    return cookie.value if cookie else None


def _row_counts(coach) -> tuple[int, ...]:
    with coach.store.read() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (people, devices, sessions, history)
        )


def test_cross_site_post_without_the_cookie_does_not_replace_the_phones_identity(app, phone, coach):
    phone.start()
    before_cookie, before_person = _cookie(phone), phone.person.id
    # SameSite=Lax: a cross-site form post arrives without the cookie and without a token.
    # What the server answers must not carry a Set-Cookie that would overwrite the phone's.
    attacker = app.test_client()
    r = attacker.post("/session/finish", data={}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 400
    assert "Set-Cookie" not in r.headers
    # The same post with the phone's cookie but no token (e.g. from a stale page): refused, cookie kept.
    r = phone.client.post("/session/finish", data={})
    assert r.status_code == 400
    assert "Set-Cookie" not in r.headers
    assert _cookie(phone) == before_cookie
    assert phone.person.id == before_person
    assert coach.current(before_person).state.phase != "done"


def test_non_ascii_csrf_token_is_a_400_not_a_crash(phone):
    phone.get("/safety")
    for token in ("é" * 43, "\u2028", "ä", "\x00"):
        r = phone.client.post("/session/next", data={"csrf_token": token})
        assert r.status_code == 400, token
        r = phone.client.post("/session/next", headers={"X-CSRF-Token": token.encode().decode("latin-1")})
        assert r.status_code == 400, token


POST_URLS = ["/session/start", "/session/next", "/session/finish", "/pair", "/api/session/commands"]
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    url=st.sampled_from(POST_URLS),
    form=st.dictionaries(st.sampled_from(["csrf_token", "routine_id", "code", "safety_ack", "x"]), text),
    header_token=st.one_of(
        st.none(),
        st.text(alphabet=string.ascii_letters + string.digits + string.punctuation + " \téü€", max_size=60),
    ),
    htmx=st.booleans(),
)
def test_fuzzed_form_posts_without_the_right_token_are_refused_and_change_nothing(
    app, coach, url, form, header_token, htmx
):
    phone = app.test_client()
    phone.get("/safety")
    before_cookie = phone.get_cookie("psoas_phone").value
    before = _row_counts(coach)
    headers = {"HX-Request": "true"} if htmx else {}
    if header_token is not None:
        headers["X-CSRF-Token"] = header_token.encode("utf-8").decode("latin-1")
    r = phone.post(url, data=form, headers=headers)
    assert r.status_code < 500
    assert r.status_code in (400, 403, 413), r.status_code  # the right token is a 43-char secret
    assert "Set-Cookie" not in r.headers
    assert phone.get_cookie("psoas_phone").value == before_cookie
    assert _row_counts(coach) == before
