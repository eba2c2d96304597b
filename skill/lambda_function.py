"""AWS Lambda entry point: `skill.lambda_function.lambda_handler`.

The same skill and handlers as POST /alexa. The Coach (on DATABASE_URL, default SQLite) and
the skill are built lazily, once per container, on the first event. Lambda's Alexa trigger
already restricts callers to the configured skill; when ALEXA_SKILL_ID is set the handler
checks it too and raises `VerificationError` for an envelope from another skill.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from typing import Any

from skill.endpoint import invoke_safely
from skill.verification import SkillIdVerifier

_lock = threading.Lock()
coach = None  # the container's Coach, once the first event has built it


def _default_skill():
    global coach
    from shared_content.service import Coach
    from skill.builder import build_skill

    coach = Coach.from_url(os.environ.get("DATABASE_URL") or None)
    return build_skill(coach)


def make_handler(skill_factory: Callable[[], Any]) -> Callable[[dict, Any], dict]:
    """A Lambda handler around the skill `skill_factory()` builds on the first event."""
    state: dict[str, Any] = {}

    def handler(event: dict, context: Any = None) -> dict:
        from ask_sdk_core.serialize import DefaultSerializer
        from ask_sdk_model import RequestEnvelope

        if not isinstance(event, dict) or not isinstance(event.get("request"), dict):
            raise ValueError("event is not an Alexa request envelope")
        envelope = DefaultSerializer().deserialize(json.dumps(event), RequestEnvelope)
        skill_id = os.environ.get("ALEXA_SKILL_ID")
        if skill_id:
            SkillIdVerifier(skill_id).verify({}, b"", envelope)
        if "skill" not in state:
            with _lock:
                if "skill" not in state:
                    state["skill"] = skill_factory()
        return invoke_safely(state["skill"], envelope, context)

    handler.state = state  # type: ignore[attr-defined]
    return handler


lambda_handler = make_handler(_default_skill)
