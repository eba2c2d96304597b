"""Progress and reminders by voice: "how am I doing?", "remind me to stretch every day at 8",
"stop my reminders".

The words are in skill/locales/en.toml ([progress], [reminders]). The Reminders API calls use the request's apiEndpoint and
apiAccessToken (skill/reminders.py).
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from ask_sdk_model.ui import AskForPermissionsConsentCard

from shared_content.progress import Progress, progress, record_from_history
from skill.reminders import (
    FALLBACK_TIME_ZONES,
    REMINDERS_SCOPE,
    ReminderError,
    RemindersClient,
    api_access,
    permission_status,
    slot_time,
)
from skill.speech.ssml import Raw, Timeline

from . import flow
from .base import IntentHandler, slot


def _client(turn) -> RemindersClient | None:
    access = api_access(turn.hi.request_envelope)
    return RemindersClient(access) if access is not None else None


def time_zone(turn) -> str:
    """The device's time zone from the settings API, else the locale's usual one."""
    client = _client(turn)
    return client.time_zone() if client is not None else FALLBACK_TIME_ZONES.get(turn.locale, "UTC")


class HowAmIDoingHandler(IntentHandler):
    intents = ("HowAmIDoingIntent",)

    def reply(self, turn):
        records = [record_from_history(entry) for entry in turn.coach.history(turn.person.id)]
        summary = progress(records, [], time_zone(turn), turn.now)
        view = turn.current()
        tl = Timeline().say(summary_words(turn, summary)).say(flow.prompt_for(turn, view))
        return turn.ask(tl, flow.prompt_for(turn, view), view)


def summary_words(turn, summary: Progress) -> str:
    if not summary.total_sessions:
        return turn.t("progress.none")
    week = summary.this_week
    time_said = Raw(flow.duration(turn, week.minutes * 60))
    words = [
        turn.t("progress.week_none")
        if week.sessions == 0
        else turn.t("progress.week_one", time=time_said)
        if week.sessions == 1
        else turn.t("progress.week", sessions=week.sessions, time=time_said)
    ]
    if summary.streak == 0:
        words.append(turn.t("progress.streak_none"))
    elif summary.streak == 1:
        words.append(turn.t("progress.streak_one"))
    else:
        words.append(turn.t("progress.streak", days=summary.streak))
    if summary.trend is not None:
        words.append(turn.t(f"progress.trend_{summary.trend}"))
    return " ".join(words)


class RemindMeHandler(IntentHandler):
    intents = ("RemindMeIntent",)

    def reply(self, turn):
        said, _ = slot(turn, "time")
        at = slot_time(said)
        if at is None:
            return turn.ask(turn.t("reminders.ask_time"), turn.t("reminders.reprompt_time"))
        client = _client(turn)
        if client is None:
            return permission_card(turn, "reminders.need_permission")
        if permission_status(turn.hi.request_envelope) == "DENIED":
            return permission_card(turn, "reminders.refused")
        now = datetime.fromtimestamp(turn.now, ZoneInfo(zone := client.time_zone()))
        try:
            client.create_daily(at, zone, turn.t("reminders.spoken"), now)
        except ReminderError as exc:
            return reminder_failure(turn, exc)
        return turn.tell(turn.t("reminders.created", time=clock_words(turn, at)))


class StopRemindersHandler(IntentHandler):
    intents = ("StopRemindersIntent",)

    def reply(self, turn):
        client = _client(turn)
        if client is None:
            return permission_card(turn, "reminders.need_permission")
        try:
            count = client.delete_all()
        except ReminderError as exc:
            return reminder_failure(turn, exc)
        key = {0: "reminders.removed_none", 1: "reminders.removed_one"}.get(count, "reminders.removed")
        return turn.tell(turn.t(key, count=count))


def permission_card(turn, key: str):
    """The answer plus the card Amazon documents for asking a person to grant the reminders permission."""
    turn.hi.response_builder.set_card(AskForPermissionsConsentCard(permissions=[REMINDERS_SCOPE]))
    return turn.tell(turn.t(key))


def reminder_failure(turn, exc: ReminderError):
    if exc.failure == "permission":
        # 401 with the permission GRANTED in the envelope: the token expired; otherwise consent is missing.
        if permission_status(turn.hi.request_envelope) == "GRANTED":
            return turn.tell(turn.t("reminders.expired"))
        return permission_card(turn, "reminders.need_permission")
    key = "reminders.not_allowed" if exc.failure == "forbidden" else "reminders.unavailable"
    return turn.tell(turn.t(key))


def clock_words(turn, at: time) -> str:
    """8:00 -> "8 AM", 19:30 -> "7:30 PM", 12:00 -> "noon"."""
    if (at.hour, at.minute) == (12, 0):
        return turn.t("reminders.noon")
    if (at.hour, at.minute) == (0, 0):
        return turn.t("reminders.midnight")
    hour = at.hour % 12 or 12
    said = f"{hour}" if at.minute == 0 else f"{hour}:{at.minute:02d}"
    return turn.t("reminders.time_am" if at.hour < 12 else "reminders.time_pm", time=said)
