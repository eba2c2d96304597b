"""GET /api/openapi.json: the OpenAPI description of the JSON endpoints (checked by schemathesis)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response

bp = Blueprint("api_docs", __name__)
OPENAPI = Path(__file__).resolve().parent / "openapi.json"


@bp.get("/api/openapi.json")
def openapi() -> Response:
    return Response(OPENAPI.read_bytes(), mimetype="application/json", headers={"Cache-Control": "no-cache"})
