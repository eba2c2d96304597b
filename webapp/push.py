"""Web Push from the installed app: the VAPID public key to subscribe with, and the subscribe /
unsubscribe endpoints (JSON, CSRF header). Sending is shared_content.push_scheduler's, off the
request path. Subscription endpoints are bearer secrets: never logged."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from webapp.errors import error_response
from webapp.web import current_person, get_coach

bp = Blueprint("push", __name__)


@bp.get("/push/key")
def key():
    keys = current_app.config.get("PSOAS_VAPID_KEYS")
    if keys is None:
        return error_response(404, "Push is not set up", "This server has no VAPID keys configured.")
    return jsonify(publicKey=keys.public_key)


@bp.post("/push/subscribe")
def subscribe():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return error_response(400, "Bad subscription", "Send the PushSubscription as JSON.")
    minutes = data.get("sitting_minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int)):
        return error_response(400, "Bad sitting time", "Give the sitting time in whole minutes.")
    daily = data.get("daily_at")
    try:
        get_coach().save_push_subscription(
            current_person().id,
            data.get("subscription"),
            daily if isinstance(daily, str) and daily else None,
            minutes,
        )
    except ValueError as exc:
        return error_response(400, "Bad subscription", str(exc))
    return ("", 204)


@bp.post("/push/unsubscribe")
def unsubscribe():
    data = request.get_json(silent=True)
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str):
        return error_response(400, "Bad request", "Send the subscription's endpoint as JSON.")
    get_coach().remove_push_subscription(current_person().id, endpoint)
    return ("", 204)
