"""Fixtures for the skill tests: the real skill on the real Coach (tests/conftest.py)."""
from __future__ import annotations

import pytest

from voice_helpers import Voice


@pytest.fixture
def voice_skill(coach):
    from skill.builder import build_skill

    return build_skill(coach)


@pytest.fixture
def voice(voice_skill, clock):
    """One person talking to one Echo (no screen)."""
    return Voice(voice_skill, clock)


@pytest.fixture
def make_voice(voice_skill, clock):
    """More speakers or screens: make_voice(user_id=..., apl=True, locale=...)."""
    def make(**kwargs):
        return Voice(voice_skill, clock, **kwargs)
    return make
