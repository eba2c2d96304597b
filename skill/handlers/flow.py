"""How the voice walks a session: it leads the engine's timeline, hands-free.

`present(turn, view, tl)` speaks the session as it is now: finished, paused, or running, when
the voice leads (`lead`): each response carries as much of the timeline as fits Alexa's limits
(skill/speech/lead.py builds it from the engine's cues), and before answering the voice halts the
timeline (a `barrier`) at the segment where its speech stops, with `voice_until` = when the
audio ends, so the phone shows "waiting" exactly when the speaker falls silent. Any short
answer ("go on", "ready", "next", "yes", "continue") continues from there. In "wait for me"
mode the engine itself halts after each exercise. Every jump the voice makes starts the
jumped-to segment when its opening words have been said (`at` = now + latency + opening).

The phone may have acted since the voice last spoke: the next turn begins with what it did
(`phone_news`), and a pain stop on the phone is never answered with an offer to start again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_model import Response

from shared_content.catalogue import about_minutes
from shared_content.service import SessionView
from skill.speech.lead import MIN_GAP, script_for
from skill.speech.ssml import Raw, Timeline, escape, estimate_seconds

from .turn import Turn

if TYPE_CHECKING:
    from typing_extensions import TypeIs  # typing.TypeIs is Python 3.13

SPEECH_START_DELAY = 0.3  # from our reply to the first word on the device (network + TTS start)


# --- words about a position -----------------------------------------------------------


def side_phrase(turn: Turn, side: str | None) -> str:
    return "" if side is None else turn.t(f"block.side_{side}")


def first_block(p) -> bool:
    return p.set_no == 1 and p.side in (None, "left")


def last_block_of_exercise(p) -> bool:
    return p.set_no == p.sets and p.side in (None, "right")


def where(turn: Turn, p) -> str:
    """ "the plank, set 2 of 3" / "the knee to chest, set 1 of 1, right side" / "the neutral spine tips"."""
    ex = p.exercise
    if ex.kind == "guidance":
        return turn.t("where.guidance", exercise=ex.name)
    if p.phase == "resting" and not p.paused and not last_block_of_exercise(p):
        return turn.t("where.ready_for", exercise=ex.name, what=next_what(turn, p))
    if p.sets == 1 and not p.side:
        return turn.t("where.single", exercise=ex.name)
    if p.side:
        return turn.t(
            "where.side", exercise=ex.name, set_no=p.set_no, sets=p.sets, side=turn.t(f"side.{p.side}")
        )
    return turn.t("where.set", exercise=ex.name, set_no=p.set_no, sets=p.sets)


def next_what(turn: Turn, p) -> str:
    """What comes after what is running now: "the right side", "set 2 of 3", the next exercise.

    A rest or a switch leads into the block it opens; an exercise's introduction into its first block.
    """
    if p.kind in ("rest", "switch_sides"):
        return (
            turn.t("what.right_side")
            if p.side == "right"
            else turn.t("what.set", set_no=p.set_no, sets=p.sets)
        )
    if p.kind in ("intro", "transition") and p.exercise.kind != "guidance":
        if p.exercise.per_side:
            return turn.t("what.left_side")
        if p.exercise.sets > 1:
            return turn.t("what.set", set_no=1, sets=p.exercise.sets)
        return turn.t("what.first_hold")
    if not last_block_of_exercise(p):
        if p.side == "left":
            return turn.t("what.right_side")
        return turn.t("what.set", set_no=p.set_no + 1, sets=p.sets)
    if p.next_exercise is not None:
        return turn.t("what.exercise", exercise=p.next_exercise.name)
    return turn.t("what.finish")


def duration(turn: Turn, seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds == 1:
        return turn.t("time.second_one")
    if seconds < 90:
        return turn.t("time.seconds", seconds=seconds)
    return turn.t("time.minutes", minutes=max(2, about_minutes(seconds)))


def exercise_intro(turn: Turn, ex, view: SessionView | None = None) -> str:
    """The exercise's name, summary and steps; during a run the steps say its hold at the run's pace."""
    steps = " ".join(escape(step) for step in (view.steps(ex) if view is not None else ex.steps_at()))
    return turn.t("exercise.intro", exercise=ex.name, summary=ex.summary) + " " + steps


def at_for(turn: Turn, seconds_into_speech: float) -> float:
    return turn.now + SPEECH_START_DELAY + seconds_into_speech


# --- presenting the session ---------------------------------------------------------------


def present(turn: Turn, view: SessionView | None, tl: Timeline | None = None, *, depth: int = 0) -> Response:
    tl = tl or Timeline()
    if view is None:
        return offer_routines(turn, tl)
    turn.version = view.state.version  # from here on the voice speaks about this version
    tl = with_news(turn, view, tl)
    if view.state.done:
        return finished(turn, view, tl)
    if view.position.paused:
        return paused(turn, view, tl)
    return lead(turn, view, tl, depth=depth)


def phone_news(turn: Turn, view: SessionView) -> str:
    """What the phone did since the voice last spoke ("You paused on your phone."), or ""."""
    state = view.state
    if state.last_source != "phone" or not state.last_command:
        return ""
    key = f"phone_news.{state.last_command}"
    return turn.t(key) if key in turn.phrases.keys() else ""


def with_news(turn: Turn, view: SessionView, tl: Timeline) -> Timeline:
    news = phone_news(turn, view)
    if not news or (tl.parts and tl.parts[0] == news):
        return tl
    return Timeline(parts=[news, *tl.parts], at=tl.at + estimate_seconds(news, tail=False))


def lead(turn: Turn, view: SessionView, tl: Timeline, *, depth: int = 0) -> Response:
    """Speak the timeline from now for as long as one response may last (skill/speech/lead.py),
    then halt it (a barrier) where the speech stops, so the phone shows "waiting" exactly when
    the speaker falls silent."""
    audio_start = turn.now + SPEECH_START_DELAY
    speech_at = audio_start + tl.at + MIN_GAP
    p = view.position
    if p.waiting:  # halted at a barrier or a "wait for me" stop: the halted part starts as we speak
        outcome = turn.command("continue", at=speech_at, based_on=view, defer=True)
        if not outcome.applied:
            return refused(turn, outcome, tl, depth)
        view = outcome.view or view
    elif p.kind == "intro" and p.segment_started_at is not None and p.segment_started_at < speech_at - 0.5:
        if (
            p.step == 0 and p.segment is not None and p.segment.index == 0
        ):  # a routine just started: its first intro begins as it is read
            outcome = turn.command("repeat", at=speech_at, based_on=view, defer=True)
            view = outcome.view or view
    from . import carry  # who the person is: cues for exercises done before, cautions once, equipment

    if carry.lacking(turn, p.exercise) and depth <= len(view.routine.exercise_ids):
        return carry.skip_if_lacking(turn, view, tl, depth=depth + 1)
    if turn.seen is None:  # what carry.seen_before reads; the view in hand says the run is not over
        turn.seen = turn.coach.exercises_done(turn.person.id, running=view)
    data = turn.coach.timeline_of(view)
    cut = carry.stop_before_lacking(turn, data)
    closing: list[str | None] = []  # worked out only if the script reaches the routine's end

    def words(key: str, **values):
        if key == "lead.done":  # a question after the routine's last words drops their goodbye
            if not closing:
                closing.append(closing_question(turn, view))
            key = "lead.done_asking" if closing[0] is not None else key
        return turn.t(key, **values)

    script = script_for(
        data,
        words,
        carry.exercise_words(turn, p.exercise.id, view),
        audio_start=audio_start,
        opening=tl.ssml(),
        phrases=turn.phrases,  # `words` is turn.t but for "lead.done" (two variants): cues cached per locale
    )
    if cut is not None and script.end == "halt":  # halted before an exercise left out: "go on" skips it
        script.barrier = cut
        script.add(script.length, turn.t("lead.go_on"))
    outcome = turn.command(
        "barrier", segment=script.barrier, voice_until=audio_start + script.length, based_on=view
    )
    view = outcome.view or view
    if script.end == "done":  # the routine ends as this audio does: its closing question comes last
        if closing and closing[0] is not None:
            return ask_closing(turn, view, script, closing[0])
        return turn.tell_script(script, view)
    key = "lead.reprompt_wait" if script.end == "wait" else "lead.reprompt_go_on"
    return turn.ask_script(script, turn.t(key), view)


def offer_routines(turn: Turn, tl: Timeline, *, suggest: str | None = None) -> Response:
    routine = turn.catalogue.routine(suggest) if suggest else next(iter(turn.catalogue.routines.values()))
    turn.pending = f"start:{routine.id}"
    # "the Five-minute quick release? It takes about 5 minutes" says the length twice
    key = "launch.offer_named" if "minute" in routine.name.lower() else "launch.offer"
    tl.say(turn.t(key, routine=routine.name, time=Raw(duration(turn, routine.duration_seconds))))
    return turn.ask(tl, turn.t("reprompt.offer", routine=routine.name))


def paused(turn: Turn, view: SessionView, tl: Timeline) -> Response:
    tl.say(turn.t("pause.is_paused", where=Raw(where(turn, view.position))))
    return turn.ask(tl, turn.t("reprompt.paused"), view)


def finished(turn: Turn, view: SessionView, tl: Timeline) -> Response:
    key = {"completed": "done.completed", "pain": "done.pain"}.get(view.state.outcome or "", "done.stopped")
    if not (view.state.outcome == "pain" and phone_news(turn, view)):  # the news already says why
        tl.say(turn.t(key, routine=view.routine.name))
    if view.state.outcome == "pain":
        tl.say(turn.t("pain.advice"))
    return wrap_up(turn, view, tl)


def closing_question(turn: Turn, view: SessionView) -> str | None:
    """What a routine the voice leads to its very end asks as its last words: "after" (how is the
    back now: a before score was given for this run), "pace" (keep a changed pace?), or None."""
    settings = turn.coach.settings(turn.person.id)
    if settings.checkins_on and settings.pending_before is not None:
        return "after"
    return "pace" if view.state.pace != turn.person.pace else None


def ask_closing(turn: Turn, view: SessionView, script, kind: str) -> Response:
    from .checkins import AFTER  # checkins and pace build on flow
    from .pace import keep_pace_question

    if kind == "after":
        turn.pending = AFTER
        script.add(script.length, turn.t("checkin.after"))
        return turn.ask_script(script, turn.t("checkin.reprompt"), view)
    script.add(script.length, keep_pace_question(turn, view.state.pace))
    return turn.ask_script(script, turn.t("reprompt.keep_pace"), view)


def wrap_up(turn: Turn, view: SessionView, tl: Timeline) -> Response:
    """After the words that end a routine, however it ended: how is the back now (a completed
    run with a before check-in), and whether to keep today's pace; else goodbye."""
    from .checkins import ask_after  # checkins and pace build on flow
    from .pace import offer_keep_pace

    if view.state.outcome == "completed" and (question := ask_after(turn, view, tl)) is not None:
        return question  # its answer then offers to keep the pace
    return offer_keep_pace(turn, view, tl) or turn.tell(tl, view)


def refused(turn: Turn, outcome, tl: Timeline, depth: int = 0) -> Response:
    """A command that was not applied: a duplicate (another device moved first) or illegal."""
    view = outcome.view if outcome.view is not None else turn.current()
    if depth > 2:
        tl.say(turn.t("sync.busy"))
        return turn.ask(tl, turn.t("reprompt.next"), view)
    tl.say(turn.t("sync.moved_on" if outcome.status == "duplicate" else "sync.not_now"))
    return present(turn, view, tl, depth=depth + 1)


# --- the voice's own commands -------------------------------------------------------------


def advance(
    turn: Turn, name: str, *, opening: str = "", allow_done: bool = False, view: SessionView | None = None
) -> Response:
    """next / previous / repeat / start_over from the voice, then lead from the new place; the
    jumped-to segment starts when the opening (and any news from the phone) has been said.
    `view`: the session as this turn has just read it (not read again)."""
    view = view or turn.current()
    if view is None:
        return no_session(turn)
    if view.state.done and not allow_done:
        return finished_already(turn, view)
    tl = with_news(turn, view, Timeline().say(opening))
    outcome = turn.command(name, at=at_for(turn, tl.at + MIN_GAP), based_on=view, defer=True)
    if not outcome.applied:
        return refused(turn, outcome, tl)
    return present(turn, outcome.view, tl)


def move_on(turn: Turn) -> Response:
    """ "next", "ready", "yes" from the voice: at a halt (barrier or "wait for me") carry on from
    there; otherwise the next step (side, set or exercise) starts as the voice leads it."""
    view = turn.current()
    if view is None:
        return no_session(turn)
    if view.state.done:
        return finished_already(turn, view)
    if view.position.waiting or view.position.paused:
        return carry_on(turn, view, Timeline())
    return advance(turn, "next", opening=turn.t("nav.next"), view=view)


def carry_on(turn: Turn, view: SessionView | None, tl: Timeline) -> Response:
    """Continue a session as it stands: resume it if paused, then lead it (a halt is continued there)."""
    if view is not None and view.position.paused and not view.state.done:
        tl = with_news(turn, view, tl)  # "You paused on your phone." before the resume is ours
        outcome = turn.command("resume", versioned=False, based_on=view, defer=True)
        view = outcome.view or view
        if view.position.kind in ("hold", "release"):  # stopped mid-rep: that rep is done again, whole
            view = (
                turn.command("repeat", at=at_for(turn, tl.at + MIN_GAP), based_on=view, defer=True).view
                or view
            )
    return present(turn, view, tl)


def no_session(turn: Turn, opening: str = "") -> Response:
    tl = Timeline().say(opening).say(turn.t("session.none"))
    return offer_routines(turn, tl)


def finished_already(turn: Turn, view: SessionView) -> Response:
    if view.state.outcome == "pain":  # never offer the routine again after it hurt
        return finished(turn, view, with_news(turn, view, Timeline()))
    tl = Timeline().say(turn.t("done.already", routine=view.routine.name))
    return offer_routines(turn, tl, suggest=view.routine.id)


def active(view: SessionView | None) -> TypeIs[SessionView]:
    """A session is running, paused or not (so there is something to act on)."""
    return view is not None and not view.state.done


def not_running(turn: Turn, view: SessionView | None) -> Response:
    """The answer when there is no session to act on: none at all, or one already finished."""
    if view is None:
        return no_session(turn)
    return finished_already(turn, view)


def phase_key(view: SessionView | None) -> str:
    if view is None:
        return "none"
    if view.state.done:
        return "done"
    if view.position.paused:
        return "paused"
    if view.position.phase == "instructions" and view.position.exercise.kind == "guidance":
        return "guidance"
    if view.position.waiting:  # halted where the voice stopped: "next" carries on
        return "resting"
    return view.position.phase


def prompt_for(turn: Turn, view: SessionView | None) -> str:
    return turn.t(f"prompt.{phase_key(view)}")
