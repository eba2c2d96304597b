"""Choosing: opening the skill and starting a routine."""

from __future__ import annotations

from collections.abc import Sequence

from ask_sdk_model import Response

from shared_content.catalogue import Exercise, Routine
from shared_content.catalogue.assemble import FIT_SHARE, OVER_SHARE
from shared_content.service import SessionView
from shared_content.vocabulary import MAX_ROUTINE_MINUTES, MIN_ROUTINE_MINUTES, POSITIONS
from skill.interaction_model import POSITION_WORDS, equipment_id
from skill.speech.ssml import Raw, Timeline, escape

from . import checkins, flow
from .base import IntentHandler, RequestTypeHandler, slot
from .turn import Turn


class LaunchHandler(RequestTypeHandler):
    """Greets, reads the safety notice once per person (then asks the red-flag screen if it has not
    been answered), offers to continue or to start a routine."""

    request_type = "LaunchRequest"

    def reply(self, turn: Turn) -> Response:
        first = not turn.person.safety_heard
        tl = Timeline().say(turn.t("launch.welcome_first" if first else "launch.welcome_back"))
        if first and not checkins.screened(turn):  # the notice, then the once-only red-flag screen
            return checkins.ask_screen(turn, tl)
        if first:
            tl.say(escape(turn.catalogue.safety.full))
            turn.coach.acknowledge_safety(turn.person.id)
        elif (question := checkins.ask_followup(turn, tl)) is not None:
            return question
        view = turn.current()
        if view is not None and view.state.phase != "done":
            return offer_continue(turn, view, tl)
        return flow.offer_routines(turn, tl, suggest=last_routine_id(turn))


class StartRoutineHandler(IntentHandler):
    intents = ("StartRoutineIntent",)

    def reply(self, turn: Turn) -> Response:
        spoken, resolved = slot(turn, "routine")
        routine = find_routine(turn, spoken, resolved)
        minutes, _ = slot(turn, "minutes")
        focus_said, focus = slot(turn, "focus")
        avoid_said, avoid = slot(turn, "avoid")
        _, wanted = slot(turn, "position")
        if wanted in POSITIONS and avoid is None:  # "a routine standing up": everything else avoided
            others = [p for p in POSITIONS if p != wanted]
            avoid, avoid_said = ",".join(others), " or ".join(POSITION_WORDS[p][0] for p in others)
        if minutes is not None or ((focus or avoid) and routine is None):
            return start_by_minutes(
                turn, minutes, routine, focus=focus, avoid=avoid, said=(focus_said or "", avoid_said or "")
            )
        if routine is None:
            return unknown_routine(turn, spoken)
        return start_routine(turn, routine)


def offer_continue(turn: Turn, view: SessionView, tl: Timeline) -> Response:
    turn.pending = "continue"
    tl.say(turn.t("launch.continue", where=Raw(flow.where(turn, view.position))))
    return turn.ask(tl, turn.t("reprompt.continue"), view)


def last_routine_id(turn: Turn) -> str | None:
    return turn.coach.last_routine_id(turn.person.id)


def find_routine(turn: Turn, spoken: str | None, resolved: str | None) -> Routine | None:
    if resolved:
        try:
            return turn.catalogue.routine(resolved)
        except (KeyError, ValueError):
            pass
    return turn.catalogue.find_routine(spoken) if spoken else None


DEFAULT_MINUTES = 10  # "a stretch routine without floor work", no length given


def start_by_minutes(
    turn,
    minutes: str | None,
    like=None,
    *,
    focus: str | None = None,
    avoid: str | None = None,
    said: tuple[str, str] = ("", ""),
):
    """ "Give me a 10 minute stretch without floor work": an assembled routine (its id rebuilds
    it in any process). `focus` is a category id, `avoid` a position id (slot resolutions)."""
    if focus is None and like is not None and like.focus != "mixed":
        focus = like.focus
    try:
        count = int(minutes) if minutes is not None else DEFAULT_MINUTES
    except ValueError:
        count = 0
    if not MIN_ROUTINE_MINUTES <= count <= MAX_ROUTINE_MINUTES:
        tl = Timeline().say(
            turn.t("routine.minutes_range", said=minutes, least=MIN_ROUTINE_MINUTES, most=MAX_ROUTINE_MINUTES)
        )
        return turn.ask(tl, turn.t("reprompt.choose"))
    avoiding = set(avoid.split(",")) if avoid else None
    notes = []
    try:
        routine = turn.catalogue.assemble(count, focus, avoiding)
    except ValueError as refused:
        if "posture focus" not in str(refused):
            tl = Timeline().say(turn.t("routine.nothing_fits", avoid=said[1] or avoid or ""))
            return turn.ask(tl, turn.t("reprompt.choose"))
        # the nearest that fits: the posture guidance for these positions, said plainly
        routine = turn.catalogue.assemble(count, "posture", avoiding)
        notes.append(turn.t("routine.posture_instead", avoid=said[1] or avoid or ""))
    exercises = routine.exercises(turn.catalogue)
    if avoid and not notes and focus and not any(ex.category == focus for ex in exercises):
        notes.append(turn.t("routine.no_focus", focus=said[0] or focus, avoid=said[1] or avoid))
    # the assembled name ("40-minute stretch routine") would contradict a note that it is short
    # or built from other exercises: then the start says "here's what fits" instead of the name
    fitted = bool(notes) or not FIT_SHARE * count * 60 <= routine.duration_seconds <= OVER_SHARE * count * 60
    if not notes and routine.explanation:  # shorter than asked, or other exercises added: say so
        notes.extend(fit_notes(turn, routine, exercises, count, focus, said))
    return start_routine(turn, routine, notes=notes, fitted=fitted)


def fit_notes(
    turn: Turn,
    routine: Routine,
    exercises: Sequence[Exercise],
    count: int,
    focus: str | None,
    said: tuple[str, str],
) -> list[str]:
    """Why an assembled routine differs from the request, in the locale's words (the routine's
    `explanation` says the same for the phone)."""
    notes: list[str] = []
    others = [escape(ex.name) for ex in exercises if focus and ex.category != focus]
    time = Raw(flow.duration(turn, routine.duration_seconds))
    if routine.duration_seconds < FIT_SHARE * count * 60:
        # with exercises of another focus added, the time is all of them, not the focus's alone
        key = (
            "routine.shorter"
            if said[1]
            else "routine.shorter_focus"
            if focus and not others
            else "routine.shorter_all"
        )
        notes.append(turn.t(key, avoid=said[1], focus=said[0] or focus or "", time=time))
    elif routine.duration_seconds > OVER_SHARE * count * 60:
        notes.append(turn.t("routine.longer", time=time))
    if others:
        notes.append(turn.t("routine.other_focus", focus=said[0] or focus, names=join_list(turn, others)))
    return notes


def start_routine(
    turn: Turn, routine: Routine, *, notes: Sequence[str] = (), fitted: bool = False, checked: bool = False
) -> Response:
    if not checked and (question := checkins.gate(turn, routine)) is not None:
        return question  # the red-flag screen or the before check-in first; it starts the routine
    outcome = turn.command("start", routine_id=routine.id, versioned=False)
    # A first routine asked for straight away ("ask psoas coach to start ..."), before any launch
    # greeting: the full safety notice is read out in this response, which the Coach takes as heard.
    first = outcome.needs_safety_notice
    if first:
        outcome = turn.command("start", routine_id=routine.id, versioned=False, safety_acknowledged=True)
    if not outcome.applied:
        return flow.refused(turn, outcome, Timeline())
    count = len(routine.exercise_ids)
    tl = Timeline()
    for note in notes:
        tl.say(note)
    # after a note ("none of my stretches work without floor work"), the assembled routine's
    # name ("10-minute stretch routine") would contradict it: say what fits instead
    key = "routine.starting_fitted" if fitted else "routine.starting"
    tl.say(
        turn.t(
            key if count != 1 else key + "_one",
            routine=routine.name,
            count=count,
            time=Raw(flow.duration(turn, routine.duration_seconds)),
        )
    )
    tl.say(escape(turn.catalogue.safety.full if first else turn.catalogue.safety.short))
    if equipment_needed(turn, routine):
        return wait_for_equipment(turn, routine, outcome.view, tl)
    return flow.present(turn, outcome.view, tl)


EQUIPMENT = "equipment"  # pending: the routine waits, paused, until they have what it needs


def equipment_needed(turn: Turn, routine: Routine) -> list[str]:
    """What the routine's exercises need that the person has not said they lack, in order."""
    return [n for n in routine.equipment(turn.catalogue) if equipment_id(n) not in turn.lacks]


def wait_for_equipment(turn: Turn, routine: Routine, view, tl: Timeline, *, key: str = "equipment.needed"):
    """ "You'll need a bolster pillow and a foam roller; say ready when you have them": the routine
    waits, paused on its first step (the phone shows it), until "ready" (or the phone's resume)."""
    needed = equipment_needed(turn, routine)
    if view is not None and not view.position.paused:
        view = turn.command("pause", versioned=False).view or view
    turn.pending = EQUIPMENT
    items = join_list(turn, [escape(f"a {n}") for n in needed])
    tl.say(turn.t(key if len(needed) > 1 else key + "_one", equipment=Raw(items), example=needed[-1]))
    return turn.ask(tl, turn.t("reprompt.equipment"), view)


def routine_names(turn: Turn, *, with_time: bool = False) -> str:
    """ "A, B, and C"; with times, one short sentence each: "A, about 5 minutes. And B, 3 minutes."."""
    routines = list(turn.catalogue.routines.values())
    if not with_time:
        return join_list(turn, [escape(r.name) for r in routines])
    items = [
        turn.t("list.item", routine=r.name, time=Raw(flow.duration(turn, r.duration_seconds)))
        for r in routines
    ]
    if len(items) > 1:
        items[-1] = turn.t("list.last", item=Raw(items[-1]))
    return Raw(" ".join(items))


def join_list(turn: Turn, items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    joiner = turn.t("list.and_two") if len(items) == 2 else turn.t("list.and")
    return Raw(", ".join(items[:-1]) + joiner + items[-1])


def unknown_routine(turn: Turn, spoken: str | None) -> Response:
    key = "routine.unknown" if spoken else "routine.which"
    tl = Timeline().say(turn.t(key, said=spoken or "", routines=Raw(routine_names(turn))))
    turn.pending = "choose"
    return turn.ask(tl, turn.t("reprompt.choose"))
