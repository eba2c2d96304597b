"""A stand-in for the Alexa Reminders API and the device settings API, served over real HTTP on loopback.

It checks every request against Amazon's documented shape and answers as Alexa would:
  token "good-token"     granted: create (201 + alertToken), list, delete, time zone
  token "expired-token"  401 INVALID_BEARER_TOKEN (an expired or revoked token)
  token "no-permission"  401 UNAUTHORIZED (the person has not granted reminders)
  token "forbidden"      403 DEVICE_NOT_SUPPORTED
A request that breaks the documented shape gets a 400 and is recorded in `problems`.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, rrulestr

REMINDERS = "/v1/alerts/reminders"
TIME_ZONE = re.compile(r"^/v2/devices/([^/]+)/settings/System\.timeZone$")
ISO_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?$")  # no Z, no offset: documented
LOCALES = {"en-US", "en-GB", "en-CA", "en-AU", "en-IN"}


def shape_problems(body: Any) -> list[str]:
    """Everything about a create-reminder body that differs from the documented shape."""
    problems: list[str] = []
    if not isinstance(body, dict):
        return ["body must be a JSON object"]
    allowed = {"requestTime", "trigger", "alertInfo", "pushNotification"}
    problems += [f"unknown field {k!r}" for k in body if k not in allowed]
    if not ISO_LOCAL.match(str(body.get("requestTime", ""))):
        problems.append("requestTime must be ISO 8601 local time without offset")
    trigger = body.get("trigger") or {}
    if trigger.get("type") != "SCHEDULED_ABSOLUTE":
        problems.append("trigger.type must be SCHEDULED_ABSOLUTE")
    try:
        ZoneInfo(str(trigger.get("timeZoneId")))
    except Exception:
        problems.append("trigger.timeZoneId must be an IANA time zone")
    recurrence = trigger.get("recurrence") or {}
    start = str(recurrence.get("startDateTime", ""))
    if not ISO_LOCAL.match(start):
        problems.append("recurrence.startDateTime must be ISO 8601 local time without offset")
    rules = recurrence.get("recurrenceRules")
    if not isinstance(rules, list) or len(rules) != 1 or not isinstance(rules[0], str):
        problems.append("recurrence.recurrenceRules must be a list of one RFC 5545 rule")
    elif not ISO_LOCAL.match(start) or _rule(rules[0], start) is None:
        problems.append(f"recurrence rule {rules[0]!r} is not a daily rule with BYHOUR and BYMINUTE")
    content = ((body.get("alertInfo") or {}).get("spokenInfo") or {}).get("content")
    if not isinstance(content, list) or not content:
        problems.append("alertInfo.spokenInfo.content must be a non-empty list")
    else:
        for item in content:
            if item.get("locale") not in LOCALES or not str(item.get("text", "")).strip():
                problems.append("each spoken content needs a supported locale and a text")
    if (body.get("pushNotification") or {}).get("status") not in ("ENABLED", "DISABLED"):
        problems.append("pushNotification.status must be ENABLED or DISABLED")
    return problems


def _rule(rule: str, start: str):
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    if parts.get("FREQ") != "DAILY" or "BYHOUR" not in parts or "BYMINUTE" not in parts:
        return None
    parsed = rrulestr(rule, dtstart=datetime.fromisoformat(start[:19]))
    return parsed if parsed._freq == DAILY else None


def occurrences(body: dict, count: int) -> list[datetime]:
    recurrence = body["trigger"]["recurrence"]
    return list(_rule(recurrence["recurrenceRules"][0], recurrence["startDateTime"])[:count])


class RemindersStandIn:
    def __init__(self, time_zone: str = "Europe/London"):
        self.time_zone = time_zone
        self.reminders: dict[str, dict] = {}
        self.requests: list[tuple[str, str, str | None]] = []  # (method, path, authorization)
        self.problems: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: Any = None) -> None:
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                auth = self.headers.get("Authorization")
                server.requests.append((self.command, self.path, auth))
                refusals = {
                    "Bearer expired-token": (401, "INVALID_BEARER_TOKEN"),
                    "Bearer no-permission": (401, "UNAUTHORIZED"),
                    "Bearer forbidden": (403, "DEVICE_NOT_SUPPORTED"),
                }
                if auth in refusals:
                    status, code = refusals[auth]
                    self._answer(status, {"code": code, "message": "refused by the stand-in"})
                    return False
                if auth != "Bearer good-token":
                    server.problems.append(f"{self.command} {self.path}: Authorization header {auth!r}")
                    self._answer(401, {"code": "INVALID_BEARER_TOKEN", "message": "no bearer token"})
                    return False
                return True

            def do_POST(self) -> None:
                if not self._authorised():
                    return
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path != REMINDERS or not self.headers.get("Content-Type", "").startswith(
                    "application/json"
                ):
                    server.problems.append(f"POST {self.path} with {self.headers.get('Content-Type')}")
                    self._answer(400, {"code": "INVALID_REQUEST"})
                    return
                body = json.loads(raw)
                if problems := shape_problems(body):
                    server.problems += problems
                    self._answer(400, {"code": "INVALID_REMINDER", "message": "; ".join(problems)})
                    return
                token = str(uuid.uuid4())
                server.reminders[token] = body
                self._answer(
                    201, {"alertToken": token, "status": "ON", "version": "1", "href": f"{REMINDERS}/{token}"}
                )

            def do_GET(self) -> None:
                if not self._authorised():
                    return
                if self.path == REMINDERS:
                    alerts = [{"alertToken": t, **b} for t, b in server.reminders.items()]
                    self._answer(200, {"totalCount": str(len(alerts)), "alerts": alerts})
                elif TIME_ZONE.match(self.path):
                    self._answer(200, server.time_zone)
                else:
                    server.problems.append(f"GET {self.path}")
                    self._answer(404, {"code": "NOT_FOUND"})

            def do_DELETE(self) -> None:
                if not self._authorised():
                    return
                token = self.path.removeprefix(REMINDERS + "/")
                if not self.path.startswith(REMINDERS + "/") or token not in server.reminders:
                    self._answer(404, {"code": "ALERT_NOT_FOUND"})
                    return
                del server.reminders[token]
                self._answer(200)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
