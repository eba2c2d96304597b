"""Choosing: opening the skill and starting a routine."""
from __future__ import annotations

from skill.speech.ssml import Raw, Timeline, escape

from . import flow
from .base import IntentHandler, RequestTypeHandler, slot


class LaunchHandler(RequestTypeHandler):
    """Greets, reads the safety notice once per person, offers to continue or to start a routine."""

    request_type = "LaunchRequest"

    def reply(self, turn):
        first = not turn.person.safety_heard
        tl = Timeline().say(turn.t("launch.welcome_first" if first else "launch.welcome_back"))
        if first:
            tl.say(escape(turn.catalogue.safety.full))
            turn.coach.set_safety_heard(turn.person.id)
        view = turn.current()
        if view is not None and view.state.phase != "done":
            return offer_continue(turn, view, tl)
        return flow.offer_routines(turn, tl, suggest=last_routine_id(turn))


class StartRoutineHandler(IntentHandler):
    intents = ("StartRoutineIntent",)

    def reply(self, turn):
        spoken, resolved = slot(turn, "routine")
        routine = find_routine(turn, spoken, resolved)
        minutes, _ = slot(turn, "minutes")
        if minutes is not None:
            return start_by_minutes(turn, minutes, routine)
        if routine is None:
            return unknown_routine(turn, spoken)
        return start_routine(turn, routine)


def offer_continue(turn, view, tl: Timeline):
    turn.pending = "continue"
    tl.say(turn.t("launch.continue", where=Raw(flow.where(turn, view.position))))
    return turn.ask(tl, turn.t("reprompt.continue"), view)


def last_routine_id(turn) -> str | None:
    for entry in turn.coach.history(turn.person.id):
        if entry.routine_id in turn.catalogue.routines:
            return entry.routine_id
    return None


def find_routine(turn, spoken: str | None, resolved: str | None):
    if resolved:
        try:
            return turn.catalogue.routine(resolved)
        except (KeyError, ValueError):
            pass
    return turn.catalogue.find_routine(spoken) if spoken else None


def start_by_minutes(turn, minutes: str, like=None):
    """"Give me a 10 minute routine": an assembled routine (its id rebuilds it in any process)."""
    focus = like.focus if like is not None and like.focus != "mixed" else None
    try:
        routine = turn.catalogue.assemble(int(minutes), focus)
    except ValueError:
        tl = Timeline().say(turn.t("routine.minutes_range", said=minutes))
        return turn.ask(tl, turn.t("reprompt.choose"))
    return start_routine(turn, routine)


def start_routine(turn, routine):
    outcome = turn.command("start", routine_id=routine.id, versioned=False)
    if not outcome.applied:
        return flow.refused(turn, outcome, Timeline())
    count = len(routine.exercise_ids)
    tl = Timeline().say(turn.t("routine.starting", routine=routine.name, count=count,
                               time=Raw(flow.duration(turn, routine.duration_seconds))))
    tl.say(escape(turn.catalogue.safety.short))
    return flow.present(turn, outcome.view, tl)


def routine_names(turn) -> str:
    items = [turn.t("list.item", routine=r.name, time=Raw(flow.duration(turn, r.duration_seconds)))
             for r in turn.catalogue.routines.values()]
    return join_list(turn, items)


def join_list(turn, items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return Raw(", ".join(items[:-1]) + turn.t("list.and") + items[-1])


def unknown_routine(turn, spoken: str | None):
    key = "routine.unknown" if spoken else "routine.which"
    tl = Timeline().say(turn.t(key, said=spoken or "", routines=Raw(routine_names(turn))))
    return turn.ask(tl, turn.t("reprompt.choose"))
