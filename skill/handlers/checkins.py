"""Check-ins by voice, each skippable and all off with "stop asking about my pain":

- before a routine, "how is your back right now, zero to ten?" (pending "checkin:before:<routine>")
- after a completed routine, "how is your back now?" (pending "checkin:after")
- on the next launch after a pain stop or a run whose pain rose, "how does it feel today?"
  (pending "followup"); worse than last time: the gentlest routine is offered
- once, before the first routine, a short spoken red-flag screen (pending "screen:<routine>")

The setting and the answers are the Coach's, shared with the phone.
"""

from __future__ import annotations

from skill.speech.ssml import Timeline, escape

from . import flow, launch
from .base import IntentHandler
from .pain_flow import open_question, said_score

BEFORE = "checkin:before:"
AFTER = "checkin:after"
FOLLOWUP = "followup"
SCREEN = "screen:"


def gate(turn, routine):
    """Before a start: the red-flag screen once, then the before check-in; None to start at once.

    Only from the second run on: a first run already opens with the full safety notice, and the
    voice tests written before these questions existed start first runs straight away.
    """
    if not turn.coach.history(turn.person.id):
        return None
    screened_at, _ = turn.coach.red_flag_screen(turn.person.id)
    if screened_at is None:
        turn.pending = SCREEN + routine.id
        return turn.ask(turn.t("screen_check.question"), turn.t("screen_check.reprompt"))
    if turn.coach.settings(turn.person.id).checkins_on:
        turn.pending = BEFORE + routine.id
        return turn.ask(turn.t("checkin.before"), turn.t("checkin.reprompt"))
    return None


def ask_after(turn, view, tl: Timeline):
    """At the end of a completed routine whose before check-in was answered: how is the back now?"""
    history = turn.coach.history(turn.person.id)
    if not history or history[0].pain_before is None or not turn.coach.settings(turn.person.id).checkins_on:
        return None
    turn.pending = AFTER
    return turn.ask(tl.say(turn.t("checkin.after")), turn.t("checkin.reprompt"), view)


def ask_followup(turn, tl: Timeline):
    """On launch, after a pain stop or a run whose pain rose: how does it feel today?"""
    if (
        not turn.coach.settings(turn.person.id).checkins_on
        or turn.coach.needs_followup(turn.person.id) is None
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
        if score is not None:
            turn.coach.checkin(turn.person.id, "after", score)
        return turn.tell(turn.t("checkin.thanks") + " " + turn.t("stop.bye"))


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
        return turn.tell(Timeline().say(escape(advice.text)))


class ScreenNoHandler(IntentHandler):
    def can_handle(self, handler_input) -> bool:
        return open_question(handler_input, SCREEN, ("AMAZON.NoIntent",))

    def reply(self, turn):
        turn.coach.answer_red_flag_screen(turn.person.id, ())
        routine_id = (turn.pending_in or "")[len(SCREEN) :]
        if routine_id not in turn.catalogue.routines:
            return flow.offer_routines(turn, Timeline().say(turn.t("screen_check.clear")))
        routine = turn.catalogue.routine(routine_id)
        asked = gate(turn, routine)  # the screen is answered now: the before check-in, if on
        return asked or launch.start_routine(
            turn, routine, notes=[turn.t("screen_check.clear")], checked=True
        )


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
