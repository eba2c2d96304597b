"""The composition root: settings from the environment, --dev only on loopback, proxy headers."""

from __future__ import annotations

import pytest
from flask import request

from psoas_coach.app import create_app
from psoas_coach.cli import main
from psoas_coach.config import Settings, is_loopback, settings_from_env
from shared_content.vocabulary import LOCALES


def settings(**overrides) -> Settings:
    base = dict(database_url=None, secret_key="s" * 40, alexa_skill_id=None, verify_alexa=False, dev=True)
    return Settings(**{**base, **overrides})


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.20", False),
        ("::", False),
    ],
)
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def test_dev_is_refused_on_a_public_host(capsys):
    assert main(["serve", "--dev", "--host", "0.0.0.0", "--port", "1"]) == 2
    assert "loopback" in capsys.readouterr().err


def test_without_dev_a_secret_key_is_required(monkeypatch):
    monkeypatch.delenv("PSOAS_SECRET_KEY", raising=False)
    with pytest.raises(SystemExit, match="PSOAS_SECRET_KEY"):
        settings_from_env(dev=False)


@pytest.mark.parametrize("hops", ["x", "-1", "9", "²"])
def test_proxy_hops_must_be_a_small_whole_number(monkeypatch, hops):
    monkeypatch.setenv("PSOAS_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("PSOAS_PROXY_HOPS", hops)
    with pytest.raises(SystemExit, match="PSOAS_PROXY_HOPS"):
        settings_from_env()


@pytest.mark.parametrize("hops, seen", [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_client_address_comes_from_trusted_proxy_headers_only(coach, hops, seen):
    app = create_app(settings(proxy_hops=hops), coach=coach)
    app.add_url_rule("/_address", "address", lambda: request.remote_addr)
    answer = app.test_client().get(
        "/_address", headers={"X-Forwarded-For": "203.0.113.9"}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    )
    assert answer.get_data(as_text=True) == seen


def test_one_app_serves_the_phone_pages_and_the_alexa_endpoint(coach):
    client = create_app(settings(), coach=coach).test_client()
    assert client.get("/").status_code == 200
    refused = client.post("/alexa", data="not json", content_type="application/json")
    # The skill's own answer, not the phone app's CSRF refusal: Amazon's signature guards /alexa.
    assert refused.status_code == 400
    assert refused.get_json() == {"error": "body is not valid JSON"}


def test_a_voice_request_never_touches_the_phone_apps_cookie_or_page_headers(coach):
    """The endpoint is an app of its own in front of the phone's: a speaker gets no browser session
    and no page policy, and a page still gets both."""
    from skill import envelopes

    client = create_app(settings(), coach=coach).test_client()
    voice = client.post("/alexa", json=envelopes.launch("amzn1.ask.account.composition"))
    assert voice.status_code == 200 and "outputSpeech" in voice.get_json()["response"]
    assert "Set-Cookie" not in voice.headers
    assert "Content-Security-Policy" not in voice.headers
    wrong = client.get("/alexa")
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "POST"
    page = client.get("/")
    assert "Set-Cookie" in page.headers and "Content-Security-Policy" in page.headers


def test_export_skill_package_command_writes_the_package_and_refuses_plain_http(tmp_path, capsys):
    assert main(["export-skill-package", str(tmp_path), "--endpoint", "https://coach.example.org/alexa"]) == 0
    package = tmp_path / "skill-package"
    assert (package / "skill.json").exists()
    assert sorted(p.name for p in (package / "interactionModels" / "custom").iterdir()) == sorted(
        f"{locale}.json" for locale in LOCALES
    )
    assert (
        main(
            ["export-skill-package", str(tmp_path / "other"), "--endpoint", "http://coach.example.org/alexa"]
        )
        == 2
    )
    assert "HTTPS" in capsys.readouterr().err
