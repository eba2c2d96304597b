"""Schemathesis against the OpenAPI description (GET /api/openapi.json), in-process over WSGI:
no generated request gets a 5xx, and every answer matches the description. Bounded in time."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from psoas_coach.app import create_app
from psoas_coach.config import Settings
from webapp.limits import RateLimiter


@pytest.fixture
def api_app(coach):
    settings_ = Settings(
        database_url=str(coach.store.url),
        secret_key="test-secret-" + "s" * 40,
        dev=True,
        verify_alexa=False,
        alexa_skill_id=None,
        proxy_hops=0,
    )
    app = create_app(settings_, coach=coach)
    # every generated request is a new browser: lift the new-browser limit for the fuzz run
    app.extensions["psoas_rate_limiters"]["new_person"] = RateLimiter(rate=1000, burst=100_000)
    app.extensions["psoas_rate_limiters"]["command_batch"] = RateLimiter(rate=1000, burst=100_000)
    return app


CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
OPERATIONS = [
    "GET /api/catalogue.json",
    "GET /api/routines/{routine_id}/plan.json",
    "GET /api/session.json",
    "POST /api/session/commands",
    "POST /alexa",
]


@pytest.mark.parametrize("label", OPERATIONS)
def test_json_endpoints_match_their_description_and_never_5xx(api_app, label):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", api_app)
    [operation] = [r.ok() for r in schema.get_all_operations() if r.ok().label == label]

    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        # The WSGI client does not gunzip. "Positive data acceptance" is left out: a schema-valid body
        # without the CSRF token or the Alexa signature is rightly refused.
        case.call_and_validate(headers={"Accept-Encoding": "identity"}, checks=CHECKS)

    check()
