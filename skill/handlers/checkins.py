"""Check-ins by voice, each skippable and all off with "stop asking about my pain":

- before a routine, "how is your back right now, zero to ten?" (pending "checkin:before:<routine>")
- after a completed routine, "how is your back now?" (pending "checkin:after")
- on the next launch after a pain stop or a run whose pain rose, "how does it feel today?"
  (pending "followup"); worse than last time: the gentlest routine is offered
- once, before the first routine, a short spoken red-flag screen (pending "screen:<routine>",
  "screen:" when asked at the first launch or by "ask me the safety questions again")

The red-flag screen, as a careful physiotherapist would run it:
- It comes right after the safety notice (the first launch, or a first "start the ..." with no
  launch) and before the first routine, whichever way the person gets there. The notice's own
  warning-signs sentence is left out then: the question asks about the same signs in more detail.
- "No": stored as no flags; then the before check-in if check-ins are on, then the routine starts.
- "Yes": stored as every flag; the see-a-clinician advice, and no routine today.
- "Skip", a number, "next" or words not understood: it is asked once more, saying why it matters;
  a second time, nothing is stored and no routine starts (a warning sign can't be waved through):
  the question comes again at the next start. "Stop" leaves as anywhere else.
- Stored through the Coach (the phone's /safety/screen shows the same answer) and asked again on
  request ("ask me the safety questions again"), pausing a running routine while it is open.

The setting and the answers are the Coach's, shared with the phone.
"""

from __future__ import annotations

import re

from shared_content.catalogue import SafetyNotice
from skill.speech.ssml import Raw, Timeline, escape

from . import flow, launch
from .base import IntentHandler
from .pace import offer_keep_pace
from .pain_flow import open_question, said_score

BEFORE = "checkin:before:"
AFTER = "checkin:after"
FOLLOWUP = "followup"
SCREEN = "screen:"


def gate(turn, routine):
    """Before a start: the red-flag screen once, then the before check-in; None to start at once."""
    settings = turn.coach.settings(turn.person.id)  # the screen's answer and the check-ins, one read
    if settings.screen_answered_at is None:
        return ask_screen(turn, Timeline(), routine.id)
    if settings.checkins_on:
        turn.pending = BEFORE + routine.id
        return turn.ask(turn.t("checkin.before"), turn.t("checkin.reprompt"))
    return None


def screened(turn) -> bool:
    return turn.coach.red_flag_screen(turn.person.id)[0] is not None


def ask_screen(turn, tl: Timeline, routine_id: str = ""):
    """The red-flag screen; a person who has not heard the safety notice hears it first (welcomed
    when no launch has greeted them), its warning-signs sentence left to the question."""
    if not turn.person.safety_heard:
        if not tl.parts:
            tl.say(turn.t("launch.welcome_first"))
        tl.say(escape(notice_before_screen(turn.catalogue.safety)))
        turn.coach.acknowledge_safety(turn.person.id)
    turn.pending = SCREEN + routine_id
    first = not screened(turn) and not turn.coach.history(turn.person.id)
    key = "screen_check.question" if first else "screen_check.question_any_time"
    return turn.ask(
        tl.say(turn.t(key, signs=Raw(turn.t("screen_check.signs")))), turn.t("screen_check.reprompt")
    )


def notice_before_screen(safety: SafetyNotice) -> str:
    """The full notice without the sentence naming the warning signs ("If you have numbness,
    weakness, fever ..."): the one naming two or more of its `see_clinician` signs."""
    signs = [sign.lower() for sign in safety.see_clinician]
    sentences = re.split(r"(?<=[.!?])\s+", safety.full.strip())
    return " ".join(s for s in sentences if sum(sign in s.lower() for sign in signs) < 2)


def ask_after(turn, view, tl: Timeline):
    """At the end of a completed routine whose before check-in was answered: how is the back now?"""
    history = turn.coach.history(turn.person.id)
    if not history or history[0].pain_before is None or not turn.coach.settings(turn.person.id).checkins_on:
        return None
    turn.pending = AFTER
    return turn.ask(tl.say(turn.t("checkin.after")), turn.t("checkin.reprompt"), view)


def ask_followup(turn, tl: Timeline):
    """On launch, after a pain stop or a run whose pain rose: how does it feel today?"""
    # The follow-up first: most visits need none, and then the settings are not read.
    if (
        turn.coach.needs_followup(turn.person.id) is None
        or not turn.coach.settings(turn.person.id).checkins_on
    ):
        return None
    turn.pending = FOLLOWUP
    return turn.ask(tl.say(turn.t("checkin.followup")), turn.t("checkin.reprompt"))


class _Answer(IntentHandler):
    prefix = ""

    def can_handle(self, handler_input) -> bool:
        return open_question(handler_input, self.prefix)

    def score(self, turn) -> tuple[bool, int | None]:
        if getattr(turn.request.intent, "name", None) != "PainScoreIntent":
            return True, None  # "skip", "next", "no"
        return said_score(turn)

    def again(self, turn):
        turn.pending = turn.pending_in
        return turn.ask(turn.t("painscore.out_of_range"), turn.t("checkin.reprompt"))


class BeforeAnswerHandler(_Answer):
    prefix = BEFORE

    def reply(self, turn):
        answered, score = self.score(turn)
        if not answered:
            return self.again(turn)
        routine_id = (turn.pending_in or "")[len(BEFORE) :]
        if score is not None:
            turn.coach.checkin(turn.person.id, "before", score)
        if routine_id not in turn.catalogue.routines:
            return flow.offer_routines(turn, Timeline())
        return launch.start_routine(turn, turn.catalogue.routine(routine_id), checked=True)


class AfterAnswerHandler(_Answer):
    prefix = AFTER

    def reply(self, turn):
        answered, score = self.score(turn)
        if not answered:
            return self.again(turn)
        view = turn.current()  # first: a run whose audio ended with this question is recorded now
        if score is not None:
            turn.coach.checkin(turn.person.id, "after", score)
        tl = Timeline().say(turn.t("checkin.thanks"))
        return offer_keep_pace(turn, view, tl) or turn.tell(tl.say(turn.t("stop.bye")))


class FollowupAnswerHandler(_Answer):
    prefix = FOLLOWUP

    def reply(self, turn):
        answered, score = self.score(turn)
        if not answered:
            return self.again(turn)
        worse = turn.coach.answer_followup(turn.person.id, score)
        if worse:
            gentle = turn.coach.gentler_routine()
            turn.pending = f"start:{gentle.id}"
            return turn.ask(
                turn.t("checkin.gentler", routine=gentle.name), turn.t("reprompt.offer", routine=gentle.name)
            )
        tl = Timeline().say(turn.t("checkin.better") if score is not None else turn.t("checkin.thanks"))
        return flow.offer_routines(turn, tl, suggest=launch.last_routine_id(turn))


class ScreenYesHandler(IntentHandler):
    """Yes to the red-flag screen: the see-a-clinician advice, and no routine today."""

    def can_handle(self, handler_input) -> bool:
        return open_question(handler_input, SCREEN, ("AMAZON.YesIntent",))

    def reply(self, turn):
        advice = turn.coach.answer_red_flag_screen(turn.person.id, None)
        view = turn.current()
        if flow.active(view):  # asked again mid-routine: that routine ends here
            view = turn.command("finish", versioned=False).view
        return turn.tell(Timeline().say(escape(advice.text)), view)


class ScreenNoHandler(IntentHandler):
    """No to the red-flag screen: the before check-in if on, then the routine asked for; asked at
    the launch or on request, the launch's offer (continue, or a routine)."""

    def can_handle(self, handler_input) -> bool:
        return open_question(handler_input, SCREEN, ("AMAZON.NoIntent",))

    def reply(self, turn):
        turn.coach.answer_red_flag_screen(turn.person.id, ())
        routine_id = (turn.pending_in or "")[len(SCREEN) :]
        if routine_id not in turn.catalogue.routines:
            tl, view = Timeline().say(turn.t("screen_check.noted")), turn.current()
            if flow.active(view):
                return launch.offer_continue(turn, view, tl)
            return flow.offer_routines(turn, tl, suggest=launch.last_routine_id(turn))
        routine = turn.catalogue.routine(routine_id)
        asked = gate(turn, routine)  # the screen is answered now: the before check-in, if on
        return asked or launch.start_routine(
            turn, routine, notes=[turn.t("screen_check.clear")], checked=True
        )


# Said while the screen is open, none of them a yes or a no: asked once more, then not answered.
UNCLEAR = (
    "AMAZON.FallbackIntent",
    "AMAZON.NextIntent",
    "AMAZON.HelpIntent",
    "SkipExerciseIntent",
    "SkipSetIntent",
    "SkipSideIntent",
    "PainScoreIntent",
)


class ScreenUnclearHandler(IntentHandler):
    """Neither yes nor no to the screen: once more with why it matters, then no routine today."""

    def can_handle(self, handler_input) -> bool:
        return open_question(handler_input, SCREEN, UNCLEAR)

    def reply(self, turn):
        if turn.misses_in >= 1:
            return turn.tell(turn.t("screen_check.unanswered"), turn.current())
        turn.pending, turn.misses = turn.pending_in, 1
        again = turn.t("screen_check.again", signs=Raw(turn.t("screen_check.signs")))
        return turn.ask(again, turn.t("screen_check.reprompt"))


class ScreenAgainHandler(IntentHandler):
    """ "Ask me the safety questions again": the screen, whenever asked; a running routine pauses."""

    intents = ("SafetyScreenIntent",)

    def reply(self, turn):
        view = turn.current()
        if flow.active(view) and not view.position.paused:
            turn.command("pause", versioned=False)
        return ask_screen(turn, Timeline())


class CheckinsOffHandler(IntentHandler):
    intents = ("CheckinsOffIntent",)

    def reply(self, turn):
        turn.coach.set_checkins(turn.person.id, False)
        view = turn.current()
        return turn.ask(
            Timeline().say(turn.t("checkin.off")).say(flow.prompt_for(turn, view)),
            flow.prompt_for(turn, view),
            view,
        )


class CheckinsOnHandler(IntentHandler):
    intents = ("CheckinsOnIntent",)

    def reply(self, turn):
        turn.coach.set_checkins(turn.person.id, True)
        view = turn.current()
        return turn.ask(
            Timeline().say(turn.t("checkin.on")).say(flow.prompt_for(turn, view)),
            flow.prompt_for(turn, view),
            view,
        )
