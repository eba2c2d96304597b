"""The floor: the least a skill on ask-sdk-core can cost, served exactly like Psoas Coach.

One LaunchRequest handler on a bare SkillBuilder, behind the same `skill.endpoint.alexa_blueprint`
(body limit, JSON parse, envelope deserialisation, the same verifiers, response serialisation) in a
bare Flask app, under the same gunicorn configuration (bench/signed_wsgi.py). The app also has one
bare Flask route rendering one template, `GET /floor-page`: the floor for bench/page_cost.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_request_type
from flask import Flask, render_template

from skill.endpoint import alexa_blueprint
from skill.verification import AbstractVerifier

READY_PATH = "/floor-page"


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.speak("Welcome.").ask("What would you like?").response


def build_floor_skill() -> CustomSkill:
    sb = SkillBuilder()
    sb.add_request_handler(LaunchHandler())
    return sb.create()


def create_floor_app(skill_id: str | None, verifiers: Sequence[AbstractVerifier]) -> Flask:
    app = Flask(__name__, template_folder=str(Path(__file__).parent / "floor_templates"))
    app.register_blueprint(
        alexa_blueprint(None, skill_id, verify=True, verifiers=verifiers, skill=build_floor_skill())
    )

    @app.get(READY_PATH)
    def floor_page():
        return render_template("floor_page.html", title="Floor", items=[f"item {i}" for i in range(10)])

    return app
