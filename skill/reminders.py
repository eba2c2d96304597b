"""A client for the Alexa Reminders API (daily stretch reminders) and the device time zone setting.

Both calls go to `context.System.apiEndpoint` with `Authorization: Bearer <apiAccessToken>` from
the request envelope (docs/architecture.md cites Amazon's reference). A daily reminder is a
SCHEDULED_ABSOLUTE trigger whose recurrence rule is "FREQ=DAILY;BYHOUR=h;BYMINUTE=m;BYSECOND=0",
in the device's time zone. The person must have granted the reminders permission in the Alexa
app: without it the API answers 401, and the skill sends a permissions card instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, Literal
from urllib.parse import quote

import requests

REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
REMINDERS_PATH = "/v1/alerts/reminders"
TIME_ZONE_PATH = "/v2/devices/{device_id}/settings/System.timeZone"
TIMEOUT_SECONDS = 4.0
# Where the settings API cannot be reached: the zone most people using that locale are in.
FALLBACK_TIME_ZONES = {
    "en-US": "America/New_York",
    "en-CA": "America/Toronto",
    "en-GB": "Europe/London",
    "en-AU": "Australia/Sydney",
    "en-IN": "Asia/Kolkata",
}
_ISO_LOCAL = "%Y-%m-%dT%H:%M:%S.000"
# AMAZON.TIME slot values for a time of day: "08:00", "19:30"; also MO/AF/EV/NI for vague times.
_SLOT_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
VAGUE_TIMES = {"MO": time(8, 0), "AF": time(14, 0), "EV": time(19, 0), "NI": time(21, 0)}

Failure = Literal["permission", "forbidden", "unavailable"]


class ReminderError(Exception):
    """Why a call failed, as the voice should explain it.

    permission: 401, the permission is missing or the token expired (send the consent card);
    forbidden: 403, Alexa refused (for example the device cannot take reminders);
    unavailable: anything else (network, 429, 5xx): try later.
    """

    def __init__(self, failure: Failure, status: int | None, code: str | None = None):
        self.failure: Failure = failure
        self.status = status
        self.code = code
        super().__init__(f"reminders API: {failure} (status {status}, code {code})")


@dataclass(frozen=True)
class ApiAccess:
    endpoint: str
    token: str
    device_id: str | None
    locale: str


def api_access(envelope: Any) -> ApiAccess | None:
    """The API endpoint and token of a request envelope (ask-sdk model), or None if absent."""
    system = getattr(getattr(envelope, "context", None), "system", None)
    endpoint = getattr(system, "api_endpoint", None)
    token = getattr(system, "api_access_token", None)
    if not endpoint or not token:
        return None
    device_id = getattr(getattr(system, "device", None), "device_id", None)
    locale = getattr(getattr(envelope, "request", None), "locale", None) or "en-US"
    return ApiAccess(endpoint.rstrip("/"), token, device_id, locale)


def permission_status(envelope: Any) -> str | None:
    """The reminders permission in the envelope (`context.System.user.permissions.scopes`):
    "GRANTED", "DENIED", or None when Alexa sent no scopes (then only the API's answer tells)."""
    user = getattr(getattr(getattr(envelope, "context", None), "system", None), "user", None)
    scopes = getattr(getattr(user, "permissions", None), "scopes", None) or {}
    scope = scopes.get(REMINDERS_SCOPE) if isinstance(scopes, dict) else None
    status = getattr(getattr(scope, "status", None), "value", None)
    return status if status in ("GRANTED", "DENIED") else None


def slot_time(value: str | None) -> time | None:
    """The time of day in an AMAZON.TIME slot value, or None if it names none."""
    if not value:
        return None
    if value in VAGUE_TIMES:
        return VAGUE_TIMES[value]
    match = _SLOT_TIME.fullmatch(value)
    return time(int(match[1]), int(match[2])) if match else None


def daily_rule(at: time) -> str:
    return f"FREQ=DAILY;BYHOUR={at.hour};BYMINUTE={at.minute};BYSECOND=0"


def daily_reminder_body(at: time, time_zone: str, locale: str, text: str, now: datetime) -> dict[str, Any]:
    """The reminder JSON for a daily reminder at `at` local time, from `now` (local, in time_zone)."""
    start = now.replace(tzinfo=None, microsecond=0)
    return {
        "requestTime": start.strftime(_ISO_LOCAL),
        "trigger": {
            "type": "SCHEDULED_ABSOLUTE",
            "timeZoneId": time_zone,
            "recurrence": {"startDateTime": start.strftime(_ISO_LOCAL), "recurrenceRules": [daily_rule(at)]},
        },
        "alertInfo": {"spokenInfo": {"content": [{"locale": locale, "text": text}]}},
        "pushNotification": {"status": "ENABLED"},
    }


class RemindersClient:
    """One person's reminders, through the API endpoint and token of their current request."""

    def __init__(
        self, access: ApiAccess, http: requests.Session | None = None, timeout: float = TIMEOUT_SECONDS
    ):
        self.access = access
        self.http = http or requests.Session()
        self.timeout = timeout

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.access.token}", "Accept": "application/json"}
        try:
            response = self.http.request(
                method, self.access.endpoint + path, json=body, headers=headers, timeout=self.timeout
            )
        except requests.RequestException:
            raise ReminderError("unavailable", None) from None
        if response.status_code < 300:
            return response
        code = _error_code(response)
        if response.status_code == 401:
            raise ReminderError("permission", 401, code)
        if response.status_code == 403:
            raise ReminderError("forbidden", 403, code)
        raise ReminderError("unavailable", response.status_code, code)

    def create_daily(self, at: time, time_zone: str, text: str, now: datetime) -> str:
        """Create the daily reminder; returns its alertToken."""
        body = daily_reminder_body(at, time_zone, self.access.locale, text, now)
        token = self._call("POST", REMINDERS_PATH, body).json().get("alertToken")
        if not isinstance(token, str) or not token:
            raise ReminderError("unavailable", 201, "NO_ALERT_TOKEN")
        return token

    def alert_tokens(self) -> list[str]:
        """The alertTokens of every reminder this skill made for this person."""
        alerts = self._call("GET", REMINDERS_PATH).json().get("alerts") or []
        return [
            a["alertToken"] for a in alerts if isinstance(a, dict) and isinstance(a.get("alertToken"), str)
        ]

    def delete(self, alert_token: str) -> None:
        try:
            self._call("DELETE", f"{REMINDERS_PATH}/{quote(alert_token, safe='')}")
        except ReminderError as exc:
            if exc.status != 404:  # already gone is what we wanted
                raise

    def delete_all(self) -> int:
        """Delete every reminder this skill set for the person; returns how many there were."""
        tokens = self.alert_tokens()
        for token in tokens:
            self.delete(token)
        return len(tokens)

    def time_zone(self) -> str:
        """The device's time zone (Alexa settings API), or the locale's usual one if unavailable."""
        fallback = FALLBACK_TIME_ZONES.get(self.access.locale, "UTC")
        if not self.access.device_id:
            return fallback
        try:
            response = self._call(
                "GET", TIME_ZONE_PATH.format(device_id=quote(self.access.device_id, safe=""))
            )
            zone = response.json()
        except (ReminderError, ValueError):
            return fallback
        return zone if isinstance(zone, str) and zone else fallback


def _error_code(response: requests.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None
