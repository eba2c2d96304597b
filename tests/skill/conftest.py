"""Fixtures for the skill tests: the real skill on the real Coach (tests/conftest.py), and the
local test PKI with a real chain server for the request verifier (tests/skill/certs.py)."""

from __future__ import annotations

import pytest
from voice_helpers import Voice

from tests.skill.certs import ChainServer, build_pki, chain_files


@pytest.fixture
def voice_skill(coach):
    from skill.builder import build_skill

    return build_skill(coach)


@pytest.fixture
def voice(voice_skill, clock, coach):
    """One person talking to one Echo (no screen), the red-flag screen answered and check-ins off
    (voice_helpers.Voice: screened=True, checkins=False); `make_voice` for a new person."""
    return Voice(voice_skill, clock, coach=coach)


@pytest.fixture
def make_voice(voice_skill, clock, coach):
    """More speakers or screens: make_voice(user_id=..., apl=True, locale=...); a person as the
    skill first meets them: make_voice(screened=False, checkins=True)."""

    def make(**kwargs):
        return Voice(voice_skill, clock, coach=coach, **kwargs)

    return make


@pytest.fixture(scope="module")
def pki():
    """A fresh test PKI per module (tests/skill/certs.py)."""
    return build_pki()


@pytest.fixture(scope="module")
def server(pki):
    """A ChainServer per module serving every chain of `pki` under /echo.api/ (certs.chain_files)."""
    srv = ChainServer(chain_files(pki))
    yield srv
    srv.close()
